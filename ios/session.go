package ios

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTerminalLength is the page length of a new session.
const DefaultTerminalLength = 24

// historySize is how many lines IOS keeps per history buffer.
const historySize = 10

type frame struct {
	mode *Mode
	data any
}

// Session is one terminal on the router (the console or a vty).
type Session struct {
	eng   *Engine
	outMu sync.Mutex
	out   io.Writer

	stack  []frame // the current mode is the last frame
	length int     // terminal length; 0 = no paging
	width  int

	histExec   []string
	histConfig []string
	histMax    int  // `terminal history size`, when histSet
	histSet    bool // false: IOS's default of historySize lines
	started    time.Time

	closed   bool
	locked   bool          // this session's goroutine holds the config lock
	pagerIn  io.ByteReader // keys for --More-- and answers; nil = not interactive
	logging  atomic.Bool   // syslog lines are printed here
	echoMode bool          // interactive editor owns the prompt: no re-print after '?'
	// While the line editor waits for input, a syslog line is printed on a
	// line of its own and the prompt and typed text are drawn again (IOS
	// `logging synchronous`).
	inInput atomic.Bool
	// configuredBy ends the %SYS-5-CONFIG_I message: "console", or
	// "admin on vty0 (192.168.1.10)" for a remote session.
	configuredBy string
	// collect, when set, receives the output instead of out (see paged).
	collect *strings.Builder
	// literal sessions (LoadConfig) read '?' as a character, not as help:
	// a saved "description Up?" must load as written.
	literal bool
	typed   atomic.Value // string: the text in the line editor
	// textIn, when set, takes the next input lines as text (see
	// Context.TakeLines); the prompt is empty meanwhile.
	textIn func(line string) (done bool)
	// echoed is the line RunScript printed, for the caret of an error.
	echoed string
	// textPrompt is the prompt while textIn takes lines (a dialogue's
	// question, see Context.AskLines); "" for a banner's text.
	textPrompt string
	textGen    int // counts takers installed: one that installs another is not cleared
	// intrMu guards intr, the channel the running command watches for the
	// escape sequence (Interrupt closes it; each command gets a fresh one).
	intrMu sync.Mutex
	intr   chan struct{}
}

// NewSession opens a session that writes to out. It starts in user EXEC and
// receives syslog messages.
func (e *Engine) NewSession(out io.Writer) *Session {
	s := e.newSession(out)
	s.logging.Store(true)
	e.sessMu.Lock()
	e.sessions[s] = true
	e.sessMu.Unlock()
	return s
}

func (e *Engine) newSession(out io.Writer) *Session {
	if out == nil {
		out = io.Discard
	}
	return &Session{eng: e, out: out, stack: []frame{{mode: UserExec}}, length: DefaultTerminalLength, width: 80, started: e.Clock()}
}

// Close detaches the session from the engine (no more syslog lines).
func (s *Session) Close() {
	s.closed = true
	s.eng.sessMu.Lock()
	delete(s.eng.sessions, s)
	s.eng.sessMu.Unlock()
}

// Closed reports whether the session ended (exit or logout at EXEC).
func (s *Session) Closed() bool { return s.closed }

// Prompt is the hostname followed by the mode suffix: "R1(config-if)#".
// While a command reads text lines (a banner) the prompt is empty.
func (s *Session) Prompt() string {
	if s.textIn != nil {
		return s.textPrompt
	}
	return s.eng.Hostname() + s.Mode().Prompt
}

// ReadingText reports whether a command is reading the session's input
// lines as text (Context.TakeLines): line editors keep blank lines then.
func (s *Session) ReadingText() bool { return s.textIn != nil }

// Mode is the current mode.
func (s *Session) Mode() *Mode { return s.stack[len(s.stack)-1].mode }

// ModeData is the data of the current mode (see Context.Enter).
func (s *Session) ModeData() any { return s.stack[len(s.stack)-1].data }

// SetMode puts the session in a mode (tests and labs start in Exec).
func (s *Session) SetMode(m *Mode) {
	switch {
	case m == UserExec:
		s.stack = []frame{{mode: UserExec}}
	case m == Exec:
		s.stack = []frame{{mode: Exec}}
	case m == Config:
		s.stack = []frame{{mode: Exec}, {mode: Config}}
	default:
		// A sub-mode sits on its chain of parents up to global config.
		var chain []*Mode
		for p := m; p != nil && p != Config; p = p.Parent {
			chain = append([]*Mode{p}, chain...)
		}
		s.stack = []frame{{mode: Exec}, {mode: Config}}
		for _, p := range chain {
			s.stack = append(s.stack, frame{mode: p})
		}
	}
}

// SetTerminalLength sets the page length (0 turns paging off).
func (s *Session) SetTerminalLength(n int) { s.length = n }

// SetTerminalWidth sets the terminal width (a telnet or SSH client's
// window); 0 is IOS's default, 80.
func (s *Session) SetTerminalWidth(n int) { s.width = n }

// TerminalLength is the page length.
func (s *Session) TerminalLength() int { return s.length }

// SetPagerInput makes the session interactive for the pager: --More--
// reads its keys from r. nil turns paging off whatever the length.
func (s *Session) SetPagerInput(r io.Reader) {
	if r == nil {
		s.pagerIn = nil
		return
	}
	s.pagerIn = byteReader{r}
}

// byteReader reads one byte per call, so keys typed ahead stay in the
// terminal for the line editor.
type byteReader struct{ r io.Reader }

func (b byteReader) ReadByte() (byte, error) {
	var p [1]byte
	for {
		n, err := b.r.Read(p[:])
		if n == 1 {
			return p[0], nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// SetConfiguredBy sets who %SYS-5-CONFIG_I names when this session leaves
// configuration mode ("console" by default; "admin on vty0 (192.168.1.10)"
// for a vty).
func (s *Session) SetConfiguredBy(who string) { s.configuredBy = who }

// SetLogging turns syslog output to this session on or off (vty sessions
// see it only after `terminal monitor`).
func (s *Session) SetLogging(on bool) { s.logging.Store(on) }

// History lists the remembered lines of the current history buffer.
func (s *Session) History() []string {
	if s.Mode().isExec() {
		return append([]string(nil), s.histExec...)
	}
	return append([]string(nil), s.histConfig...)
}

// enter pushes a sub-mode, first dropping frames below its parent.
func (s *Session) enter(m *Mode, data any) {
	if m.Parent != nil {
		for i := len(s.stack) - 1; i >= 0; i-- {
			if s.stack[i].mode == m.Parent {
				s.stack = s.stack[:i+1]
				break
			}
		}
	}
	s.stack = append(s.stack, frame{mode: m, data: data})
}

// walkUpTo pops sub-modes until m is current.
func (s *Session) walkUpTo(m *Mode) {
	for i := len(s.stack) - 1; i >= 0; i-- {
		if s.stack[i].mode == m {
			s.stack = s.stack[:i+1]
			return
		}
	}
	s.stack = append(s.stack, frame{mode: m})
}

// write sends text to the terminal; syslog lines from other goroutines never
// land in the middle of one write.
func (s *Session) write(p string) {
	s.outMu.Lock()
	if s.collect != nil {
		s.collect.WriteString(p)
	} else {
		io.WriteString(s.out, p)
	}
	s.outMu.Unlock()
}

// paged runs f with the session's output collected, then sends it through
// the pager (long `?` lists stop at --More-- like command output).
func (s *Session) paged(f func()) {
	if s.pagerIn == nil || s.length <= 0 {
		f()
		return
	}
	var b strings.Builder
	s.outMu.Lock()
	s.collect = &b
	s.outMu.Unlock()
	defer func() {
		s.outMu.Lock()
		s.collect = nil
		s.outMu.Unlock()
		s.page(b.String())
	}()
	f()
}

// sessionWriter is the unbuffered output of a session.
type sessionWriter struct{ s *Session }

func (w sessionWriter) Write(p []byte) (int, error) {
	w.s.write(string(p))
	return len(p), nil
}

func (s *Session) addHistory(line string) {
	h := &s.histExec
	if !s.Mode().isExec() {
		h = &s.histConfig
	}
	*h = append(*h, line)
	if max := s.historyMax(); len(*h) > max {
		*h = (*h)[len(*h)-max:]
	}
}

// Execute runs one typed line exactly as IOS would: `?` help, output
// modifiers, paging, errors. It does not echo the prompt and line. It
// returns false if the line produced an error.
func (s *Session) Execute(line string) bool {
	line = strings.TrimRight(line, "\r\n")
	if s.textIn != nil {
		s.takeText(line)
		return true
	}
	ctrlZ := false
	if i := strings.IndexByte(line, 0x1a); i >= 0 {
		line, ctrlZ = line[:i], true
	}
	ok := true
	if strings.TrimSpace(line) != "" {
		if strings.HasSuffix(line, "?") && !s.literal {
			ok = s.help(line)
		} else {
			s.addHistory(line)
			ok = s.run(line, 0, s.Mode())
		}
	}
	if ctrlZ && !s.Mode().isExec() {
		s.endConfig()
	}
	return ok
}

// run matches and runs a line (or the part after `do`, base being where it
// starts in the echoed line) in mode m.
func (s *Session) run(line string, base int, m *Mode) bool {
	e := s.eng
	words := splitWords(line)
	if len(words) > 0 && words[0].text[0] == '!' {
		return true // a comment, as in a pasted configuration
	}
	var flt *filter
	var res result
	matched := false
	if m.isExec() {
		if i := strings.IndexByte(line, '|'); i >= 0 {
			left := line[:i]
			r := e.match(m, left, splitWords(left))
			if r.kind == resOK && r.cmd.filterable {
				f, ok := s.parseFilter(line, i+1, base)
				if !ok {
					return false
				}
				res, flt, matched = r, f, true
			}
		}
	}
	target := m
	if !matched {
		res = e.match(m, line, words)
		if res.kind != resOK && res.kind != resEmpty && m == s.Mode() {
			for p := m.Parent; p != nil; p = p.Parent {
				r := e.match(p, line, words)
				if r.kind == resOK {
					res, target = r, p
					break
				}
				if r.progress() > res.progress() {
					res = r
				}
			}
		}
	}
	switch res.kind {
	case resEmpty:
		return true
	case resAmbiguous:
		s.write("% Ambiguous command:  \"" + Printable(line) + "\"\n")
		return false
	case resIncomplete:
		s.write("% Incomplete command.\n\n")
		return false
	case resInvalid:
		if m.isExec() && len(words) == 1 && res.failAt == 0 {
			s.telnetAttempt(words[0].text)
			return false
		}
		s.caretError(base + res.offset)
		return false
	}
	if target != m {
		s.walkUpTo(target)
	}
	return s.runHandler(&res, line, base, target, flt)
}

// telnetAttempt answers one unknown word at EXEC level: IOS takes it for a
// host to telnet to. Names go through the resolver (with no ip domain
// lookup: nothing) and addresses get no answer in the emulator.
func (s *Session) telnetAttempt(host string) {
	if _, ok := parseDotted(host); ok {
		s.write("Trying " + Printable(host) + " ... \n% Connection timed out; remote host not responding\n")
		return
	}
	lookup := ""
	if s.eng.DomainLookup() {
		lookup = "...domain server (255.255.255.255)"
	}
	s.write("Translating \"" + Printable(host) + "\"" + lookup + "\n% Unknown command or computer name, or unable to find computer address\n")
}

// takeText gives one input line to the command reading text, under the
// config lock as a handler runs.
func (s *Session) takeText(line string) {
	f := s.textIn
	gen := s.textGen
	s.armInterrupt()
	defer s.unlockConfig(s.lockConfig())
	if f(line) && s.textGen == gen {
		s.textIn, s.textPrompt = nil, ""
	}
}

// Interrupt is the IOS escape sequence (Ctrl-^ x) typed while a command
// runs: the command's Context.Interrupted channel closes, and ping or
// traceroute stop at once. Line editors call it from their key reader, in
// any goroutine; with no command running it has no effect.
func (s *Session) Interrupt() {
	s.intrMu.Lock()
	defer s.intrMu.Unlock()
	if s.intr != nil {
		select {
		case <-s.intr:
		default:
			close(s.intr)
		}
	}
}

// armInterrupt gives the command about to run a fresh interrupt channel.
func (s *Session) armInterrupt() {
	s.intrMu.Lock()
	s.intr = make(chan struct{})
	s.intrMu.Unlock()
}

// interrupted is the channel of the command running.
func (s *Session) interrupted() <-chan struct{} {
	s.intrMu.Lock()
	defer s.intrMu.Unlock()
	if s.intr == nil {
		s.intr = make(chan struct{})
	}
	return s.intr
}

// lockConfig takes the config lock unless this session holds it already
// (`do` runs a handler from inside a handler, and a configuration applied
// under the lock runs its lines with it held); it reports whether it took
// the lock, for unlockConfig.
func (s *Session) lockConfig() (taken bool) {
	if s.locked {
		return false
	}
	s.eng.mu.Lock()
	s.locked = true
	return true
}

// unlockConfig releases the config lock if lockConfig took it.
func (s *Session) unlockConfig(taken bool) {
	if taken {
		s.locked = false
		s.eng.mu.Unlock()
	}
}

// caretError prints the caret line and the invalid-input message.
func (s *Session) caretError(offset int) {
	col := len(s.Prompt()) + offset
	if s.echoed != "" && offset <= len(s.echoed) {
		// The transcript shows the line Printable: the caret follows.
		col = len(s.Prompt()) + printableWidth(s.echoed[:offset])
	}
	s.write(strings.Repeat(" ", col) + "^\n% Invalid input detected at '^' marker.\n\n")
}

// runHandler runs a matched command under the config lock and sends its
// output through the filter and the pager.
func (s *Session) runHandler(res *result, line string, base int, m *Mode, flt *filter) bool {
	paging := s.pagerIn != nil && s.length > 0
	var buf *bytes.Buffer
	var w io.Writer = sessionWriter{s}
	switch {
	case flt != nil:
		// Modifiers need the whole output; it is paged afterwards.
		buf = new(bytes.Buffer)
		w = buf
	case paging:
		w = newPager(s)
	}
	s.armInterrupt()
	ctx := &Context{sess: s, eng: s.eng, line: line, base: base, out: w, mode: m, buf: buf}
	ctx.json = flt != nil && flt.kind == fJSON
	var err error
	if items, ok := s.ModeData().(Range); ok && m == s.Mode() {
		// interface range: the command runs on each interface in turn and
		// stops at the first that refuses it.
		for _, it := range items {
			ctx.item, ctx.hasItem = it, true
			if err = s.call(res.cmd.cmd.Run, ctx, newArgs(res)); err != nil || s.Mode() != m {
				break
			}
		}
	} else {
		err = s.call(res.cmd.cmd.Run, ctx, newArgs(res))
	}
	if ctx.json && err == nil {
		// The text was only buffered: the data replaces it.
		text, ok := ctx.jsonOutput()
		if !ok {
			s.write(text)
			return false
		}
		s.page(text)
	} else if buf != nil && !ctx.json {
		text := buf.String()
		if flt != nil {
			text = flt.apply(text)
		}
		s.page(text)
	}
	if err == errSilent {
		return false
	}
	if err != nil {
		// Messages quote what was typed ("% Invalid interface ..."): keep
		// them Printable.
		msg := printableLines(err.Error())
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		s.write(msg)
		return false
	}
	return true
}

// call runs a handler holding the config lock (once per goroutine: `do`
// runs a handler from inside a handler).
func (s *Session) call(h Handler, c *Context, a Args) (err error) {
	defer s.unlockConfig(s.lockConfig())
	defer func() {
		if r := recover(); r != nil {
			err = Errorf("%% Internal error: %v", r)
		}
	}()
	return h(c, a)
}

// RunScript reads lines and, for each, prints the prompt and the line (a
// session transcript, Printable) and runs it. A line over MaxLineLength is
// reported and skipped; the lines after it still run. It returns the number
// of failed lines.
func (s *Session) RunScript(r io.Reader) (failed int) {
	lr := newLineReader(r, MaxLineLength)
	for !s.closed {
		text, length, tooLong, err := lr.next()
		if err != nil {
			if err != io.EOF {
				s.write("%Error reading input (" + Printable(err.Error()) + ")\n")
				failed++
			}
			return failed
		}
		line := strings.TrimRight(text, "\r")
		if tooLong {
			s.write(s.Prompt() + Printable(line[:shownLength]) + "...\n" + lineTooLong(length) + "\n\n")
			failed++
			continue
		}
		s.echoed = line
		s.write(s.Prompt() + Printable(line) + "\n")
		if !s.Execute(line) {
			failed++
		}
		s.echoed = ""
	}
	return failed
}
