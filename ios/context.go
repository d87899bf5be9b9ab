package ios

import (
	"fmt"
	"io"
)

// Context is what a handler sees: its session, the engine and the output.
type Context struct {
	sess *Session
	eng  *Engine
	line string
	out  io.Writer
	// mode is where the command matched (after any walk-up).
	mode *Mode
}

// Printf writes formatted output through the filters and the pager.
func (c *Context) Printf(format string, a ...any) { fmt.Fprintf(c.out, format, a...) }

// Write makes Context an io.Writer.
func (c *Context) Write(p []byte) (int, error) { return c.out.Write(p) }

// Enter moves the session into a sub-mode; data comes back from ModeData.
func (c *Context) Enter(m *Mode, data any) { c.sess.enter(m, data) }

// ModeData is the data given to Enter for the current mode (e.g. the
// interface name of config-if).
func (c *Context) ModeData() any { return c.sess.ModeData() }

// Engine is the engine running the command.
func (c *Context) Engine() *Engine { return c.eng }

// Session is the session that typed the command.
func (c *Context) Session() *Session { return c.sess }

// Line is the full line as typed.
func (c *Context) Line() string { return c.line }
