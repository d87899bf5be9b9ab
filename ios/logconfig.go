package ios

import (
	"io"
	"strconv"
	"strings"
	"time"
)

// Severity levels of syslog messages, as IOS numbers them.
const (
	SevEmergencies = iota
	SevAlerts
	SevCritical
	SevErrors
	SevWarnings
	SevNotifications
	SevInformational
	SevDebugging
)

// LevelNames are the severity keywords indexed by level.
var LevelNames = [8]string{"emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging"}

// levelHelp is `?`'s text for each keyword, indexed by level.
var levelHelp = [8]string{
	"System is unusable                (severity=0)",
	"Immediate action needed           (severity=1)",
	"Critical conditions               (severity=2)",
	"Error conditions                  (severity=3)",
	"Warning conditions                (severity=4)",
	"Normal but significant conditions (severity=5)",
	"Informational messages            (severity=6)",
	"Debugging messages                (severity=7)",
}

// Severity is the level a message carries in its %FACILITY-SEVERITY-MNEMONIC
// tag ("%LINK-3-UPDOWN: ..." is 3), or -1 when it has none (debug output).
func Severity(msg string) int {
	i := strings.IndexByte(msg, '%')
	if i < 0 {
		return -1
	}
	tag := msg[i+1:]
	if j := strings.IndexByte(tag, ':'); j >= 0 {
		tag = tag[:j]
	}
	fac, rest, ok := strings.Cut(tag, "-")
	if !ok || fac == "" {
		return -1
	}
	// Facilities may carry a sub-facility ("%SEC-6-IPACCESSLOGP" has none,
	// "%FW-6-SESS_AUDIT_TRAIL" neither, but "%LINEPROTO-5-UPDOWN" has the
	// digit right after the first dash): the digit is the first field that
	// is one character 0-7 followed by a dash.
	for rest != "" {
		f, r, more := strings.Cut(rest, "-")
		if !more {
			return -1
		}
		if len(f) == 1 && f[0] >= '0' && f[0] <= '7' {
			return int(f[0] - '0')
		}
		rest = r
	}
	return -1
}

// LogMessage is one message as the log pipeline hands it to a forwarder.
type LogMessage struct {
	Seq      int    // the message counter (IOS's syslog sequence number)
	Severity int    // 0-7; debug output is 7
	Stamped  string // the timestamp and message, "*Mar  1 00:00:05.123: %SYS-5-CONFIG_I: ..."
}

// LogForwarder sends messages at or above the trap level elsewhere (syslog
// hosts). Forward runs on the goroutine that logs: it must not block.
// ShowHosts writes show logging's lines for the hosts, after the trap
// line.
type LogForwarder interface {
	Forward(m LogMessage)
	ShowHosts(w io.Writer)
}

// levelSetting is one destination's level: set says a line configured it
// (the running-config shows it), off says `no logging DEST`.
type levelSetting struct {
	level    int
	set, off bool
}

// logConfig is the log pipeline's configuration and counters, under logMu.
type logConfig struct {
	console, buffer, trap    levelSetting
	bufferSet                bool // `logging buffered` was given (with or without a size)
	bufferSize               int  // the size given, 0 for none
	consoleN, bufferN, trapN int  // messages each destination took
	tzName                   string
	tzOffset                 time.Duration
	tzSet                    bool
	authoritative            bool // the clock was set by a time source: stamps lose '*'
	forwarder                LogForwarder
	rateLimited              func() uint64
	installed                bool // InstallLogging ran
}

// level returns the setting's level or def when not set.
func (l levelSetting) levelOr(def int) int {
	if l.set {
		return l.level
	}
	return def
}

// SetLogForwarder installs the syslog-host sender.
func (e *Engine) SetLogForwarder(f LogForwarder) {
	e.logMu.Lock()
	e.logc.forwarder = f
	e.logMu.Unlock()
}

// SetLogRateLimited gives show logging its rate-limited count (the
// access-list logger's).
func (e *Engine) SetLogRateLimited(f func() uint64) {
	e.logMu.Lock()
	e.logc.rateLimited = f
	e.logMu.Unlock()
}

// SetClockAuthoritative says a time source (NTP) set the clock: the
// timestamps drop their leading '*', as on IOS.
func (e *Engine) SetClockAuthoritative(on bool) {
	e.logMu.Lock()
	e.logc.authoritative = on
	e.logMu.Unlock()
}

// ClockAuthoritative reports SetClockAuthoritative's state.
func (e *Engine) ClockAuthoritative() bool {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logc.authoritative
}

// Timezone is `clock timezone NAME HOURS [MINUTES]`: "UTC" and 0 when not
// configured.
func (e *Engine) Timezone() (name string, offset time.Duration) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	if !e.logc.tzSet {
		return "UTC", 0
	}
	return e.logc.tzName, e.logc.tzOffset
}

// TrapLevel is `logging trap`'s level (informational by default).
func (e *Engine) TrapLevel() int {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logc.trap.levelOr(SevInformational)
}

// parseLevel reads a level typed as a keyword or a number.
func parseLevel(a Args, label string) (int, bool) {
	s := a.Str(label)
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	for i, name := range LevelNames {
		if name == s {
			return i, true
		}
	}
	return 0, false
}
