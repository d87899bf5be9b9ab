package console

import (
	"bufio"
	"io"
	"net"
	"slices"
	"strings"

	"natlab/ios"
)

// editor is the line editor of one terminal connection.
type editor struct {
	s       *ios.Session
	t       *screen
	in      *bufio.Reader
	lastCR  bool // the last key read was CR: a LF or NUL right after it is part of the same Return
	histPos int  // index into the session history while browsing with the arrows; -1 = not browsing
	saved   []byte
	// beforeRun, when set, runs in the editor's goroutine before each line, help or completion
	// (a window size that changed since is applied to the session there).
	beforeRun func()
}

func serveTerminal(c net.Conn, r *bufio.Reader, e *ios.Engine, h Hello, login Login) {
	runTerminal(c, r, e, login, nil, nil)
}

// runTerminal runs the login dialogue, then a session on e with the line editor, reading keys from r
// and writing to w, until the session ends or r fails. setup, when set, prepares the new session;
// beforeRun is the editor's.
func runTerminal(w io.Writer, r *bufio.Reader, e *ios.Engine, login Login, setup func(*ios.Session), beforeRun func()) {
	t := &screen{c: w}
	if login != nil && !login(lineAsker{t: t, in: r}) {
		return
	}
	s := e.NewSession(t)
	defer s.Close()
	// From here keys come through the pump, which sees Ctrl-^ x while a command runs.
	keys := newKeyPump(r, s.Interrupt)
	defer keys.close()
	in := bufio.NewReader(keys)
	s.SetPagerInput(byteReader{in})
	if setup != nil {
		setup(s)
	}
	ed := &editor{s: s, t: t, in: in, histPos: -1, beforeRun: beforeRun}
	ed.run()
}

// prepare runs beforeRun when there is one.
func (ed *editor) prepare() {
	if ed.beforeRun != nil {
		ed.beforeRun()
	}
}

// run shows the first prompt and handles keys until the session ends or the client goes away.
func (ed *editor) run() {
	ed.t.mu.Lock()
	ed.t.send("\r\n")
	ed.t.mu.Unlock()
	ed.showPrompt()
	for {
		k, err := ed.readKey()
		if err != nil || !ed.handle(k) {
			return
		}
	}
}

// readKey reads the next key; CR LF and CR NUL (what telnet-style clients send for Return) come back
// as one CR.
func (ed *editor) readKey() (byte, error) {
	for {
		k, err := ed.in.ReadByte()
		if err != nil {
			return 0, err
		}
		afterCR := ed.lastCR
		ed.lastCR = k == keyCR
		if !afterCR || (k != keyLF && k != 0) {
			return k, nil
		}
	}
}

// handle acts on one key; it returns false when the session has ended.
func (ed *editor) handle(k byte) bool {
	if edit, ok := lineEdits[k]; ok {
		ed.update(edit)
		return true
	}
	switch {
	case k == keyCR || k == keyLF:
		return ed.enter()
	case k == keyCtrlD:
		return ed.deleteOrEnd()
	case k == '?':
		ed.help()
	case k == keyTab:
		ed.complete()
	case k == keyCtrlZ || k == keyCtrlC:
		ed.leaveConfig(k)
	case k == keyCtrlP:
		ed.history(-1)
	case k == keyCtrlN:
		ed.history(+1)
	case k == keyEsc:
		ed.escape()
	case isPrintable(k):
		ed.typed(k)
	}
	return true
}

// update changes the line under the screen lock and redraws it.
func (ed *editor) update(f func(t *screen)) {
	t := ed.t
	t.mu.Lock()
	defer t.mu.Unlock()
	f(t)
	t.redraw()
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

// typed puts a printable key into the line at the cursor. At the end of the line echoing the key is
// all the screen needs; inside it the rest of the line moves, so the line is redrawn.
func (ed *editor) typed(k byte) {
	t := ed.t
	t.mu.Lock()
	defer t.mu.Unlock()
	atEnd := t.pos == len(t.line)
	insert(t, k)
	if atEnd {
		t.send(string(k))
		return
	}
	t.redraw()
}

// enter runs the line typed (Return); it returns false when the line ended the session.
func (ed *editor) enter() bool {
	ed.prepare()
	ed.s.Execute(ed.busy("\r\n"))
	if ed.s.Closed() {
		return false
	}
	ed.showPrompt()
	return true
}

// deleteOrEnd is Ctrl-D: it deletes the character under the cursor, and on an empty line ends the
// session; it returns false when it did.
func (ed *editor) deleteOrEnd() bool {
	ed.t.mu.Lock()
	empty := len(ed.t.line) == 0
	ed.t.mu.Unlock()
	if empty {
		ed.busy("\r\n")
		return false
	}
	ed.update(deleteUnder)
	return true
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
	ed.prepare()
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
	word := cands[0] + " "
	ed.update(func(t *screen) {
		t.line = slices.Replace(t.line, start, t.pos, []byte(word)...)
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
		ed.prepare()
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

// escape handles an ANSI escape sequence (arrows, Home, End, Delete); others are dropped.
func (ed *editor) escape() {
	switch seq := ed.readEscape(); seq {
	case "A":
		ed.history(-1)
	case "B":
		ed.history(+1)
	default:
		if edit, ok := escapeEdits[seq]; ok {
			ed.update(edit)
		}
	}
}

// readEscape reads the rest of an escape sequence after ESC: what follows ESC [ or ESC O up to its
// final byte (at most nine bytes). Anything else reads as "", and so does the byte after a lone ESC,
// which is dropped with it.
func (ed *editor) readEscape() string {
	b, err := ed.in.ReadByte()
	if err != nil || (b != '[' && b != 'O') {
		return ""
	}
	var seq []byte
	for {
		c, err := ed.in.ReadByte()
		if err != nil {
			return ""
		}
		seq = append(seq, c)
		if c >= 0x40 && c <= 0x7e || len(seq) > 8 {
			return string(seq)
		}
	}
}
