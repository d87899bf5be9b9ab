package main

import (
	"io"
	"os"

	"natlab/console"
	"natlab/device"
	"natlab/internal/tty"
)

// The router's own terminal runs the same line editor as `labs console`, telnet and SSH (package
// console), in raw mode: Tab completes a unique word and leaves an ambiguous one alone, `?` answers
// without Return, Ctrl-C leaves configuration mode and echoes ^C, Ctrl-^ x interrupts ping and
// traceroute, and syslog lines print above the line being typed. go-prompt, which this terminal used
// before, draws its completion box on every key and cycles through candidates on Tab: it has no
// option to draw without the box short of giving it no candidates, and then Tab completes nothing.
// One editor for every terminal also keeps their behaviour from drifting apart.

// localTerminal is the router's own terminal: keys from in, the screen to out.
type localTerminal struct{ in, out *os.File }

func (t localTerminal) Read(p []byte) (int, error)  { return t.in.Read(p) }
func (t localTerminal) Write(p []byte) (int, error) { return t.out.Write(p) }

// runLocalTerminal runs the console login, when one is configured, then an IOS session on the
// terminal in (raw mode for as long as it runs) and out, until the session ends. The session keeps
// IOS's console defaults: length 24, width 80.
func runLocalTerminal(d *device.Device, in, out *os.File) error {
	restore, err := tty.Raw(in)
	if err != nil {
		return err
	}
	defer restore()
	console.ServeTerminal(localTerminal{in, out}, d.Engine, d.ConsoleLogin, console.TerminalOptions{})
	io.WriteString(out, "\r\n")
	return nil
}
