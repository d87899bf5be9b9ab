package system

import (
	"strings"
	"testing"

	"natlab/internal/golden"
	"natlab/ios"
)

// labConfig is a configuration typed the way students type it.
const labConfig = `hostname R1
no ip domain-lookup
ip domain-name lab.local
enable secret class
enable password cisco
banner motd #
Authorized access only!
!
  end
#
banner login $Login here$
line con 0
 password cisco
 login
 logging synchronous
 exec-timeout 0 0
 privilege level 15
line aux 0
 no exec-timeout
line vty 0 4
 password cisco
 login local
 transport input ssh telnet
 access-class 10 in
line vty 5 15
 transport input ssh
 access-class MGMT out
 exec-timeout 5
username admin privilege 15 secret cisco123
username guest password guest
username ops secret 5 $1$abcd$R7G9bUP02ibxyU6mXw5cy/
ip ssh version 2
ip ssh time-out 60
ip ssh authentication-retries 2
ip http server
no ip cef
`

// TestRunningConfigRoundTrip loads the rendered running-config into a new
// router and expects the same text, with and without service
// password-encryption.
func TestRunningConfigRoundTrip(t *testing.T) {
	for _, encrypt := range []bool{false, true} {
		e, _ := newTestSystem()
		cfg := labConfig
		if encrypt {
			cfg = "service password-encryption\n" + cfg
		}
		if errs := e.LoadConfig(strings.NewReader(cfg)); len(errs) != 0 {
			t.Fatalf("load: %v", errs)
		}
		first := e.RunningConfig()
		e2, _ := newTestSystem()
		if errs := e2.LoadConfig(strings.NewReader(first)); len(errs) != 0 {
			t.Fatalf("reload: %v", errs)
		}
		if second := e2.RunningConfig(); second != first {
			t.Errorf("encrypt=%v: round trip differs:\n%s\n--- first:\n%s", encrypt, golden.Diff(first, second), first)
		}
		for _, want := range []string{"enable secret 5 $1$mERr$9cTjUIEqNGurQiFU.ZeCi1\n", "banner motd ^C\nAuthorized access only!\n!\n  end\n^C\n", "line vty 5 15\n"} {
			if !strings.Contains(first, want) {
				t.Errorf("encrypt=%v: running-config lacks %q:\n%s", encrypt, want, first)
			}
		}
		if encrypt != strings.Contains(first, " password 7 0822455D0A16\n") {
			t.Errorf("encrypt=%v: line password rendering wrong:\n%s", encrypt, first)
		}
	}
}

// TestHashedInputKept loads secrets and passwords already hashed or
// encrypted (by another router, other salts and seeds) and expects them
// rendered exactly as given, and still usable.
func TestHashedInputKept(t *testing.T) {
	cfg := `enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
username admin privilege 15 secret 5 $1$UiOu$cyuNd.tzRs75CPY18Rj.M.
username guest password 7 121A0C0411045D5679
username v9 secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM
line con 0
 password 7 02050D480809
 login
`
	e, s := newTestSystem()
	if errs := e.LoadConfig(strings.NewReader(cfg)); len(errs) != 0 {
		t.Fatalf("load: %v", errs)
	}
	run := e.RunningConfig()
	for _, line := range strings.Split(strings.TrimSpace(cfg), "\n") {
		if !strings.Contains(run, line+"\n") {
			t.Errorf("running-config lacks %q:\n%s", line, run)
		}
	}
	if !s.CheckEnable("cisco") || s.CheckEnable("class") {
		t.Errorf("enable secret 5 of cisco does not check")
	}
	if s.con.password.clear != "cisco" || s.users[1].password.clear != "cisco123" {
		t.Errorf("type 7 input decoded to %q and %q", s.con.password.clear, s.users[1].password.clear)
	}
	// no service password-encryption does not decrypt what is encrypted.
	e.LoadConfig(strings.NewReader("service password-encryption\nenable password cisco2\nno service password-encryption\n"))
	if !strings.Contains(e.RunningConfig(), "enable password 7 ") {
		t.Errorf("enable password not kept encrypted:\n%s", e.RunningConfig())
	}
}

// TestEnablePassword types the enable secret at the Password: prompt.
func TestEnablePassword(t *testing.T) {
	tests := []struct {
		config, keys string
		ok           bool
		out          string
	}{
		{"enable secret class\nenable password cisco\n", "class\r", true, "Password: \n"},
		{"enable secret class\nenable password cisco\n", "cisco\rx\rclass\r", true, "Password: \nPassword: \nPassword: \n"},
		{"enable secret class\n", "a\rb\rc\r", false, "Password: \nPassword: \nPassword: \n% Bad secrets\n\n"},
		{"enable password 7 0822455D0A16\n", "cisco\r", true, "Password: \n"},
		{"enable password cisco\n", "a\rb\rc\r", false, "Password: \nPassword: \nPassword: \n% Bad passwords\n\n"},
		{"", "", true, ""},
	}
	for _, tt := range tests {
		e, _ := newTestSystem()
		e.LoadConfig(strings.NewReader(tt.config))
		var out strings.Builder
		sess := e.NewSession(&out)
		sess.SetPagerInput(strings.NewReader(tt.keys))
		ok := sess.Execute("enable")
		if ok != tt.ok || (sess.Mode() == ios.Exec) != tt.ok || out.String() != tt.out {
			t.Errorf("%q with %q: ok=%v mode=%s out=%q, want ok=%v out=%q", tt.config, tt.keys, ok, sess.Mode().Name, out.String(), tt.ok, tt.out)
		}
	}
}

// TestLabsSessionsStartPrivileged: a session put straight into privileged
// EXEC (labs cli) is never asked for the secret.
func TestLabsSessionsStartPrivileged(t *testing.T) {
	e, _ := newTestSystem()
	e.LoadConfig(strings.NewReader("enable secret class\n"))
	var out strings.Builder
	sess := e.NewSession(&out)
	sess.SetMode(ios.Exec)
	if !sess.Execute("show clock") || !sess.Execute("configure terminal") || sess.Mode() != ios.Config {
		t.Fatalf("privileged session refused: %q", out.String())
	}
}

func TestUserReplacedAndRemoved(t *testing.T) {
	e, s := newTestSystem()
	e.LoadConfig(strings.NewReader("username a password x\nusername b secret y\nusername a privilege 15 secret z\nno username b\n"))
	if len(s.users) != 1 || s.users[0].name != "a" || s.users[0].privilege != 15 || !s.users[0].secret.matches("z") {
		t.Errorf("users: %+v", s.users)
	}
}

// TestEnableSameWarning: setting the enable secret or password to the other's text warns, both ways,
// and sets it all the same.
func TestEnableSameWarning(t *testing.T) {
	tests := []struct{ first, second, want string }{
		{"enable secret cisco", "enable password cisco", "The enable password you have chosen is the same as your enable secret.\nThis is not recommended.  Re-enter the enable password.\n\n"},
		{"enable password cisco", "enable secret cisco", "The enable secret you have chosen is the same as your enable password.\nThis is not recommended.  Re-enter the enable secret.\n\n"},
		{"enable password cisco", "enable secret class", ""},
	}
	for _, tt := range tests {
		e, _ := newTestSystem()
		var out strings.Builder
		s := e.NewSession(&out)
		s.SetMode(ios.Config)
		s.Execute(tt.first)
		out.Reset()
		s.Execute(tt.second)
		if out.String() != tt.want {
			t.Errorf("%s, then %s: %q, want %q", tt.first, tt.second, out.String(), tt.want)
		}
		if !strings.Contains(e.RunningConfig(), "enable "+strings.Fields(tt.second)[1]+" ") {
			t.Errorf("%s, then %s: not set:\n%s", tt.first, tt.second, e.RunningConfig())
		}
	}
}
