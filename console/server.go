package console

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"natlab/ios"
)

// writeTimeout bounds how long one client that stopped reading can hold up the session writing to it
// (syslog lines are written to every session from the goroutine that logs them).
const writeTimeout = 5 * time.Second

// Listen listens on a unix socket at path, replacing a stale socket file left by a process that died.
// The socket is private to its owner (mode 0600): the console is the router's enable prompt.
// Closing the listener removes the file.
func Listen(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		if c, err := net.DialTimeout("unix", path, 200*time.Millisecond); err == nil {
			c.Close()
			return nil, errors.New("console: " + path + " is in use by a running router")
		}
		os.Remove(path)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// Serve accepts console connections on ln until ln is closed, each an IOS session on e. It returns nil
// when the listener was closed and the accept error otherwise.
func Serve(ln net.Listener, e *ios.Engine) error { return acceptLoop(ln, e, nil) }

func acceptLoop(ln net.Listener, e *ios.Engine, login Login) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		go serveConn(c, e, login)
	}
}

func serveConn(c net.Conn, e *ios.Engine, login Login) {
	defer c.Close()
	r := bufio.NewReader(c)
	line, err := r.ReadBytes('\n')
	if err != nil {
		return
	}
	var h Hello
	if err := json.Unmarshal(line, &h); err != nil {
		writeJSON(c, Reply{End: true, Error: "console: the first line must be a JSON hello such as {\"mode\":\"cli\"}"})
		return
	}
	switch h.Mode {
	case ModeCLI:
		serveCLI(c, r, e)
	case ModeTerminal:
		serveTerminal(c, r, e, h, login)
	default:
		writeJSON(c, Reply{End: true, Error: "console: unknown mode " + h.Mode + " (want terminal or cli)"})
	}
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// cliOutput turns session output into {"out":...} lines.
type cliOutput struct {
	mu sync.Mutex
	c  net.Conn
}

func (o *cliOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := writeJSON(o.c, Reply{Out: string(p)}); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (o *cliOutput) reply(r Reply) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	return writeJSON(o.c, r)
}

func serveCLI(c net.Conn, r *bufio.Reader, e *ios.Engine) {
	out := &cliOutput{c: c}
	s := e.NewSession(out)
	defer s.Close()
	s.SetLogging(false)
	s.SetTerminalLength(0)
	s.SetMode(ios.Exec)
	if out.reply(Reply{End: true, OK: true, Prompt: s.Prompt()}) != nil {
		return
	}
	for {
		b, err := r.ReadBytes('\n')
		if err != nil {
			return
		}
		var req Request
		if err := json.Unmarshal(b, &req); err != nil {
			out.reply(Reply{End: true, Error: "console: bad request: " + err.Error()})
			return
		}
		switch {
		case req.Line != nil:
			ok := s.Execute(*req.Line)
			if s.Closed() {
				out.reply(Reply{End: true, OK: ok, Closed: true})
				return
			}
			if out.reply(Reply{End: true, OK: ok, Prompt: s.Prompt()}) != nil {
				return
			}
		case req.Complete != nil:
			if out.reply(Reply{End: true, OK: true, Prompt: s.Prompt(), Candidates: s.Complete(*req.Complete)}) != nil {
				return
			}
		default:
			out.reply(Reply{End: true, Error: "console: empty request"})
			return
		}
	}
}
