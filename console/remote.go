package console

import (
	"bufio"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"natlab/ios"
)

// TerminalOptions are what a remote terminal (a telnet or SSH vty) adds to a console terminal session.
type TerminalOptions struct {
	// Rows and Cols are the client's window size when known (telnet NAWS, an SSH pty-req); 0 = unknown.
	// Rows becomes the session's terminal length, so --More-- stops at the window's height as on an
	// IOS vty whose client negotiated its size.
	Rows, Cols int
	// Resize carries later window sizes {rows, cols}; each applies from the next line typed.
	Resize <-chan [2]int
	// Idle ends the session when no key arrived for that long (the line's exec-timeout); 0 = never.
	Idle time.Duration
	// Done ends the session when closed (clear line).
	Done <-chan struct{}
	// Input, when set, is called for each chunk of keys that arrives (show users' idle time).
	Input func()
	// Session, when set, prepares the new session before its first prompt (privilege level, syslog
	// output, who %SYS-5-CONFIG_I names).
	Session func(*ios.Session)
}

// errTerminalEnded is what the editor reads once Idle or Done ended the session.
var errTerminalEnded = errors.New("console: terminal session ended")

// ServeTerminal runs the IOS line editor of a console terminal over rw (a raw character stream both
// ways: keys in, screen bytes out): login first when login is set, then one session on e until it
// ends (exit, Ctrl-D on an empty line), rw fails, o.Idle passes without a key or o.Done is closed.
// When Idle or Done ends it, ServeTerminal returns at once although a read of rw may still be under
// way in a goroutine of its own: the caller closes rw afterwards, which ends that read.
func ServeTerminal(rw io.ReadWriter, e *ios.Engine, login Login, o TerminalOptions) {
	in := rw.(io.Reader)
	if o.Input != nil {
		in = inputHook{in, o.Input}
	}
	ended := make(chan struct{})
	defer close(ended)
	if o.Idle > 0 || o.Done != nil {
		in = watch(in, o.Idle, o.Done, ended)
	}
	var size atomic.Pointer[[2]int]
	if o.Rows > 0 {
		size.Store(&[2]int{o.Rows, o.Cols})
	}
	if o.Resize != nil {
		go func() {
			for {
				select {
				case rc, ok := <-o.Resize:
					if !ok {
						return
					}
					size.Store(&rc)
				case <-ended:
					return
				}
			}
		}()
	}
	var s *ios.Session
	applied := [2]int{}
	// applySize runs in the editor's goroutine: the session's terminal length is not safe to change
	// while a command runs.
	applySize := func() {
		if p := size.Load(); p != nil && *p != applied && p[0] > 0 {
			applied = *p
			s.SetTerminalLength(p[0])
			if p[1] > 0 {
				s.SetTerminalWidth(p[1])
			}
		}
	}
	setup := func(sess *ios.Session) {
		s = sess
		applySize()
		if o.Session != nil {
			o.Session(sess)
		}
	}
	runTerminal(rw, bufio.NewReader(in), e, login, setup, applySize)
}

// watch returns a reader of rw's bytes that fails with errTerminalEnded once idle passes without
// input or done is closed. The copy from rw runs in its own goroutine, so a read blocked in rw does
// not keep the session alive; it ends when rw is closed or ended is.
func watch(rw io.Reader, idle time.Duration, done <-chan struct{}, ended <-chan struct{}) io.Reader {
	pr, pw := io.Pipe()
	var once sync.Once
	stop := func(err error) { once.Do(func() { pw.CloseWithError(err) }) }
	var timer *time.Timer
	if idle > 0 {
		timer = time.AfterFunc(idle, func() { stop(errTerminalEnded) })
	}
	go func() {
		select {
		case <-done:
			stop(errTerminalEnded)
		case <-ended:
			stop(errTerminalEnded)
		}
		if timer != nil {
			timer.Stop()
		}
	}()
	go func() {
		buf := make([]byte, 512)
		for {
			n, err := rw.Read(buf)
			if n > 0 {
				if timer != nil {
					timer.Reset(idle)
				}
				if _, werr := pw.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				stop(err)
				return
			}
		}
	}()
	return pr
}

// inputHook calls f after each read that brought keys.
type inputHook struct {
	r io.Reader
	f func()
}

func (h inputHook) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	if n > 0 {
		h.f()
	}
	return n, err
}
