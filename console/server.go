package console

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"natlab/internal/acceptloop"
	"natlab/ios"
	"natlab/pktevent"
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
// when the listener was closed. An accept error (out of file descriptors) does not end it: it retries
// after a pause, as net/http does.
func Serve(ln net.Listener, e *ios.Engine) error { return newServer(e, nil).serve(ln) }

// Limits of the console, so that no client can take the router's memory or its last file descriptor.
const (
	// MaxConnections is how many console connections are served at once; one more is refused with a
	// message.
	MaxConnections = 32
	// HelloTimeout is how long a new connection has to send its hello line.
	HelloTimeout = 10 * time.Second
	// MaxHello bounds the hello line; a longer one is refused without being read.
	MaxHello = 4096
	// MaxRequest bounds a CLI-mode request line: an input line of ios.MaxLineLength, JSON-escaped.
	MaxRequest = 6*ios.MaxLineLength + 64
)

// server is the accept loop and its limits (tests shrink them).
type server struct {
	e            *ios.Engine
	login        Login
	maxConns     int
	helloTimeout time.Duration
	maxHello     int
	maxRequest   int
	slots        chan struct{}
	events       *pktevent.Bus // the events mode's stream (events.go); nil: none
}

func newServer(e *ios.Engine, login Login) *server {
	return &server{e: e, login: login, maxConns: MaxConnections, helloTimeout: HelloTimeout,
		maxHello: MaxHello, maxRequest: MaxRequest}
}

func (srv *server) serve(ln net.Listener) error {
	srv.slots = make(chan struct{}, srv.maxConns)
	return acceptloop.Serve(ln, func(c net.Conn) {
		select {
		case srv.slots <- struct{}{}:
			go func() {
				defer func() { <-srv.slots }()
				srv.serveConn(c)
			}()
		default:
			go refuse(c, fmt.Sprintf("console: too many console connections (%d); try again later", srv.maxConns))
		}
	})
}

// refuse answers a connection that will not be served with an error reply, and closes it.
func refuse(c net.Conn, msg string) {
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(time.Second))
	writeJSON(c, Reply{End: true, Error: msg})
}

func (srv *server) serveConn(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(srv.helloTimeout))
	line, err := readLine(r, srv.maxHello)
	c.SetReadDeadline(time.Time{})
	switch {
	case errors.Is(err, errLineTooLong):
		c.SetWriteDeadline(time.Now().Add(writeTimeout))
		writeJSON(c, Reply{End: true, Error: fmt.Sprintf("console: the hello line is longer than %d bytes", srv.maxHello)})
		return
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.SetWriteDeadline(time.Now().Add(writeTimeout))
		writeJSON(c, Reply{End: true, Error: fmt.Sprintf("console: no hello within %v", srv.helloTimeout)})
		return
	case err != nil:
		return
	}
	var h Hello
	if err := json.Unmarshal(line, &h); err != nil {
		writeJSON(c, Reply{End: true, Error: "console: the first line must be a JSON hello such as {\"mode\":\"cli\"}"})
		return
	}
	switch h.Mode {
	case ModeCLI:
		serveCLI(c, r, srv.e, srv.maxRequest)
	case ModeTerminal:
		serveTerminal(c, r, srv.e, h, srv.login)
	case ModeEvents:
		serveEvents(c, r, srv.events, eventsStatsEvery)
	default:
		writeJSON(c, Reply{End: true, Error: "console: unknown mode " + h.Mode + " (want terminal, cli or events)"})
	}
}

// errLineTooLong is readLine's answer to a line over its bound.
var errLineTooLong = errors.New("console: line too long")

// readLine reads one line of at most max bytes (the "\n" included); a longer one is not read further.
func readLine(r *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > max {
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if err != bufio.ErrBufferFull {
			return line, err
		}
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

func serveCLI(c net.Conn, r *bufio.Reader, e *ios.Engine, maxRequest int) {
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
		b, err := readLine(r, maxRequest)
		if errors.Is(err, errLineTooLong) {
			out.reply(Reply{End: true, Error: fmt.Sprintf("console: the request line is longer than %d bytes", maxRequest)})
			return
		}
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
