package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"natlab/internal/tty"
)

// term is a program run on a pseudo-terminal inside a namespace and driven as a person (or expect)
// would: wait for a pattern in what it printed, type a line. telnet and an interactive ssh need a
// terminal: with pipes they neither negotiate echo and the window nor behave as a user sees them.
type term struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	ptm  *os.File

	mu   sync.Mutex
	out  bytes.Buffer // everything it printed
	seen int          // how much of out expect has consumed
	more chan struct{}
	done chan struct{} // closed when the terminal reports end of file (the program ended)

	exited  chan struct{} // closed when the program has ended; then err is its status
	exitErr error
}

// startTerm runs argv inside namespace ns on a new pseudo-terminal of 200 rows (so the router's
// pager never stops a listing) and 132 columns. The program is killed by PID when the test ends.
func startTerm(t *testing.T, ns string, argv ...string) *term {
	t.Helper()
	ptm, pts, err := tty.OpenPTY()
	if err != nil {
		t.Fatalf("pseudo-terminal: %v", err)
	}
	defer pts.Close()
	if err := unix.IoctlSetWinsize(int(ptm.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 200, Col: 132}); err != nil {
		t.Fatalf("window size: %v", err)
	}
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.Env = append(os.Environ(), "TERM=vt100")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		ptm.Close()
		t.Fatalf("%v: %v", argv, err)
	}
	p := &term{t: t, name: argv[0], cmd: cmd, ptm: ptm, more: make(chan struct{}, 1), done: make(chan struct{}),
		exited: make(chan struct{})}
	go p.read()
	go func() { p.exitErr = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
		ptm.Close()
		if t.Failed() {
			t.Logf("%s printed:\n%s", p.name, p.transcript())
		}
	})
	return p
}

func (p *term) read() {
	defer close(p.done)
	buf := make([]byte, 4096)
	for {
		n, err := p.ptm.Read(buf)
		if n > 0 {
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			select {
			case p.more <- struct{}{}:
			default:
			}
		}
		if err != nil { // EIO once the program and its children closed the terminal
			return
		}
	}
}

func (p *term) transcript() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// expect waits until pattern matches what the program printed since the last match and returns
// that text up to the end of the match; the test fails when it does not come within timeout.
func (p *term) expect(pattern string, timeout time.Duration) string {
	p.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		rest := p.out.Bytes()[p.seen:]
		if loc := re.FindIndex(rest); loc != nil {
			got := string(rest[:loc[1]])
			p.seen += loc[1]
			p.mu.Unlock()
			return got
		}
		p.mu.Unlock()
		select {
		case <-p.more:
		case <-p.done:
			// Whatever came before the end has been read: one last look, then give up.
			p.mu.Lock()
			rest := p.out.Bytes()[p.seen:]
			loc := re.FindIndex(rest)
			if loc != nil {
				got := string(rest[:loc[1]])
				p.seen += loc[1]
				p.mu.Unlock()
				return got
			}
			p.mu.Unlock()
			p.t.Fatalf("%s ended without printing %q; since the last match it printed:\n%s", p.name, pattern, rest)
		case <-deadline.C:
			p.mu.Lock()
			rest := string(p.out.Bytes()[p.seen:])
			p.mu.Unlock()
			p.t.Fatalf("%s: no %q within %v; since the last match it printed:\n%s", p.name, pattern, timeout, rest)
		}
	}
}

// send types s (a line ends in "\r", as the Enter key sends it).
func (p *term) send(s string) {
	p.t.Helper()
	if _, err := p.ptm.Write([]byte(s)); err != nil {
		p.t.Fatalf("typing into %s: %v", p.name, err)
	}
}

// wait waits for the program to end by itself (the router closed the session) and returns its
// error; the test fails when it is still running after timeout.
func (p *term) wait(timeout time.Duration) error {
	p.t.Helper()
	select {
	case <-p.exited:
		return p.exitErr
	case <-time.After(timeout):
		p.t.Fatalf("%s still runs %v after the session should have closed", p.name, timeout)
		return nil
	}
}
