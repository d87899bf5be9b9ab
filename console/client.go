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

	"natlab/internal/tty"
)

// Client is a CLI-mode connection: one IOS session in privileged EXEC that runs lines for a program.
type Client struct {
	c      net.Conn
	r      *bufio.Reader
	path   string
	prompt string
	closed bool
	// replyTimeout bounds the silence within one reply: a router that stops answering fails the call
	// instead of hanging it. deadline is the caller's own bound (SetDeadline), if earlier.
	replyTimeout time.Duration
	deadline     time.Time
	deadlineFor  time.Duration // how long the deadline allowed when it was set, for the error
}

// ReplyTimeout is how long a Client waits for the next part of a reply before it gives up on the
// router. Long commands (ping) print as they go, so it bounds silence, not the command.
const ReplyTimeout = 60 * time.Second

// Dial opens a CLI-mode session on the console socket at path. timeout bounds the connection and the
// router's first answer: a router that accepts and never answers fails Dial with an error that says so.
func Dial(path string, timeout time.Duration) (*Client, error) {
	c, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return nil, err
	}
	cl := &Client{c: c, r: bufio.NewReader(c), path: path, replyTimeout: ReplyTimeout}
	cl.deadline, cl.deadlineFor = time.Now().Add(timeout), timeout
	defer func() { cl.deadline = time.Time{} }()
	c.SetWriteDeadline(cl.deadline)
	werr := writeJSON(c, Hello{Mode: ModeCLI})
	c.SetWriteDeadline(time.Time{})
	// A router that refuses the connection (too many) may close before the hello is written: its
	// reason is still there to read.
	rep, err := cl.reply(io.Discard)
	if err != nil {
		c.Close()
		if werr != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			var refused refusal
			if !errors.As(err, &refused) {
				return nil, cl.explain(werr, timeout)
			}
		}
		return nil, err
	}
	cl.prompt = rep.Prompt
	return cl, nil
}

// refusal is an error the router sent.
type refusal string

func (r refusal) Error() string { return string(r) }

// explain turns a deadline error into what happened.
func (cl *Client) explain(err error, waited time.Duration) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("console: the router at %s did not answer within %v", cl.path, waited)
	}
	return err
}

// Prompt is the session's prompt after the last line ("R1#", "R1(config)#").
func (cl *Client) Prompt() string { return cl.prompt }

// Closed reports whether the last line ended the session.
func (cl *Client) Closed() bool { return cl.closed }

// Run runs one line, writing its output to out as the CLI prints it; ok is false when the line gave a
// `%` error.
func (cl *Client) Run(line string, out io.Writer) (ok bool, err error) {
	if cl.closed {
		return false, errors.New("console: the session has ended")
	}
	if err := writeJSON(cl.c, Request{Line: &line}); err != nil {
		return false, err
	}
	rep, err := cl.reply(out)
	if err != nil {
		return false, err
	}
	cl.prompt, cl.closed = rep.Prompt, rep.Closed
	return rep.OK, nil
}

// Complete returns the Tab candidates for the last word of line.
func (cl *Client) Complete(line string) ([]string, error) {
	if err := writeJSON(cl.c, Request{Complete: &line}); err != nil {
		return nil, err
	}
	rep, err := cl.reply(io.Discard)
	return rep.Candidates, err
}

// SetDeadline bounds the next calls (a check that must not hang on a router that stopped answering).
// The reply timeout still applies when it comes first.
func (cl *Client) SetDeadline(t time.Time) error {
	cl.deadline, cl.deadlineFor = t, time.Until(t)
	return cl.c.SetWriteDeadline(t)
}

// Close ends the session.
func (cl *Client) Close() error { return cl.c.Close() }

func (cl *Client) reply(out io.Writer) (Reply, error) {
	for {
		wait := cl.replyTimeout
		d := time.Now().Add(wait)
		if !cl.deadline.IsZero() && cl.deadline.Before(d) {
			d, wait = cl.deadline, cl.deadlineFor
		}
		cl.c.SetReadDeadline(d)
		b, err := cl.r.ReadBytes('\n')
		if err != nil {
			if err == io.EOF {
				err = errors.New("console: the router closed the connection")
			}
			return Reply{}, cl.explain(err, wait)
		}
		var rep Reply
		if err := json.Unmarshal(b, &rep); err != nil {
			return Reply{}, fmt.Errorf("console: bad reply: %v", err)
		}
		if rep.Error != "" {
			return rep, refusal(rep.Error)
		}
		if rep.Out != "" {
			if _, err := io.WriteString(out, rep.Out); err != nil {
				return rep, err
			}
		}
		if rep.End {
			return rep, nil
		}
	}
}

// EscapeKey ends an interactive console from the client side (Ctrl-], as in telnet).
const EscapeKey = 0x1d

// Attach connects the terminal in (raw mode while attached) and out to an interactive console at path
// until the session ends, the router goes away, or the user types Ctrl-].
func Attach(path string, in *os.File, out io.Writer) error {
	c, err := net.Dial("unix", path)
	if err != nil {
		return err
	}
	defer c.Close()
	h := Hello{Mode: ModeTerminal}
	if rows, cols, ok := tty.Size(in); ok {
		h.Rows, h.Cols = rows, cols
	}
	werr := writeJSON(c, h)
	// A terminal session starts with text, never with '{': a JSON line is the router refusing the
	// connection (too many, or no hello in time).
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(HelloTimeout))
	if first, err := br.Peek(1); err == nil && first[0] == '{' {
		line, _ := readLine(br, MaxHello)
		var rep Reply
		if json.Unmarshal(line, &rep) == nil && rep.Error != "" {
			return errors.New(rep.Error)
		}
		out.Write(line) // a banner that starts with '{'
	}
	if werr != nil {
		return werr
	}
	c.SetReadDeadline(time.Time{})
	if restore, err := tty.Raw(in); err == nil {
		defer restore()
	}
	var once sync.Once
	done := make(chan struct{})
	finish := func() { once.Do(func() { close(done) }) }
	go func() {
		io.Copy(out, br)
		finish()
	}()
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := in.Read(buf)
			for i := 0; i < n; i++ {
				if buf[i] == EscapeKey {
					c.Write(buf[:i])
					finish()
					return
				}
			}
			if n > 0 {
				if _, werr := c.Write(buf[:n]); werr != nil {
					finish()
					return
				}
			}
			if err != nil {
				// End of input (a pipe): let the router finish what it was given.
				if uc, ok := c.(*net.UnixConn); ok {
					uc.CloseWrite()
				}
				return
			}
		}
	}()
	<-done
	return nil
}
