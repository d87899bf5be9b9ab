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
	prompt string
	closed bool
}

// Dial opens a CLI-mode session on the console socket at path.
func Dial(path string, timeout time.Duration) (*Client, error) {
	c, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return nil, err
	}
	cl := &Client{c: c, r: bufio.NewReader(c)}
	if err := writeJSON(c, Hello{Mode: ModeCLI}); err != nil {
		c.Close()
		return nil, err
	}
	rep, err := cl.reply(io.Discard)
	if err != nil {
		c.Close()
		return nil, err
	}
	cl.prompt = rep.Prompt
	return cl, nil
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
func (cl *Client) SetDeadline(t time.Time) error { return cl.c.SetDeadline(t) }

// Close ends the session.
func (cl *Client) Close() error { return cl.c.Close() }

func (cl *Client) reply(out io.Writer) (Reply, error) {
	for {
		b, err := cl.r.ReadBytes('\n')
		if err != nil {
			if err == io.EOF {
				err = errors.New("console: the router closed the connection")
			}
			return Reply{}, err
		}
		var rep Reply
		if err := json.Unmarshal(b, &rep); err != nil {
			return Reply{}, fmt.Errorf("console: bad reply: %v", err)
		}
		if rep.Error != "" {
			return rep, errors.New(rep.Error)
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
	if err := writeJSON(c, h); err != nil {
		return err
	}
	if restore, err := tty.Raw(in); err == nil {
		defer restore()
	}
	var once sync.Once
	done := make(chan struct{})
	finish := func() { once.Do(func() { close(done) }) }
	go func() {
		io.Copy(out, c)
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
