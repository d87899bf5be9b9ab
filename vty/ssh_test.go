package vty

import (
	"bufio"
	"bytes"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func sshConfig(user string, auth ...ssh.AuthMethod) *ssh.ClientConfig {
	return &ssh.ClientConfig{User: user, Auth: auth, HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 3 * time.Second}
}

// shell opens a session with a pty of rows x 80 and a shell, returning its input and a reader of
// its output.
func shell(t *testing.T, c *ssh.Client, rows int) (*ssh.Session, *tclientSSH) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("vt100", rows, 80, ssh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	in, _ := s.StdinPipe()
	out, _ := s.StdoutPipe()
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	tc := &tclientSSH{t: t, w: in, ch: make(chan byte, 1<<16)}
	go func() {
		r := bufio.NewReader(out)
		for {
			b, err := r.ReadByte()
			if err != nil {
				close(tc.ch)
				return
			}
			tc.ch <- b
		}
	}()
	return s, tc
}

// tclientSSH reads a shell's screen as tclient reads telnet's.
type tclientSSH struct {
	t   *testing.T
	w   interface{ Write([]byte) (int, error) }
	ch  chan byte
	buf bytes.Buffer
}

func (tc *tclientSSH) send(s string) { tc.w.Write([]byte(s)) }

func (tc *tclientSSH) expect(want string) string {
	tc.t.Helper()
	c := &tclient{t: tc.t, ch: tc.ch, buf: tc.buf}
	s := c.expect(want)
	tc.buf = c.buf
	return s
}

func (tc *tclientSSH) closed() {
	tc.t.Helper()
	c := &tclient{t: tc.t, ch: tc.ch}
	c.closed()
}

func TestSSHShell(t *testing.T) {
	f := newFake(2)
	f.login = LoginLocal
	f.key = hostKey(t)
	_, addr, _ := start(t, f)
	c, err := ssh.Dial("tcp", addr, sshConfig("admin", ssh.Password("s3cret")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v := string(c.ServerVersion()); v != version199 {
		t.Errorf("server version %q, want %q", v, version199)
	}
	s, tc := shell(t, c, 6)
	tc.expect("R1>")
	if u := f.line(0).user; u != "admin" {
		t.Errorf("line user %q, want admin", u)
	}
	f.mu.Lock()
	info := f.sshInfo
	f.mu.Unlock()
	if info.Version != "2.0" || info.Encryption == "" {
		t.Errorf("show ssh info %+v", info)
	}
	// The pty's 6 rows page the output.
	tc.send("show version\r")
	page := tc.expect("--More--")
	if !strings.Contains(page, "version line 5\r\n") || strings.Contains(page, "version line 6") {
		t.Errorf("first page %q, want lines up to 5", page)
	}
	tc.send("q")
	tc.expect("R1>")
	// A window-change to 10 rows applies from the next line.
	if err := s.WindowChange(10, 80); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	tc.send("show version\r")
	page = tc.expect("--More--")
	if !strings.Contains(page, "version line 9\r\n") || strings.Contains(page, "version line 10") {
		t.Errorf("after window-change the first page %q, want lines up to 9", page)
	}
	tc.send("q")
	tc.expect("R1>")
	f.mu.Lock()
	activity := f.activity
	f.mu.Unlock()
	if activity == 0 {
		t.Error("keys did not mark activity on the line")
	}
	// Only one session per connection.
	if _, err := c.NewSession(); err == nil {
		t.Error("a second session channel was accepted")
	}
	tc.send("exit\r")
	tc.closed()
	eventually(t, "the line freed", func() bool { return f.inUse() == 0 })
}

func TestSSHExec(t *testing.T) {
	f := newFake(1)
	f.key = hostKey(t)
	f.ssh.Version = 2
	_, addr, _ := start(t, f)
	c, err := ssh.Dial("tcp", addr, sshConfig("anyone", ssh.Password("cisco")))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v := string(c.ServerVersion()); v != version2 {
		t.Errorf("server version %q, want %q (ip ssh version 2)", v, version2)
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Output("show version")
	if err != nil {
		t.Fatalf("exec: %v (output %q)", err, out)
	}
	// No paging and no pty: all lines, newline-terminated.
	if !strings.HasPrefix(string(out), "Cisco IOS Software") || !strings.Contains(string(out), "version line 30\n") {
		t.Errorf("exec output %q", out)
	}
	eventually(t, "the line freed", func() bool { return f.inUse() == 0 })
	// A failing command exits with status 1.
	c2, err := ssh.Dial("tcp", addr, sshConfig("anyone", ssh.Password("cisco")))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	s2, _ := c2.NewSession()
	out, err = s2.Output("show bogus")
	var ee *ssh.ExitError
	if !errorAs(err, &ee) || ee.ExitStatus() != 1 || !strings.Contains(string(out), "% Invalid input") {
		t.Errorf("exec of a bad command: err %v output %q; want exit status 1 and the IOS error", err, out)
	}
}

func errorAs(err error, target **ssh.ExitError) bool {
	e, ok := err.(*ssh.ExitError)
	if ok {
		*target = e
	}
	return ok
}

func TestSSHAuth(t *testing.T) {
	tests := []struct {
		name      string
		login     LoginMode
		retries   int
		auth      ssh.AuthMethod
		user      string
		ok        bool
		authCalls int
	}{
		{"line password", LoginLine, 3, ssh.Password("cisco"), "x", true, 1},
		{"keyboard-interactive", LoginLocal, 3, ssh.KeyboardInteractive(answer("s3cret")), "admin", true, 1},
		{"wrong password uses the retries", LoginLine, 3, ssh.RetryableAuthMethod(ssh.Password("nope"), 10), "x", false, 3},
		{"two retries", LoginLocal, 2, ssh.RetryableAuthMethod(ssh.KeyboardInteractive(answer("nope")), 10), "admin", false, 2},
		{"no login takes anyone", LoginNone, 3, ssh.Password("whatever"), "x", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(1)
			f.login, f.key, f.ssh.Retries = tt.login, hostKey(t), tt.retries
			_, addr, _ := start(t, f)
			c, err := ssh.Dial("tcp", addr, sshConfig(tt.user, tt.auth))
			if (err == nil) != tt.ok {
				t.Fatalf("dial: %v, want ok=%v", err, tt.ok)
			}
			if c != nil {
				c.Close()
			}
			f.mu.Lock()
			calls := f.auths
			f.mu.Unlock()
			if calls != tt.authCalls {
				t.Errorf("%d authentications, want %d", calls, tt.authCalls)
			}
			eventually(t, "the line freed", func() bool { return f.inUse() == 0 })
		})
	}
}

func answer(pw string) ssh.KeyboardInteractiveChallenge {
	return func(user, instruction string, questions []string, echos []bool) ([]string, error) {
		if len(questions) != 1 || questions[0] != "Password: " || echos[0] {
			return nil, nil
		}
		return []string{pw}, nil
	}
}

func TestSSHNoKey(t *testing.T) {
	f := newFake(1)
	_, addr, _ := start(t, f)
	if _, err := ssh.Dial("tcp", addr, sshConfig("x", ssh.Password("cisco"))); err == nil {
		t.Error("SSH without an RSA key connected")
	}
	if len(f.reqs) != 0 {
		t.Errorf("a line was asked for without a key: %v", f.reqs)
	}
}

func TestSSHAuthTimeout(t *testing.T) {
	f := newFake(1)
	f.key, f.ssh.Timeout = hostKey(t), 200*time.Millisecond
	_, addr, _ := start(t, f)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A client that never speaks is dropped after ip ssh time-out.
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	start := time.Now()
	buf := make([]byte, 1024)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("connection open %v, want it closed after the 200ms time-out", d)
	}
	eventually(t, "the line freed", func() bool { return f.inUse() == 0 })
}

func TestSSHEnds(t *testing.T) {
	for _, kill := range []bool{false, true} {
		f := newFake(1)
		f.login, f.key = LoginNone, hostKey(t)
		if !kill {
			f.timeout = 200 * time.Millisecond
		}
		_, addr, _ := start(t, f)
		c, err := ssh.Dial("tcp", addr, sshConfig("x"))
		if err != nil {
			t.Fatal(err)
		}
		_, tc := shell(t, c, 24)
		tc.expect("R1>")
		if kill {
			f.line(0).kill()
		}
		tc.closed()
		c.Close()
		eventually(t, "the line freed", func() bool { return f.inUse() == 0 })
	}
}

// TestOpenSSH runs the system's ssh client with sshpass, when both are installed.
func TestOpenSSH(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client")
	}
	if _, err := exec.LookPath("sshpass"); err != nil {
		t.Skip("no sshpass")
	}
	f := newFake(1)
	f.login, f.key = LoginLocal, hostKey(t)
	_, addr, _ := start(t, f)
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("sshpass", "-p", "s3cret", "ssh", "-p", port, "-o", "StrictHostKeyChecking=no",
		"-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no", "-o", "LogLevel=ERROR",
		"admin@"+host, "show version")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Cisco IOS Software") {
		t.Errorf("ssh: %v\n%s", err, out)
	}
}
