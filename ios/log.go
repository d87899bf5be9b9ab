package ios

import "time"

// DefaultLogBufferSize is the size of the in-memory log buffer in bytes, as
// on IOS: `logging buffered` without a size keeps 4096 bytes of messages.
const DefaultLogBufferSize = 4096

// timestampFormat is IOS `service timestamps log datetime msec`: the day is
// space-padded, no year, no time zone.
const timestampFormat = "Jan _2 15:04:05.000"

// Timestamp renders t as a syslog prefix without the trailing ": ", e.g.
// "*Mar  1 00:00:05.123" (the '*' says the clock is not authoritative).
func Timestamp(t time.Time) string { return "*" + t.Format(timestampFormat) }

// Log writes a syslog message ("%LINK-3-UPDOWN: Interface ...") with its
// timestamp to every session that shows logging, and to the log buffer. It
// does not take the config lock, so handlers may call it.
func (e *Engine) Log(msg string) {
	e.secMu.Lock()
	stamped := e.services.timestampsLog
	e.secMu.Unlock()
	line := msg
	if stamped {
		line = Timestamp(e.Clock()) + ": " + msg
	}
	e.logMu.Lock()
	e.logCount++
	e.logBuf = append(e.logBuf, line)
	e.logBytes += len(line) + 1
	e.trimLog()
	e.logMu.Unlock()

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
			s.write("\n" + line + "\n" + s.Prompt() + typed)
			continue
		}
		s.write(line + "\n")
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
