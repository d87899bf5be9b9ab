package acl

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"natlab/ios"
)

// The engine keeps the log buffer; `logging buffered` and `show logging`
// live here because the access-list log is what most needs them (and the
// rate-limited count in `show logging` is the access-list logger's).

// logLevel is a `logging buffered` severity keyword.
type logLevel struct{ name, help string }

var logLevels = []logLevel{
	{"alerts", "Immediate action needed           (severity=1)"},
	{"critical", "Critical conditions               (severity=2)"},
	{"debugging", "Debugging messages                (severity=7)"},
	{"emergencies", "System is unusable                (severity=0)"},
	{"errors", "Error conditions                  (severity=3)"},
	{"informational", "Informational messages            (severity=6)"},
	{"notifications", "Normal but significant conditions (severity=5)"},
	{"warnings", "Warning conditions                (severity=4)"},
}

var levelByNumber = []string{"emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging"}

// bufferedLogging is the `logging buffered` configuration.
type bufferedLogging struct {
	disabled   bool
	configured bool   // a `logging buffered` line was given
	size       int    // 0: not given
	level      string // "": not given (debugging)
}

func (a *ACLs) installLogging(e *ios.Engine) {
	levels := keywords(logLevels, func(l logLevel) (string, string) { return l.name, l.help })
	logging := words("logging buffered", "Modify message logging facilities", "Set buffered logging parameters")
	set := join(logging, words("[(4096-2147483647)$size]", "Logging buffer size"),
		syntax{"[(0-7)|" + levels.text + "]$level", append([]string{"Logging severity level"}, levels.help...)})
	e.Install(
		command(ios.Config, set, func(c *ios.Context, args ios.Args) error {
			b := bufferedLogging{configured: true, size: args.Int("size"), level: args.Str("level")}
			if b.level != "" && !slices.ContainsFunc(logLevels, func(l logLevel) bool { return l.name == b.level }) {
				b.level = levelByNumber[args.Int("level")]
			}
			if b.size > 0 {
				e.SetLogBufferSize(b.size)
			}
			a.mu.Lock()
			a.buffered = b
			a.mu.Unlock()
			return nil
		}),
		command(ios.Config, join(negate, logging), func(c *ios.Context, args ios.Args) error {
			e.SetLogBufferSize(ios.DefaultLogBufferSize)
			a.mu.Lock()
			a.buffered = bufferedLogging{disabled: true}
			a.mu.Unlock()
			return nil
		}),
		command(ios.Exec, words("show logging", ios.HelpShow, "Show the contents of logging buffers"), func(c *ios.Context, args ios.Args) error {
			a.showLogging(c, e)
			return nil
		}),
	)
	e.AddConfigSection(ios.OrderLogging, func(w io.Writer) {
		a.mu.Lock()
		b := a.buffered
		a.mu.Unlock()
		switch {
		case b.disabled:
			io.WriteString(w, "!\nno logging buffered\n")
		case b.configured:
			line := "logging buffered"
			if b.size > 0 {
				line += " " + strconv.Itoa(b.size)
			}
			if b.level != "" {
				line += " " + b.level
			}
			io.WriteString(w, "!\n"+line+"\n")
		}
	})
}

// showLogging prints the IOS 15 `show logging` layout.
func (a *ACLs) showLogging(w io.Writer, e *ios.Engine) {
	a.mu.Lock()
	b := a.buffered
	a.mu.Unlock()
	n := e.LogCount()
	level := b.level
	if level == "" {
		level = "debugging"
	}
	var s strings.Builder
	// Messages dropped: the ones the bounded buffer overwrote (the router
	// has no syslog queue that could drop any other way). Flushes and
	// overruns count events of IOS's syslog queue, which has no
	// counterpart here.
	fmt.Fprintf(&s, "Syslog logging: enabled (%d messages dropped, %d messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)\n\n", e.LogStats().Overwritten, a.log.limited.Load())
	s.WriteString("No Active Message Discriminator.\n\n\n\nNo Inactive Message Discriminator.\n\n\n")
	fmt.Fprintf(&s, "    Console logging: level debugging, %d messages logged, xml disabled,\n                     filtering disabled\n", n)
	s.WriteString("    Monitor logging: level debugging, 0 messages logged, xml disabled,\n                     filtering disabled\n")
	if b.disabled {
		s.WriteString("    Buffer logging:  disabled, xml disabled,\n                    filtering disabled\n")
	} else {
		fmt.Fprintf(&s, "    Buffer logging:  level %s, %d messages logged, xml disabled,\n                    filtering disabled\n", level, n)
	}
	s.WriteString("    Exception Logging: size (4096 bytes)\n    Count and timestamp logging messages: disabled\n    Persistent logging: disabled\n\nNo active filter modules.\n\n")
	fmt.Fprintf(&s, "    Trap logging: level informational, %d message lines logged\n        Logging Source-Interface:       VRF Name:\n\n", n)
	if !b.disabled {
		fmt.Fprintf(&s, "Log Buffer (%d bytes):\n\n", e.LogBufferSize())
		for _, l := range e.LogBuffer() {
			s.WriteString(l + "\n")
		}
	}
	io.WriteString(w, s.String())
}
