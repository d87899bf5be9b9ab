package console

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

// remoteTerm runs ServeTerminal over one end of a net.Pipe and returns a test terminal on the other
// end and a channel closed when ServeTerminal returns.
func remoteTerm(t *testing.T, login Login, o TerminalOptions) (*term, <-chan struct{}) {
	t.Helper()
	srv, cli := net.Pipe()
	e := ios.NewEngine()
	ended := make(chan struct{})
	go func() {
		ServeTerminal(srv, e, login, o)
		srv.Close()
		close(ended)
	}()
	t.Cleanup(func() { cli.Close() })
	tm := &term{t: t, c: cli, ch: make(chan byte, 1<<16)}
	go func() {
		r := bufio.NewReader(cli)
		for {
			b, err := r.ReadByte()
			if err != nil {
				close(tm.ch)
				return
			}
			tm.ch <- b
		}
	}()
	return tm, ended
}

func waitEnded(t *testing.T, ended <-chan struct{}, within time.Duration, what string) {
	t.Helper()
	select {
	case <-ended:
	case <-time.After(within):
		t.Fatalf("%s did not end the session within %v", what, within)
	}
}

func TestServeTerminalPagesAtRows(t *testing.T) {
	resize := make(chan [2]int, 1)
	tm, _ := remoteTerm(t, nil, TerminalOptions{Rows: 5, Cols: 80, Resize: resize,
		Session: func(s *ios.Session) { s.SetMode(ios.Exec) }})
	tm.expect("Router#")
	tm.send("?")
	page := tm.expect("--More--")
	if n := pageLines(page); n != 4 {
		t.Errorf("first page has %d lines, want 4 (5 rows, the last for --More--): %q", n, page)
	}
	tm.send("q")
	tm.expect("Router#")
	// A new window size applies from the next line.
	resize <- [2]int{8, 80}
	time.Sleep(20 * time.Millisecond)
	tm.send("\x15?")
	page = tm.expect("--More--")
	if n := pageLines(page); n != 7 {
		t.Errorf("after resizing to 8 rows the first page has %d lines, want 7: %q", n, page)
	}
	tm.send("q")
	tm.expect("Router#")
}

// pageLines counts the output lines of a page after the echoed "?".
func pageLines(screen string) int {
	_, after, _ := strings.Cut(screen, "?\r\n")
	return strings.Count(after, "\n")
}

func TestServeTerminalEnds(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		tm, ended := remoteTerm(t, nil, TerminalOptions{Idle: 150 * time.Millisecond})
		tm.expect("Router>")
		// Keys keep it alive past the idle time.
		for range 4 {
			time.Sleep(60 * time.Millisecond)
			tm.send("s")
		}
		select {
		case <-ended:
			t.Fatal("the session ended while keys kept arriving")
		default:
		}
		waitEnded(t, ended, 2*time.Second, "the idle time")
	})
	t.Run("done", func(t *testing.T) {
		done := make(chan struct{})
		tm, ended := remoteTerm(t, nil, TerminalOptions{Done: done})
		tm.expect("Router>")
		close(done)
		waitEnded(t, ended, 2*time.Second, "closing Done")
	})
	t.Run("done during login", func(t *testing.T) {
		done := make(chan struct{})
		asked := make(chan struct{})
		login := func(t Terminal) bool {
			close(asked)
			_, err := t.Ask("Password: ", false)
			return err == nil
		}
		tm, ended := remoteTerm(t, login, TerminalOptions{Done: done})
		tm.expect("Password: ")
		<-asked
		close(done)
		waitEnded(t, ended, 2*time.Second, "closing Done at the password prompt")
	})
	t.Run("exit", func(t *testing.T) {
		tm, ended := remoteTerm(t, nil, TerminalOptions{Idle: time.Minute})
		tm.expect("Router>")
		tm.send("exit\r")
		waitEnded(t, ended, 2*time.Second, "exit")
	})
}
