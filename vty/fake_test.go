package vty

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"natlab/console"
	"natlab/ios"
)

// fakeLines stands in for package system's vty lines: n lines, each with the same settings.
type fakeLines struct {
	mu        sync.Mutex
	n         int
	busy      map[int]*fakeLine
	login     LoginMode
	password  string            // the line password (login)
	users     map[string]string // login local
	privilege int
	timeout   time.Duration
	key       *rsa.PrivateKey
	ssh       SSHSettings
	auths     int // Authenticate calls
	reqs      []Request
	sshInfo   SSHInfo
	activity  int
}

type fakeLine struct {
	l      *fakeLines
	num    int
	user   string
	killed chan struct{}
	closed bool
}

func (f *fakeLines) OpenVTY(r Request) (Line, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, r)
	for i := range f.n {
		if f.busy[i] == nil {
			l := &fakeLine{l: f, num: i, killed: make(chan struct{})}
			f.busy[i] = l
			return l, nil
		}
	}
	return nil, errors.New("% All lines busy")
}

func (f *fakeLines) SSHHostKey() *rsa.PrivateKey { return f.key }
func (f *fakeLines) SSH() SSHSettings            { return f.ssh }

// inUse counts the lines taken.
func (f *fakeLines) inUse() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.busy)
}

func (f *fakeLines) line(n int) *fakeLine {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.busy[n]
}

func (l *fakeLine) Number() int                { return l.num }
func (l *fakeLine) Login() LoginMode           { return l.l.login }
func (l *fakeLine) Privilege() int             { return l.l.privilege }
func (l *fakeLine) ExecTimeout() time.Duration { return l.l.timeout }
func (l *fakeLine) Killed() <-chan struct{}    { return l.killed }

func (l *fakeLine) SetUser(u string) {
	l.l.mu.Lock()
	l.user = u
	l.l.mu.Unlock()
}

func (l *fakeLine) Authenticate(user, pw string) bool {
	f := l.l
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auths++
	switch f.login {
	case LoginLine:
		return pw == f.password
	case LoginLocal:
		want, ok := f.users[user]
		return ok && pw == want
	}
	return true
}

// Terminal is a short version of IOS's vty dialogue.
func (l *fakeLine) Terminal(t console.Terminal) (string, bool) {
	if l.l.login == LoginNone {
		return "", true
	}
	io.WriteString(t, "\nUser Access Verification\n\n")
	for range 3 {
		user := ""
		if l.l.login == LoginLocal {
			var err error
			if user, err = t.Ask("Username: ", true); err != nil {
				return "", false
			}
		}
		pw, err := t.Ask("Password: ", false)
		if err != nil {
			return "", false
		}
		if l.Authenticate(user, pw) {
			return user, true
		}
		io.WriteString(t, "% Login invalid\n\n")
	}
	return "", false
}

func (l *fakeLine) SetSession(*ios.Session) {}
func (l *fakeLine) SetSSH(i SSHInfo) {
	l.l.mu.Lock()
	l.l.sshInfo = i
	l.l.mu.Unlock()
}
func (l *fakeLine) Activity() {
	l.l.mu.Lock()
	l.l.activity++
	l.l.mu.Unlock()
}
func (l *fakeLine) Origin() string {
	l.l.mu.Lock()
	defer l.l.mu.Unlock()
	s := fmt.Sprintf("vty%d (127.0.0.1)", l.num)
	if l.user != "" {
		s = l.user + " on " + s
	}
	return s
}

func (l *fakeLine) kill() { close(l.killed) }

func (l *fakeLine) Close() {
	f := l.l
	f.mu.Lock()
	defer f.mu.Unlock()
	if l.closed {
		panic(fmt.Sprintf("vty %d closed twice", l.num))
	}
	l.closed = true
	delete(f.busy, l.num)
}

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// hostKey is one RSA key for all tests (generating is slow).
func hostKey(t *testing.T) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		testKey = k
	})
	return testKey
}

func newFake(n int) *fakeLines {
	return &fakeLines{n: n, busy: map[int]*fakeLine{}, login: LoginLine, password: "cisco",
		users: map[string]string{"admin": "s3cret"}, privilege: 1,
		ssh: SSHSettings{Timeout: 120 * time.Second, Retries: 3}}
}

// versionLines is how long the test `show version` is.
const versionLines = 30

// testEngine is an engine named R1 with a `show version` long enough to page.
func testEngine() *ios.Engine {
	e := ios.NewEngine()
	e.SetHostname("R1")
	e.Install(&ios.Command{Mode: ios.Exec, User: true, Syntax: "show version",
		Help: []string{ios.HelpShow, "System hardware and software status"},
		Run: func(c *ios.Context, a ios.Args) error {
			c.Printf("Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M6\n")
			for i := 2; i <= versionLines; i++ {
				c.Printf("version line %d\n", i)
			}
			return nil
		}})
	return e
}

// start serves f's lines on loopback listeners: telnet and SSH.
func start(t *testing.T, f *fakeLines) (telnetAddr, sshAddr string, e *ios.Engine) {
	t.Helper()
	e = testEngine()
	srv := NewLines(e, f)
	return listen(t, srv.ServeTelnet), listen(t, srv.ServeSSH), e
}

// listen serves on a loopback listener and returns its address.
func listen(t *testing.T, serveFn func(net.Listener) error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serveFn(ln) }()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

// eventually waits for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// screenText drops the line editor's redraw sequences, so tests can look for plain text.
func screenText(s string) string {
	return strings.ReplaceAll(s, "\r\x1b[K", "\n")
}
