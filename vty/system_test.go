package vty

import (
	"strings"
	"testing"

	"natlab/ios"
	"natlab/system"
)

// TestSystemLines runs a telnet session on package system's vty lines: login local, show users
// lists it with its source, and clear line ends it.
func TestSystemLines(t *testing.T) {
	e := ios.NewEngine()
	sys := system.Register(e)
	if errs := e.LoadConfig(strings.NewReader("hostname R1\nusername admin privilege 15 secret s3cret\n" +
		"line vty 0 4\n login local\n transport input telnet ssh\n")); len(errs) > 0 {
		t.Fatal(errs)
	}
	srv := New(e, sys)
	addr := listen(t, srv.ServeTelnet)
	tc := dialTelnet(t, addr)
	tc.expect("Username: ")
	tc.send("admin\r\n")
	tc.expect("Password: ")
	tc.send("s3cret\r\n")
	tc.expect("R1#")
	tc.send("show users\r\n")
	users := tc.expect("R1#")
	if !strings.Contains(users, "vty 0") || !strings.Contains(users, "admin") || !strings.Contains(users, "127.0.0.1") {
		t.Errorf("show users:\n%s", users)
	}
	// Another session clears the line.
	s := e.NewSession(nil)
	defer s.Close()
	s.SetMode(ios.Exec)
	s.SetPagerInput(strings.NewReader("\r"))
	s.Execute("clear line vty 0")
	tc.closed()
}
