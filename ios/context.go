package ios

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// Context is what a handler sees: its session, the engine and the output.
type Context struct {
	sess *Session
	eng  *Engine
	line string
	base int // where line starts in the echoed line (after "do ")
	out  io.Writer
	// buf holds the output while a filter or the pager needs all of it.
	buf *bytes.Buffer
	// mode is where the command matched (after any walk-up).
	mode *Mode
	// item is the Range item the command runs for, when hasItem.
	item    any
	hasItem bool
	// json is set for `| json`; jsonVal is what the handler gave SetJSON.
	json    bool
	jsonSet bool
	jsonVal any
}

// Printf writes formatted output through the filters and the pager.
func (c *Context) Printf(format string, a ...any) { fmt.Fprintf(c.out, format, a...) }

// Write makes Context an io.Writer.
func (c *Context) Write(p []byte) (int, error) { return c.out.Write(p) }

// Enter moves the session into a sub-mode; data comes back from ModeData.
func (c *Context) Enter(m *Mode, data any) { c.sess.enter(m, data) }

// ModeData is the data given to Enter for the current mode (e.g. the
// interface name of config-if).
func (c *Context) ModeData() any {
	if c.hasItem {
		return c.item
	}
	return c.sess.ModeData()
}

// Engine is the engine running the command.
func (c *Context) Engine() *Engine { return c.eng }

// Session is the session that typed the command.
func (c *Context) Session() *Session { return c.sess }

// Line is the full line as typed (for `do ...`, the part after "do").
func (c *Context) Line() string { return c.line }

// InvalidAt prints the IOS caret error under the word of the line that
// starts at offset (as Args.Offset reports it) and returns the error that
// marks the line failed without printing more. Handlers use it for values
// the grammar accepts but IOS rejects at that word (an interface that does
// not exist, a malformed number).
func (c *Context) InvalidAt(offset int) error {
	c.flushBuffered()
	c.sess.caretError(c.base + offset)
	return errSilent
}

// flushBuffered sends what the command printed so far to the terminal.
func (c *Context) flushBuffered() {
	if c.buf != nil && c.buf.Len() > 0 {
		if !c.json { // under `| json` the text is never shown
			c.sess.page(c.buf.String())
		}
		c.buf.Reset()
	}
}

// TakeLines hands the session's next input lines to f as typed, until f
// returns true: no parsing, no prompt, no history; blank lines and lines
// starting with "!" included (LoadConfig passes them too). IOS reads a
// multi-line `banner motd #` this way.
func (c *Context) TakeLines(f func(line string) (done bool)) {
	c.sess.textIn, c.sess.textPrompt = f, ""
	c.sess.textGen++
}

// AskLines runs a dialogue on the session's next input lines, as IOS's
// extended ping asks its questions: question is the prompt of the next
// line, and f gets each answer as typed and returns the next question, or
// "" when the dialogue is over. Like TakeLines it works the same on a
// terminal and in a script, whose lines answer in turn. f runs as a
// command does (config lock held, Interrupted armed) and may print through
// this Context.
func (c *Context) AskLines(question string, f func(answer string) (next string)) {
	s := c.sess
	c.TakeLines(func(line string) bool {
		next := f(line)
		if next == "" {
			return true
		}
		s.textPrompt = next
		return false
	})
	s.textPrompt = question
}

// Interrupted is closed when the user types the escape sequence (Ctrl-^ x)
// while this command runs (Session.Interrupt); long commands (ping,
// traceroute) select on it and stop at once.
func (c *Context) Interrupted() <-chan struct{} { return c.sess.interrupted() }

// Ask prints a question such as "Destination filename [startup-config]? "
// and returns the answer typed, without blanks. A script (no terminal)
// answers with Return, i.e. "" (take the default), and the question is
// printed with a newline as a terminal would show it.
func (c *Context) Ask(question string) string { return c.ask(question, true) }

// AskSecret is Ask without echoing what is typed (passwords).
func (c *Context) AskSecret(question string) string { return c.ask(question, false) }

func (c *Context) ask(question string, echo bool) string {
	s := c.sess
	c.flushBuffered() // what the command printed so far goes out first
	if s.pagerIn == nil {
		s.write(question + "\n")
		return ""
	}
	s.write(question)
	var line []byte
	for {
		b, err := s.pagerIn.ReadByte()
		if err != nil || b == '\n' || b == '\r' {
			break
		}
		switch b {
		case 0x7f, '\b':
			if len(line) > 0 {
				line = line[:len(line)-1]
				if echo {
					s.write("\b \b")
				}
			}
		default:
			line = append(line, b)
			if echo {
				s.write(string(b))
			}
		}
	}
	s.write("\n")
	return strings.TrimSpace(string(line))
}
