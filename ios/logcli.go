package ios

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The logging destinations the engine owns (console, buffer, the trap level
// of the syslog hosts), the stamps' options, sequence numbers, the time
// zone and show logging. The hosts themselves (`logging host`) are a
// LogForwarder's (package syslog).

const (
	helpLogging  = "Modify message logging facilities"
	helpService  = "Modify use of network based services"
	helpLevelArg = "Logging severity level"
)

// levelSyntax is "[(0-7)|alerts|...]$level" with its helps, keywords in
// `?`'s alphabetical order.
func levelSyntax() (string, []string) {
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(LevelNames[a], LevelNames[b]) })
	text := "[(0-7)"
	help := []string{helpLevelArg}
	for _, i := range idx {
		text += "|" + LevelNames[i]
		help = append(help, levelHelp[i])
	}
	return text + "]$level", help
}

// InstallLogging installs the logging commands, show logging and their
// running-config sections. The feature that first needs them calls it
// (the access lists log); later calls do nothing.
func (e *Engine) InstallLogging() {
	e.logMu.Lock()
	done := e.logc.installed
	e.logc.installed = true
	e.logMu.Unlock()
	if done {
		return
	}
	lv, lvHelp := levelSyntax()
	cat := func(a []string, b ...string) []string { return append(append([]string(nil), a...), b...) }
	set := func(dst func(c *logConfig) *levelSetting) Handler {
		return func(c *Context, a Args) error {
			e.logMu.Lock()
			defer e.logMu.Unlock()
			d := dst(&e.logc)
			if a.No() {
				*d = levelSetting{off: true}
				return nil
			}
			n, ok := parseLevel(a, "level")
			*d = levelSetting{level: n, set: ok}
			return nil
		}
	}
	console := func(c *logConfig) *levelSetting { return &c.console }
	trap := func(c *logConfig) *levelSetting { return &c.trap }
	e.Install(
		&Command{Mode: Config, Syntax: "logging buffered [(4096-2147483647)$size] " + lv,
			Help: cat([]string{helpLogging, "Set buffered logging parameters", "Logging buffer size"}, lvHelp...),
			Run: func(c *Context, a Args) error {
				size := a.Int("size")
				if size > 0 {
					e.SetLogBufferSize(size)
				}
				n, ok := parseLevel(a, "level")
				e.logMu.Lock()
				e.logc.buffer = levelSetting{level: n, set: ok}
				e.logc.bufferSet, e.logc.bufferSize = true, size
				e.logMu.Unlock()
				return nil
			}},
		&Command{Mode: Config, Syntax: "no logging buffered", Help: []string{HelpNo, helpLogging, "Set buffered logging parameters"},
			Run: func(c *Context, a Args) error {
				e.SetLogBufferSize(DefaultLogBufferSize)
				e.logMu.Lock()
				e.logc.buffer = levelSetting{off: true}
				e.logc.bufferSet, e.logc.bufferSize = false, 0
				e.logMu.Unlock()
				return nil
			}},
		&Command{Mode: Config, Syntax: "logging console " + lv, Help: cat([]string{helpLogging, "Set console logging parameters"}, lvHelp...), Run: set(console)},
		&Command{Mode: Config, Syntax: "no logging console", Help: []string{HelpNo, helpLogging, "Set console logging parameters"}, Run: set(console)},
		&Command{Mode: Config, Syntax: "logging trap " + lv, Help: cat([]string{helpLogging, "Set syslog server logging level"}, lvHelp...), Run: set(trap)},
		&Command{Mode: Config, Syntax: "no logging trap", Help: []string{HelpNo, helpLogging, "Set syslog server logging level"}, Run: set(trap)},
		&Command{Mode: Exec, Syntax: "show logging", Help: []string{HelpShow, "Show the contents of logging buffers"},
			Run: func(c *Context, a Args) error {
				v := e.logView()
				if c.WantsJSON() {
					c.SetJSON(loggingJSON(&v))
					return nil
				}
				showLogging(c, &v)
				return nil
			}},
	)
	e.AddConfigSection(OrderLogging, e.renderLogging)
}

// installStamps installs the engine's own lines of the log: the stamps'
// options, sequence numbers and the time zone.
func (e *Engine) installStamps() {
	e.Install(
		&Command{Mode: Config, Syntax: "[no] service sequence-numbers", Help: []string{helpService, "Stamp logger messages with a sequence number"},
			Run: func(c *Context, a Args) error {
				e.secMu.Lock()
				e.services.sequenceNumbers = !a.No()
				e.secMu.Unlock()
				return nil
			}},
		&Command{Mode: Config, Syntax: "service timestamps <debug|log> datetime [{msec|localtime|show-timezone|year}]",
			Help: []string{helpService, "Timestamp debug/log messages", "Timestamp debug messages", "Timestamp log messages", "Timestamp with date and time",
				"Include milliseconds in timestamp", "Use local time zone for timestamps", "Add time zone information to timestamp", "Show year in timestamp"},
			Run: func(c *Context, a Args) error {
				o := stampOptions{msec: a.Has("msec"), localtime: a.Has("localtime"), showTZ: a.Has("show-timezone"), year: a.Has("year")}
				e.secMu.Lock()
				if a.Has("debug") {
					e.services.timestampsDebug, e.services.stampDebug = true, o
				} else {
					e.services.timestampsLog, e.services.stampLog = true, o
				}
				e.secMu.Unlock()
				return nil
			}},
		&Command{Mode: Config, Syntax: "no service timestamps <debug|log> [LINE]",
			Help: []string{HelpNo, helpService, "Timestamp debug/log messages", "Timestamp debug messages", "Timestamp log messages", "Timestamp options"},
			Run: func(c *Context, a Args) error {
				e.secMu.Lock()
				if a.Has("debug") {
					e.services.timestampsDebug = false
				} else {
					e.services.timestampsLog = false
				}
				e.secMu.Unlock()
				return nil
			}},
		&Command{Mode: Config, Syntax: "clock timezone WORD$zone WORD$hours [(0-59)$minutes]",
			Help: []string{"Configure time-of-day clock", "Configure time zone", "name of time zone", "Hours offset from UTC", "Minutes offset from UTC"},
			Run: func(c *Context, a Args) error {
				h, err := strconv.Atoi(a.Str("hours"))
				if err != nil || h < -23 || h > 23 {
					return c.InvalidAt(a.Offset("hours"))
				}
				off := time.Duration(h) * time.Hour
				m := time.Duration(a.Int("minutes")) * time.Minute
				if h < 0 || strings.HasPrefix(a.Str("hours"), "-") {
					off -= m
				} else {
					off += m
				}
				e.logMu.Lock()
				e.logc.tzName, e.logc.tzOffset, e.logc.tzSet = a.Str("zone"), off, true
				e.logMu.Unlock()
				return nil
			}},
		&Command{Mode: Config, Syntax: "no clock timezone [LINE]", Help: []string{HelpNo, "Configure time-of-day clock", "Configure time zone", "Time zone"},
			Run: func(c *Context, a Args) error {
				e.logMu.Lock()
				e.logc.tzName, e.logc.tzOffset, e.logc.tzSet = "", 0, false
				e.logMu.Unlock()
				return nil
			}},
	)
	e.AddConfigSection(OrderAAA+50, e.renderTimezone)
}

// renderLogging is the running-config's `logging buffered` and `logging
// console` lines (IOS puts them after the boot markers).
func (e *Engine) renderLogging(w io.Writer) {
	e.logMu.Lock()
	c := e.logc
	e.logMu.Unlock()
	var b strings.Builder
	switch {
	case c.buffer.off:
		b.WriteString("no logging buffered\n")
	case c.bufferSet:
		line := "logging buffered"
		if c.bufferSize > 0 {
			line += " " + strconv.Itoa(c.bufferSize)
		}
		if c.buffer.set {
			line += " " + LevelNames[c.buffer.level]
		}
		b.WriteString(line + "\n")
	}
	switch {
	case c.console.off:
		b.WriteString("no logging console\n")
	case c.console.set && c.console.level != SevDebugging:
		b.WriteString("logging console " + LevelNames[c.console.level] + "\n")
	}
	if b.Len() > 0 {
		io.WriteString(w, "!\n"+b.String())
	}
}

// RenderTrap is the `logging trap` line for the syslog package's section
// (IOS puts it with the hosts, before the numbered access lists): "" at the
// default.
func (e *Engine) RenderTrap() string {
	e.logMu.Lock()
	t := e.logc.trap
	e.logMu.Unlock()
	switch {
	case t.off:
		return "no logging trap\n"
	case t.set && t.level != SevInformational:
		return "logging trap " + LevelNames[t.level] + "\n"
	}
	return ""
}

// renderTimezone is `clock timezone NAME H M`, after aaa new-model as IOS.
func (e *Engine) renderTimezone(w io.Writer) {
	e.logMu.Lock()
	c := e.logc
	e.logMu.Unlock()
	if !c.tzSet {
		return
	}
	h := int(c.tzOffset / time.Hour)
	m := int((c.tzOffset % time.Hour) / time.Minute)
	if m < 0 {
		m = -m
	}
	fmt.Fprintf(w, "clock timezone %s %d %d\n", c.tzName, h, m)
}

// logView is what show logging prints, read under one hold of the log's
// lock for the text and the JSON form.
type logView struct {
	st      LogStats
	c       logConfig
	limited uint64
	lines   []string // the buffer, when buffer logging is on
}

func (e *Engine) logView() logView {
	e.logMu.Lock()
	v := logView{st: LogStats{Size: e.logMax, Used: e.logBytes, Logged: e.logCount, Overwritten: e.logDropped}, c: e.logc}
	if !v.c.buffer.off {
		v.lines = append([]string(nil), e.logBuf...)
	}
	e.logMu.Unlock()
	if v.c.rateLimited != nil {
		v.limited = v.c.rateLimited()
	}
	return v
}

// showLogging prints the IOS 15 `show logging` layout.
func showLogging(w io.Writer, v *logView) {
	st, c, limited := v.st, &v.c, v.limited
	var s strings.Builder
	// Messages dropped: the ones the bounded buffer overwrote (the router
	// has no syslog queue that could drop any other way). Flushes and
	// overruns count events of IOS's syslog queue, which has no
	// counterpart here.
	fmt.Fprintf(&s, "Syslog logging: enabled (%d messages dropped, %d messages rate-limited, 0 flushes, 0 overruns, xml disabled, filtering disabled)\n\n", st.Overwritten, limited)
	s.WriteString("No Active Message Discriminator.\n\n\n\nNo Inactive Message Discriminator.\n\n\n")
	if c.console.off {
		s.WriteString("    Console logging: disabled\n")
	} else {
		fmt.Fprintf(&s, "    Console logging: level %s, %d messages logged, xml disabled,\n                     filtering disabled\n", LevelNames[c.console.levelOr(SevDebugging)], c.consoleN)
	}
	s.WriteString("    Monitor logging: level debugging, 0 messages logged, xml disabled,\n                     filtering disabled\n")
	if c.buffer.off {
		s.WriteString("    Buffer logging:  disabled, xml disabled,\n                    filtering disabled\n")
	} else {
		fmt.Fprintf(&s, "    Buffer logging:  level %s, %d messages logged, xml disabled,\n                    filtering disabled\n", LevelNames[c.buffer.levelOr(SevDebugging)], c.bufferN)
	}
	s.WriteString("    Exception Logging: size (4096 bytes)\n    Count and timestamp logging messages: disabled\n    Persistent logging: disabled\n\nNo active filter modules.\n\n")
	if c.trap.off {
		s.WriteString("    Trap logging: disabled\n")
	} else {
		fmt.Fprintf(&s, "    Trap logging: level %s, %d message lines logged\n", LevelNames[c.trap.levelOr(SevInformational)], c.trapN)
	}
	if c.forwarder != nil {
		c.forwarder.ShowHosts(&s)
	} else {
		s.WriteString("        Logging Source-Interface:       VRF Name:\n")
	}
	s.WriteString("\n")
	if !c.buffer.off {
		fmt.Fprintf(&s, "Log Buffer (%d bytes):\n\n", st.Size)
		for _, l := range v.lines {
			s.WriteString(l + "\n")
		}
	}
	io.WriteString(w, s.String())
}
