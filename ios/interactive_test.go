package ios

import (
	"os"
	"strings"
	"testing"

	prompt "github.com/c-bata/go-prompt"
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

func TestCompleter(t *testing.T) {
	e, _ := newTestEngine()
	s := e.NewSession(nil)
	s.SetMode(Exec)
	for text, want := range map[string]string{"": "", "show ": "", "sh": "show", "cl": "clear clock", "conf": "configure", "show int g": "GigabitEthernet"} {
		b := prompt.NewBuffer()
		b.InsertText(text, false, true)
		var got []string
		for _, sg := range s.completer(*b.Document()) {
			got = append(got, sg.Text)
			if sg.Description == "" {
				t.Errorf("%q: no help for %q", text, sg.Text)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("completer(%q) = %q, want %q", text, got, want)
		}
	}
}
