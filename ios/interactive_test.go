package ios

import (
	"os"
	"testing"
)

// TestInteractiveManual runs the line editor on the real terminal; it only
// runs when IOS_INTERACTIVE is set (a pty driver or a person at a
// terminal: go test -c && IOS_INTERACTIVE=1 ./ios.test -test.run Manual).
func TestInteractiveManual(t *testing.T) {
	if os.Getenv("IOS_INTERACTIVE") == "" {
		t.Skip("set IOS_INTERACTIVE=1 to try the line editor on a terminal")
	}
	e, _ := newTestEngine()
	e.SetHostname("R1")
	s := e.NewSession(os.Stdout)
	s.RunInteractive()
}
