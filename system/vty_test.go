package system

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/internal/testclock"
	"natlab/ios"
)

// newVTYSystem is newTestSystem with a clock the test moves, configured
// with cfg.
func newVTYSystem(t *testing.T, cfg string) (*ios.Engine, *System, *testclock.Clock) {
	t.Helper()
	clk := testclock.New(bootTime)
	e := ios.NewEngine()
	e.Clock = clk.Now
	e.SetHostname("R1")
	s := Register(e)
	s.SetSalt(func() string { return "mERr" })
	s.salt89 = func() string { return "ABCDEFGHIJKLMN" }
	s.genKey = fixtureKey
	if errs := e.LoadConfig(strings.NewReader(cfg)); len(errs) != 0 {
		t.Fatalf("config: %v", errs)
	}
	return e, s, clk
}

func req(transport, src string) VTYRequest {
	port := uint16(22)
	if transport == "telnet" {
		port = 23
	}
	return VTYRequest{Transport: transport, Source: netip.AddrPortFrom(netip.MustParseAddr(src), 40000),
		Local: netip.AddrPortFrom(netip.MustParseAddr("192.168.1.1"), port)}
}

// TestOpenVTYChoosesLine opens sessions one after another and checks the
// line each gets, or the refusal.
func TestOpenVTYChoosesLine(t *testing.T) {
	type open struct {
		transport, src string
		line           int   // expected line, when err is nil
		err            error // expected refusal
	}
	tests := []struct {
		name, cfg string
		opens     []open
	}{
		{"default lines take nothing", "", []open{{"ssh", "10.0.0.1", 0, ErrTransport}, {"telnet", "10.0.0.1", 0, ErrTransport}}},
		{"lowest free line, then busy", "line vty 0 4\n transport input ssh\n", []open{
			{"ssh", "10.0.0.1", 0, nil}, {"ssh", "10.0.0.1", 1, nil}, {"ssh", "10.0.0.2", 2, nil}, {"ssh", "10.0.0.2", 3, nil},
			{"ssh", "10.0.0.2", 4, nil}, {"ssh", "10.0.0.2", 0, ErrNoFreeLine}, {"telnet", "10.0.0.2", 0, ErrTransport}}},
		{"transport per line", "line vty 0 1\n transport input ssh\nline vty 2 4\n transport input telnet\n", []open{
			{"telnet", "10.0.0.1", 2, nil}, {"ssh", "10.0.0.1", 0, nil}, {"telnet", "10.0.0.1", 3, nil}, {"ssh", "10.0.0.1", 1, nil},
			{"ssh", "10.0.0.1", 0, ErrNoFreeLine}}},
		{"transport all and 5 15", "line vty 0 15\n transport input all\n", []open{{"telnet", "10.0.0.1", 0, nil}}},
		{"access-class", "line vty 0 4\n transport input ssh telnet\n access-class 10 in\n", []open{
			{"ssh", "10.0.0.1", 0, nil}, {"ssh", "172.16.0.1", 0, ErrAccessClass}, {"telnet", "10.0.0.9", 1, nil}}},
		{"access-class on some lines", "line vty 0 4\n transport input ssh\nline vty 0 1\n access-class 10 in\n", []open{
			{"ssh", "172.16.0.1", 2, nil}, {"ssh", "10.0.0.1", 0, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s, _ := newVTYSystem(t, tt.cfg)
			s.SetAccessClass(func(list string, src netip.Addr) bool {
				return list == "10" && netip.MustParsePrefix("10.0.0.0/8").Contains(src)
			})
			for i, o := range tt.opens {
				v, err := s.OpenVTY(req(o.transport, o.src))
				if o.err != nil {
					if !errors.Is(err, o.err) || v != nil {
						t.Fatalf("open %d: got %v, %v; want %v", i, v, err, o.err)
					}
					continue
				}
				if err != nil || v.Number() != o.line {
					t.Fatalf("open %d: got %v, want line %d", i, err, o.line)
				}
			}
		})
	}
}

// TestCloseFreesLine checks that a closed line is taken again, that Close
// logs the logout of a user, and that closing twice is harmless.
func TestCloseFreesLine(t *testing.T) {
	e, s, _ := newVTYSystem(t, "line vty 0\n transport input ssh\n")
	v, err := s.OpenVTY(req("ssh", "10.0.0.1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenVTY(req("ssh", "10.0.0.2")); !errors.Is(err, ErrNoFreeLine) {
		t.Fatalf("second open: %v", err)
	}
	v.SetUser("admin")
	v.Close()
	v.Close()
	select {
	case <-v.Killed():
	default:
		t.Error("Killed not closed by Close")
	}
	if _, err := s.OpenVTY(req("ssh", "10.0.0.2")); err != nil {
		t.Fatalf("open after close: %v", err)
	}
	logs := strings.Join(e.LogBuffer(), "\n")
	if strings.Count(logs, "%SYS-6-LOGOUT: User admin has exited tty session 2(10.0.0.1)") != 1 {
		t.Errorf("logout message: %q", logs)
	}
}

// TestAuthenticate checks line passwords and local users with every
// secret type, and the log lines.
func TestAuthenticate(t *testing.T) {
	const users = "username u5 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0\n" +
		"username u8 privilege 15 secret 8 $8$TnGX/fE4KGHOVU$pEhnEvxrvaynpi8j4f.EMHr6M.FzU8xnZnBr/tJdFWk\n" +
		"username u9 secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6\n" +
		"username made algorithm-type scrypt secret s3cret\n" +
		"username pw password 7 0822455D0A16\n" +
		"login on-success log\nlogin on-failure log\n"
	tests := []struct {
		name, lines, user, pw string
		ok                    bool
		priv                  int
	}{
		{"no login", " no login\n privilege level 15\n", "", "", true, 15},
		{"line password", " password cisco\n login\n", "", "cisco", true, 1},
		{"line password wrong", " password cisco\n login\n", "", "Cisco", false, 1},
		{"login without password", " login\n", "", "", false, 1},
		{"type 5", " login local\n", "u5", "cisco", true, 1},
		{"type 5 wrong", " login local\n", "u5", "cisco1", false, 1},
		{"type 8 privilege 15", " login local\n", "u8", "hashcat", true, 15},
		{"type 9", " login local\n privilege level 7\n", "u9", "hashcat", true, 7},
		{"type 9 wrong", " login local\n", "u9", "hashcaT", false, 1},
		{"type 9 made here", " login local\n", "made", "s3cret", true, 1},
		{"type 7 password", " login local\n", "pw", "cisco", true, 1},
		{"unknown user", " login local\n", "nobody", "cisco", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, s, _ := newVTYSystem(t, users+"line vty 0 4\n transport input ssh\n"+tt.lines)
			v, err := s.OpenVTY(req("ssh", "10.0.0.1"))
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Authenticate(tt.user, tt.pw); got != tt.ok {
				t.Fatalf("Authenticate = %v, want %v", got, tt.ok)
			}
			if got := v.Privilege(); got != tt.priv {
				t.Errorf("Privilege = %d, want %d", got, tt.priv)
			}
			logs := strings.Join(e.LogBuffer(), "\n")
			want := "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: " + tt.user + "] [Source: 10.0.0.1] [localport: 22] at 00:00:05 UTC Fri Mar 1 2002"
			if !tt.ok {
				want = "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: " + tt.user + "] [Source: 10.0.0.1] [localport: 22] [Reason: Login Authentication Failed] at 00:00:05 UTC Fri Mar 1 2002"
			}
			if tt.lines != " no login\n privilege level 15\n" && !strings.Contains(logs, want) {
				t.Errorf("log lacks %q:\n%s", want, logs)
			}
		})
	}
}

// TestBlockFor counts failures within the window, refuses connections in
// quiet mode and lets them in again after the block period.
func TestBlockFor(t *testing.T) {
	e, s, clk := newVTYSystem(t, "login block-for 30 attempts 3 within 60\nline vty 0 4\n password cisco\n transport input telnet\n")
	fail := func() {
		t.Helper()
		v, err := s.OpenVTY(req("telnet", "10.0.0.1"))
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		if v.Authenticate("", "bad") {
			t.Fatal("wrong password accepted")
		}
	}
	fail()
	clk.Advance(61 * time.Second) // the first failure leaves the window
	fail()
	fail()
	if _, err := s.OpenVTY(req("telnet", "10.0.0.1")); err != nil {
		t.Fatalf("two failures in the window: %v", err)
	}
	for _, v := range s.rt.lines {
		if v != nil {
			v.Close()
		}
	}
	clk.Advance(10 * time.Second)
	fail()
	if _, err := s.OpenVTY(req("telnet", "10.0.0.2")); !errors.Is(err, ErrQuietMode) {
		t.Fatalf("quiet mode: %v", err)
	}
	clk.Advance(30 * time.Second)
	v, err := s.OpenVTY(req("telnet", "10.0.0.2"))
	if err != nil {
		t.Fatalf("after the block period: %v", err)
	}
	if !v.Authenticate("", "cisco") {
		t.Fatal("right password refused")
	}
	logs := strings.Join(e.LogBuffer(), "\n")
	for _, want := range []string{
		"%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is 50 secs, [user: ] [Source: 10.0.0.1] [localport: 23] [Reason: Login Authentication Failed] [ACL: sl_def_acl] at 00:01:16 UTC Fri Mar 1 2002",
		"%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out at 00:01:46 UTC Fri Mar 1 2002",
		"%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: ] [Source: 10.0.0.2] [localport: 23] at 00:01:46 UTC Fri Mar 1 2002",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	if n := len(s.guard.failures); n > s.guard.attempts {
		t.Errorf("%d failures kept, more than attempts", n)
	}
}

// TestVTYTerminal runs the telnet dialogue for each login mode.
func TestVTYTerminal(t *testing.T) {
	tests := []struct {
		name, lines  string
		answers      []string
		ok           bool
		user, screen string
	}{
		{"no password", " login\n", nil, false, "", "Keep out\n\nPassword required, but none set\n"},
		{"line password", " password cisco\n login\n", []string{"x", "cisco"}, true, "",
			"Keep out\n\nUser Access Verification\n\nPassword: \nPassword: \n"},
		{"line password wrong", " password cisco\n login\n", []string{"a", "b", "c"}, false, "",
			"Keep out\n\nUser Access Verification\n\nPassword: \nPassword: \nPassword: \n% Bad passwords\n\n"},
		{"local", " login local\n", []string{"admin", "bad", "admin", "cisco123"}, true, "admin",
			"Keep out\n\nUser Access Verification\n\nUsername: admin\nPassword: \n% Login invalid\n\nUsername: admin\nPassword: \n"},
		{"local three failures", " login local\n", []string{"a", "b", "a", "b", "a", "b"}, false, "",
			"Keep out\n\nUser Access Verification\n\n" + strings.Repeat("Username: a\nPassword: \n% Login invalid\n\n", 3)},
		{"no login", " no login\n", nil, true, "", "Keep out\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, s, _ := newVTYSystem(t, "banner motd #Keep out#\nusername admin secret cisco123\nline vty 0 4\n transport input telnet\n"+tt.lines)
			v, err := s.OpenVTY(req("telnet", "10.0.0.1"))
			if err != nil {
				t.Fatal(err)
			}
			term := &scriptedTerminal{answers: tt.answers}
			user, ok := v.Terminal(term)
			if ok != tt.ok || user != tt.user || term.String() != tt.screen {
				t.Errorf("ok=%v user=%q screen=%q, want ok=%v user=%q screen=%q", ok, user, term.String(), tt.ok, tt.user, tt.screen)
			}
		})
	}
}

// TestVTYSettings checks exec-timeout, the request and the origin text.
func TestVTYSettings(t *testing.T) {
	_, s, _ := newVTYSystem(t, "line vty 0 4\n transport input ssh\n exec-timeout 5 30\nline vty 5 15\n transport input ssh\n exec-timeout 0 0\n")
	var vs []*VTY
	for i := 0; i < 6; i++ {
		v, err := s.OpenVTY(req("ssh", "10.0.0.1"))
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if got := vs[0].ExecTimeout(); got != 5*time.Minute+30*time.Second {
		t.Errorf("vty 0 exec-timeout %v", got)
	}
	if got := vs[5].ExecTimeout(); got != 0 {
		t.Errorf("vty 5 exec-timeout %v, want 0 (never)", got)
	}
	vs[0].SetUser("admin")
	if got := vs[0].Origin(); got != "admin on vty0 (10.0.0.1)" {
		t.Errorf("origin %q", got)
	}
}

// TestSessionsTranscript shows users, show line, show ssh and clear line
// with sessions open, from the console and from a vty.
func TestSessionsTranscript(t *testing.T) {
	e, s, clk := newVTYSystem(t, "line vty 0 4\n access-class 10 in\n transport input ssh telnet\n")
	a, _ := s.OpenVTY(req("ssh", "192.168.1.10"))
	a.SetUser("admin")
	a.SetSSH(SSHConnInfo{Version: "2.0", Encryption: "aes128-ctr", HMAC: "hmac-sha2-256"})
	b, _ := s.OpenVTY(req("telnet", "192.168.1.20"))
	clk.Advance(75 * time.Second)
	var out strings.Builder
	con := e.NewSession(&out)
	con.RunScript(strings.NewReader("en\nshow users\nshow line\nshow ssh\nclear line vty 1\nclear line 2\nclear line vty 7\n"))
	select {
	case <-b.Killed():
	default:
		t.Error("clear line vty 1 did not kill the session")
	}
	vout := &strings.Builder{}
	remote := e.NewSession(vout)
	a.SetSession(remote)
	remote.SetMode(ios.Exec)
	remote.RunScript(strings.NewReader("show users\nclear line vty 0\n"))
	golden.Compare(t, "testdata/sessions.golden", out.String()+"--- from vty 0\n"+vout.String())
}
