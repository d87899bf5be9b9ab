package ios

import (
	"fmt"
	"time"
)

// The small EXEC commands the engine answers from what it knows itself:
// privilege, terminal settings, history, debugging and the help text.

// maxHistorySize is the top of `terminal history size`'s range on IOS.
const maxHistorySize = 256

const (
	helpTerminal     = "Set terminal line parameters"
	helpHistory      = "Enable and control the command history function"
	helpHistorySize  = "Set history buffer size"
	helpShowTerminal = "Display terminal configuration parameters"
)

// helpText is what IOS's `help` command prints.
const helpText = `Help may be requested at any point in a command by entering
a question mark '?'.  If nothing matches, the help list will
be empty and you must backup until entering a '?' shows the
available options.
Two styles of help are provided:
1. Full help is available when you are ready to enter a
   command argument (e.g. 'show ?') and describes each possible
   argument.
2. Partial help is provided when an abbreviated argument is entered
   and you want to know what arguments match the input
   (e.g. 'show pr?'.)

`

func (e *Engine) installExecExtras() {
	e.Install(
		&Command{Mode: Exec, User: true, Syntax: "help", Help: []string{"Description of the interactive help system"}, Run: func(c *Context, a Args) error {
			c.Printf("%s", helpText)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "show privilege", Help: []string{HelpShow, "Show current privilege level"}, Run: func(c *Context, a Args) error {
			c.Printf("Current privilege level is %d\n", c.sess.Privilege())
			return nil
		}},
		&Command{Mode: Exec, Syntax: "show debugging", Help: []string{HelpShow, "State of each debugging option"}, Run: showDebugging},
		&Command{Mode: Exec, User: true, Syntax: "show terminal", Help: []string{HelpShow, helpShowTerminal}, Run: showTerminal},
		&Command{Mode: Exec, User: true, Syntax: "terminal history size (0-256)", Help: []string{helpTerminal, helpHistory, helpHistorySize, "Size of history buffer"}, Run: func(c *Context, a Args) error {
			c.sess.setHistorySize(a.Int("(0-256)"), true)
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "terminal no history size", Help: []string{helpTerminal, HelpNo, helpHistory, helpHistorySize}, Run: func(c *Context, a Args) error {
			c.sess.setHistorySize(historySize, false)
			return nil
		}},
	)
	e.installFileCommands()
}

// Privilege is the session's IOS privilege level: 1 at user EXEC, 15
// beyond (the emulator has no levels in between).
func (s *Session) Privilege() int {
	if s.Mode() == UserExec {
		return 1
	}
	return 15
}

// historyMax is how many lines each history buffer keeps.
func (s *Session) historyMax() int {
	if !s.histSet {
		return historySize
	}
	return s.histMax
}

// setHistorySize changes the history buffers' size, dropping the oldest
// lines of both when they are longer.
func (s *Session) setHistorySize(n int, set bool) {
	s.histMax, s.histSet = min(max(n, 0), maxHistorySize), set
	n = s.historyMax()
	for _, h := range []*[]string{&s.histExec, &s.histConfig} {
		if len(*h) > n {
			*h = append([]string(nil), (*h)[len(*h)-n:]...)
		}
	}
}

// enableBelow15 is `enable 0` .. `enable 14`. Levels 0 and 1 are user
// EXEC; the emulator has no custom levels in between.
func enableBelow15(c *Context, level int) error {
	if level > 1 {
		return Errorf("%% Privilege levels 2-14 are not supported on this router")
	}
	c.sess.SetMode(UserExec)
	return nil
}

// showTerminal prints the console line's settings in IOS's layout; the
// session's length, width, history size and age are live, the rest are
// the console's defaults.
func showTerminal(c *Context, a Args) error {
	s := c.sess
	age := c.eng.Clock().Sub(s.started)
	if age < 0 {
		age = 0
	}
	c.Printf(`Line 0, Location: "", Type: ""
Length: %d lines, Width: %d columns
Baud rate (TX/RX) is 9600/9600, no parity, 2 stopbits, 8 databits
Status: PSI Enabled, Ready, Active, Automore On
Capabilities: none
Modem state: Ready
Group codes:    0
Special Chars: Escape  Hold  Stop  Start  Disconnect  Activation
                ^^x    none   -     -       none         
Timeouts:      Idle EXEC    Idle Session   Modem Answer  Session   Dispatch
               00:10:00        never                        none     not set
                            Idle Session Disconnect Warning
                              never 
                            Login-sequence User Response
                             00:30
                            Autoselect Initial Wait
                              not set 
Modem type is unknown.
Session limit is not set.
Time since activation: %s
Editing is enabled.
History is enabled, history size is %d.
DNS resolution in show commands is enabled
Full user help is disabled
Allowed input transports are none.
Allowed output transports are pad telnet rlogin lapb-ta mop udptn v120 ssh.
Preferred transport is telnet.
No output characters are padded
No special data dispatching characters
`, s.length, s.width, hms(age), s.historyMax())
	return nil
}

// hms is a duration as IOS's hh:mm:ss.
func hms(d time.Duration) string {
	sec := int(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
}
