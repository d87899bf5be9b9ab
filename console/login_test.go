package console

import (
	"path/filepath"
	"strings"
	"testing"

	"natlab/ios"
	"natlab/system"
)

// TestConsoleLogin: with `line con 0` / `password` / `login`, a terminal connection asks for the
// password before the first prompt, does not echo it, and lets the session start only when it is right.
func TestConsoleLogin(t *testing.T) {
	e := ios.NewEngine()
	sys := system.Register(e)
	if errs := e.LoadConfig(strings.NewReader("line con 0\n password cisco\n login\n")); len(errs) > 0 {
		t.Fatalf("config: %+v", errs)
	}
	path := filepath.Join(t.TempDir(), "r1.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	go ServeLogin(ln, e, func(tm Terminal) bool { _, ok := sys.ConsoleLogin(tm); return ok })
	t.Cleanup(func() { ln.Close() })

	a := dialTerm(t, path)
	a.expect("User Access Verification")
	a.expect("Password:")
	a.send("cisco\r")
	screen := a.expect("Router>")
	if strings.Contains(screen, "cisco") {
		t.Errorf("the password was echoed: %q", screen)
	}

	b := dialTerm(t, path)
	for i := 0; i < 3; i++ {
		b.expect("Password:")
		b.buf.Reset()
		b.send("wrong\r")
	}
	got := b.expect("% Bad passwords")
	if strings.Contains(got, "Router>") {
		t.Errorf("a session started after three wrong passwords: %q", got)
	}
}
