package ios

import (
	"fmt"
	"time"
)

// DefaultLogBufferSize is the size of the in-memory log buffer in bytes, as
// on IOS: `logging buffered` without a size keeps 4096 bytes of messages.
const DefaultLogBufferSize = 4096

// stampOptions are the datetime options of `service timestamps debug|log
// datetime [msec] [localtime] [show-timezone] [year]`.
type stampOptions struct {
	msec, localtime, showTZ, year bool
}

// String renders the options as the running-config line's tail.
func (o stampOptions) String() string {
	s := "datetime"
	if o.msec {
		s += " msec"
	}
	if o.localtime {
		s += " localtime"
	}
	if o.showTZ {
		s += " show-timezone"
	}
	if o.year {
		s += " year"
	}
	return s
}

// format renders t (UTC) as IOS does with these options, without the
// leading '*' or the trailing ": ": "Mar  1 2002 00:00:05.123 EST".
func (o stampOptions) format(t time.Time, tzName string, tzOffset time.Duration) string {
	zone := "UTC"
	t = t.UTC()
	if o.localtime {
		zone = tzName
		t = t.Add(tzOffset)
	}
	layout := "Jan _2 15:04:05"
	if o.year {
		layout = "Jan _2 2006 15:04:05"
	}
	if o.msec {
		layout += ".000"
	}
	s := t.Format(layout)
	if o.showTZ {
		s += " " + zone
	}
	return s
}

// Timestamp renders t as a syslog prefix without the trailing ": ", e.g.
// "*Mar  1 00:00:05.123" (the '*' says the clock is not authoritative).
func Timestamp(t time.Time) string { return "*" + stampOptions{msec: true}.format(t, "UTC", 0) }

// Log writes a syslog message ("%LINK-3-UPDOWN: Interface ...") with its
// timestamp to every session that shows logging when its severity passes
// `logging console`, to the log buffer when it passes `logging buffered`
// and to the syslog hosts when it passes `logging trap`. A message without
// a %FAC-SEV-MNEMONIC tag is debug output: severity 7, stamped as `service
// timestamps debug` says. It does not take the config lock, so handlers
// may call it.
func (e *Engine) Log(msg string) {
	sev := Severity(msg)
	debug := sev < 0
	if debug {
		sev = SevDebugging
	}
	e.secMu.Lock()
	f := e.services
	e.secMu.Unlock()
	stamped, opts := f.timestampsLog, f.stampLog
	if debug {
		stamped, opts = f.timestampsDebug, f.stampDebug
	}
	now := e.Clock() // before logMu: the clock may take its owner's lock

	e.logMu.Lock()
	c := &e.logc
	line := msg
	if stamped {
		mark := "*"
		if c.authoritative {
			mark = ""
		}
		name, off := "UTC", time.Duration(0)
		if c.tzSet {
			name, off = c.tzName, c.tzOffset
		}
		line = mark + opts.format(now, name, off) + ": " + msg
	}
	e.logCount++
	seq := e.logCount
	shown := line
	if f.sequenceNumbers {
		shown = fmt.Sprintf("%06d: %s", seq, line)
	}
	if !c.buffer.off && sev <= c.buffer.levelOr(SevDebugging) {
		c.bufferN++
		e.logBuf = append(e.logBuf, shown)
		e.logBytes += len(shown) + 1
		e.trimLog()
	}
	toConsole := !c.console.off && sev <= c.console.levelOr(SevDebugging)
	if toConsole {
		c.consoleN++
	}
	fw := c.forwarder
	toTrap := !c.trap.off && sev <= c.trap.levelOr(SevInformational)
	if toTrap {
		c.trapN++
	}
	e.logMu.Unlock()
	if toTrap && fw != nil {
		fw.Forward(LogMessage{Seq: seq, Severity: sev, Stamped: line})
	}
	if !toConsole {
		return
	}

	e.sessMu.Lock()
	var targets []*Session
	for s := range e.sessions {
		if s.logging.Load() {
			targets = append(targets, s)
		}
	}
	e.sessMu.Unlock()
	for _, s := range targets {
		if s.inInput.Load() {
			typed, _ := s.typed.Load().(string)
			s.write("\n" + shown + "\n" + s.Prompt() + typed)
			continue
		}
		s.write(shown + "\n")
	}
}

// LogBuffer returns the buffered syslog lines, oldest first (for `show
// logging`).
func (e *Engine) LogBuffer() []string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return append([]string(nil), e.logBuf...)
}

// LogCount is the number of messages logged since start.
func (e *Engine) LogCount() int {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logCount
}

// SetLogBufferSize bounds the log buffer (`logging buffered SIZE`); the
// oldest lines go first.
func (e *Engine) SetLogBufferSize(n int) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	if n < 2 {
		n = 2
	}
	e.logMax = n
	e.trimLog()
}

// trimLog drops the oldest lines until the buffer holds at most logMax
// bytes (each line with its end). A line longer than the whole buffer
// keeps its tail, as IOS's circular buffer shows a partial first line.
func (e *Engine) trimLog() {
	for e.logBytes > e.logMax && len(e.logBuf) > 1 {
		e.logBytes -= len(e.logBuf[0]) + 1
		e.logBuf[0] = ""
		e.logBuf = e.logBuf[1:]
		e.logDropped++
	}
	if e.logBytes > e.logMax {
		last := e.logBuf[0]
		e.logBuf[0] = last[len(last)-(e.logMax-1):]
		e.logBytes = e.logMax
	}
}

// LogStats are the figures of the log buffer for `show logging`.
type LogStats struct {
	Size        int // the buffer's bound in bytes (`logging buffered SIZE`)
	Used        int // bytes held now
	Logged      int // messages logged since start
	Overwritten int // messages dropped from the buffer to make room for newer ones
}

// LogStats returns the log buffer's figures.
func (e *Engine) LogStats() LogStats {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return LogStats{Size: e.logMax, Used: e.logBytes, Logged: e.logCount, Overwritten: e.logDropped}
}

// LogBufferSize is the bound of the log buffer in bytes.
func (e *Engine) LogBufferSize() int {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logMax
}
