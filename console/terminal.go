package console

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"natlab/ios"
)

// Control keys the line editor understands (IOS uses the Emacs set).
const (
	keyCtrlA     = 0x01
	keyCtrlB     = 0x02
	keyCtrlC     = 0x03
	keyCtrlD     = 0x04
	keyCtrlE     = 0x05
	keyCtrlF     = 0x06
	keyBackspace = 0x08
	keyTab       = 0x09
	keyLF        = 0x0a
	keyCtrlK     = 0x0b
	keyCtrlL     = 0x0c
	keyCR        = 0x0d
	keyCtrlN     = 0x0e
	keyCtrlP     = 0x10
	keyCtrlU     = 0x15
	keyCtrlW     = 0x17
	keyCtrlZ     = 0x1a
	keyEsc       = 0x1b
	keyDelete    = 0x7f
)

// screen is the terminal side of a session: everything the session prints goes through Write, which
// turns newlines into CR LF (the client's terminal is raw) and, when the editor is waiting for a key,
// prints the text above the line being typed and redraws that line (a syslog message arriving while
// someone types, as on an IOS console).
type screen struct {
	mu      sync.Mutex
	c       net.Conn
	idle    bool   // the editor waits for a key; prompt+line are on the screen
	prompt  string // what is on the screen while idle
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
	t.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := io.WriteString(t.c, s)
	return err
}

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

// editor is the line editor of one terminal connection.
type editor struct {
	s       *ios.Session
	t       *screen
	in      *bufio.Reader
	histPos int // index into the session history while browsing with the arrows; -1 = not browsing
	saved   []byte
}

func serveTerminal(c net.Conn, r *bufio.Reader, e *ios.Engine, h Hello, login Login) {
	t := &screen{c: c}
	if login != nil && !login(lineAsker{t: t, in: r}) {
		return
	}
	s := e.NewSession(t)
	defer s.Close()
	s.SetPagerInput(byteReader{r})
	ed := &editor{s: s, t: t, in: r, histPos: -1}
	ed.run()
}

// update changes the line under the screen lock and redraws it.
func (ed *editor) update(f func(t *screen)) {
	t := ed.t
	t.mu.Lock()
	defer t.mu.Unlock()
	f(t)
	t.send("\r\x1b[K" + t.lineText())
}

func (ed *editor) showPrompt() {
	t := ed.t
	t.mu.Lock()
	t.prompt = ed.s.Prompt()
	t.line, t.pos, t.idle = t.line[:0], 0, true
	t.send(t.prompt)
	t.mu.Unlock()
	ed.histPos = -1
}

// busy takes the line off the editor and returns it; output now goes straight to the client.
func (ed *editor) busy(echo string) string {
	t := ed.t
	t.mu.Lock()
	defer t.mu.Unlock()
	line := string(t.line)
	t.idle = false
	t.send(echo)
	return line
}

func (ed *editor) run() {
	ed.t.mu.Lock()
	ed.t.send("\r\n")
	ed.t.mu.Unlock()
	ed.showPrompt()
	lastCR := false
	for {
		k, err := ed.in.ReadByte()
		if err != nil {
			return
		}
		if k == keyLF && lastCR || k == 0 && lastCR {
			lastCR = false
			continue
		}
		lastCR = k == keyCR
		switch {
		case k == keyCR || k == keyLF:
			line := ed.busy("\r\n")
			ed.s.Execute(line)
			if ed.s.Closed() {
				return
			}
			ed.showPrompt()
		case k == '?':
			ed.help()
		case k == keyTab:
			ed.complete()
		case k == keyCtrlZ || k == keyCtrlC:
			ed.leaveConfig(k)
		case k == keyCtrlD:
			if len(ed.t.line) == 0 {
				ed.busy("\r\n")
				return
			}
			ed.update(func(t *screen) { deleteAt(t, t.pos) })
		case k == keyBackspace || k == keyDelete:
			ed.update(func(t *screen) {
				if t.pos > 0 {
					t.pos--
					deleteAt(t, t.pos)
				}
			})
		case k == keyCtrlA:
			ed.update(func(t *screen) { t.pos = 0 })
		case k == keyCtrlE:
			ed.update(func(t *screen) { t.pos = len(t.line) })
		case k == keyCtrlB:
			ed.update(func(t *screen) { t.pos = max(t.pos-1, 0) })
		case k == keyCtrlF:
			ed.update(func(t *screen) { t.pos = min(t.pos+1, len(t.line)) })
		case k == keyCtrlK:
			ed.update(func(t *screen) { t.line = t.line[:t.pos] })
		case k == keyCtrlU:
			ed.update(func(t *screen) { t.line = append(t.line[:0], t.line[t.pos:]...); t.pos = 0 })
		case k == keyCtrlW:
			ed.update(deleteWord)
		case k == keyCtrlL:
			ed.update(func(t *screen) {})
		case k == keyCtrlP:
			ed.history(-1)
		case k == keyCtrlN:
			ed.history(+1)
		case k == keyEsc:
			ed.escape()
		case k >= 0x20 && k < 0x7f && ed.atEnd():
			ed.t.mu.Lock()
			ed.t.line = append(ed.t.line, k)
			ed.t.pos++
			ed.t.send(string(k)) // plain typing at the end of the line: just echo
			ed.t.mu.Unlock()
		case k >= 0x20 && k < 0x7f:
			ed.update(func(t *screen) {
				t.line = append(t.line[:t.pos], append([]byte{k}, t.line[t.pos:]...)...)
				t.pos++
			})
		}
	}
}

func (ed *editor) atEnd() bool {
	ed.t.mu.Lock()
	defer ed.t.mu.Unlock()
	return ed.t.pos == len(ed.t.line)
}

func deleteAt(t *screen, i int) {
	if i < len(t.line) {
		t.line = append(t.line[:i], t.line[i+1:]...)
	}
}

func deleteWord(t *screen) {
	i := t.pos
	for i > 0 && t.line[i-1] == ' ' {
		i--
	}
	for i > 0 && t.line[i-1] != ' ' {
		i--
	}
	t.line = append(t.line[:i], t.line[t.pos:]...)
	t.pos = i
}

// help answers '?' at the cursor as IOS does: the help is printed below and the line is redrawn.
func (ed *editor) help() {
	t := ed.t
	t.mu.Lock()
	text := string(t.line[:t.pos])
	t.idle = false
	t.send("?\r\n")
	// The session re-prints prompt and text after the help for terminals without an editor; this
	// editor redraws the line itself.
	t.swallow = ed.s.Prompt() + text + "\n"
	t.mu.Unlock()
	ed.s.Execute(text + "?")
	t.mu.Lock()
	t.swallow = ""
	t.prompt = ed.s.Prompt()
	t.idle = true
	t.send(t.lineText())
	t.mu.Unlock()
}

// complete expands the word before the cursor when the grammar allows exactly one keyword there.
func (ed *editor) complete() {
	t := ed.t
	t.mu.Lock()
	text := string(t.line[:t.pos])
	t.mu.Unlock()
	cands := ed.s.Complete(text)
	if len(cands) != 1 {
		return
	}
	start := strings.LastIndexByte(text, ' ') + 1
	ed.update(func(t *screen) {
		word := cands[0] + " "
		rest := append([]byte(nil), t.line[t.pos:]...)
		t.line = append(append(t.line[:start], word...), rest...)
		t.pos = start + len(word)
	})
}

// leaveConfig handles Ctrl-Z and Ctrl-C: in a configuration mode both end it (the line typed so far
// runs first with Ctrl-Z and is dropped with Ctrl-C); in EXEC Ctrl-C abandons the line.
func (ed *editor) leaveConfig(k byte) {
	exec := ed.s.Mode() == ios.Exec || ed.s.Mode() == ios.UserExec
	if exec && k == keyCtrlZ {
		return
	}
	echo := "^Z\r\n"
	if k == keyCtrlC {
		echo = "^C\r\n"
	}
	line := ed.busy(echo)
	if !exec {
		if k == keyCtrlC {
			line = ""
		}
		ed.s.Execute(line + "\x1a")
	}
	ed.showPrompt()
}

// history walks the session's history buffer (EXEC and configuration keep separate ones, as on IOS).
func (ed *editor) history(dir int) {
	h := ed.s.History()
	if len(h) == 0 {
		return
	}
	ed.update(func(t *screen) {
		switch {
		case ed.histPos < 0 && dir < 0:
			ed.saved = append(ed.saved[:0], t.line...)
			ed.histPos = len(h) - 1
		case ed.histPos < 0:
			return
		default:
			ed.histPos += dir
		}
		switch {
		case ed.histPos < 0:
			ed.histPos = 0
		case ed.histPos >= len(h):
			ed.histPos = -1
			t.line = append(t.line[:0], ed.saved...)
			t.pos = len(t.line)
			return
		}
		t.line = append(t.line[:0], h[ed.histPos]...)
		t.pos = len(t.line)
	})
}

// escape reads the rest of an ANSI escape sequence (arrows, Home, End, Delete).
func (ed *editor) escape() {
	b, err := ed.in.ReadByte()
	if err != nil || (b != '[' && b != 'O') {
		return
	}
	var seq []byte
	for {
		c, err := ed.in.ReadByte()
		if err != nil {
			return
		}
		seq = append(seq, c)
		if c >= 0x40 && c <= 0x7e || len(seq) > 8 {
			break
		}
	}
	switch string(seq) {
	case "A":
		ed.history(-1)
	case "B":
		ed.history(+1)
	case "C":
		ed.update(func(t *screen) { t.pos = min(t.pos+1, len(t.line)) })
	case "D":
		ed.update(func(t *screen) { t.pos = max(t.pos-1, 0) })
	case "H", "1~":
		ed.update(func(t *screen) { t.pos = 0 })
	case "F", "4~":
		ed.update(func(t *screen) { t.pos = len(t.line) })
	case "3~":
		ed.update(func(t *screen) { deleteAt(t, t.pos) })
	}
}
