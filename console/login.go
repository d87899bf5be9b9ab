package console

import (
	"bufio"
	"io"
	"net"

	"natlab/ios"
)

// Terminal is what a login dialogue needs from a console connection: output, and a question answered
// with one line (echoed or, for passwords, not).
type Terminal interface {
	io.Writer
	Ask(prompt string, echo bool) (string, error)
}

// Login runs before a terminal session's first prompt, as the console line's `login` does; false ends
// the connection. CLI-mode connections (labs cli) are privileged tools and skip it, like a vty with
// privilege 15.
type Login func(t Terminal) bool

// ServeLogin is Serve with a login dialogue on terminal connections.
func ServeLogin(ln net.Listener, e *ios.Engine, login Login) error {
	return newServer(e, login).serve(ln)
}

// lineAsker reads answers key by key from a raw-mode client.
type lineAsker struct {
	t  *screen
	in *bufio.Reader
}

func (a lineAsker) Write(p []byte) (int, error) { return a.t.Write(p) }

// Ask prints prompt and reads a line up to Return; backspace edits it; without echo nothing is shown.
func (a lineAsker) Ask(prompt string, echo bool) (string, error) {
	if _, err := a.t.Write([]byte(prompt)); err != nil {
		return "", err
	}
	var line []byte
	for {
		k, err := a.in.ReadByte()
		if err != nil {
			return "", err
		}
		switch {
		case k == keyCR || k == keyLF:
			// A CR LF or CR NUL pair sent together is one Return (never wait for a second byte).
			if k == keyCR && a.in.Buffered() > 0 {
				if next, err := a.in.Peek(1); err == nil && (next[0] == keyLF || next[0] == 0) {
					a.in.ReadByte()
				}
			}
			a.t.Write([]byte("\n"))
			return string(line), nil
		case k == keyBackspace || k == keyDelete:
			if len(line) > 0 {
				line = line[:len(line)-1]
				if echo {
					a.t.Write([]byte("\b \b"))
				}
			}
		case k >= 0x20 && k < 0x7f:
			line = append(line, k)
			if echo {
				a.t.Write([]byte{k})
			}
		}
	}
}
