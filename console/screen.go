package console

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// screen is the terminal side of a session: everything the session prints goes through Write, which
// turns newlines into CR LF (the client's terminal is raw) and, when the editor is waiting for a key,
// prints the text above the line being typed and redraws that line (a syslog message arriving while
// someone types, as on an IOS console).
type screen struct {
	mu      sync.Mutex
	c       io.Writer // the client; its SetWriteDeadline, when it has one, bounds each write
	idle    bool      // the editor waits for a key; prompt+line are on the screen
	prompt  string    // what is on the screen while idle
	line    []byte
	pos     int
	swallow string // one exact write to drop (the session re-printing prompt and line after '?')
}

func (t *screen) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.swallow != "" && string(p) == t.swallow {
		t.swallow = ""
		return len(p), nil
	}
	text := crlf(string(p))
	if t.idle {
		text = "\r\x1b[K" + text + t.lineText()
	}
	return len(p), t.send(text)
}

// send writes to the client; the caller holds mu.
func (t *screen) send(s string) error {
	if d, ok := t.c.(writeDeadliner); ok {
		d.SetWriteDeadline(time.Now().Add(writeTimeout))
	}
	_, err := io.WriteString(t.c, s)
	return err
}

// writeDeadliner is a client whose writes can be bounded in time (a net.Conn).
type writeDeadliner interface{ SetWriteDeadline(time.Time) error }

// redraw clears the screen line and draws prompt and line again; the caller holds mu.
func (t *screen) redraw() { t.send("\r\x1b[K" + t.lineText()) }

// lineText draws prompt and line and puts the cursor at pos; the caller holds mu.
func (t *screen) lineText() string {
	s := t.prompt + string(t.line)
	if back := len(t.line) - t.pos; back > 0 {
		s += fmt.Sprintf("\x1b[%dD", back)
	}
	return s
}

func crlf(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// byteReader hands the pager one key at a time, so keys typed ahead stay with the editor.
type byteReader struct{ r *bufio.Reader }

func (b byteReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c, err := b.r.ReadByte()
	if err != nil {
		return 0, err
	}
	p[0] = c
	return 1, nil
}
