package labs

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ExitInfo is how a router process ended.
type ExitInfo struct {
	Time   time.Time `json:"time"`
	Reason string    `json:"reason"`          // "exit status 2", "killed by signal 9 (SIGKILL)"
	Crash  string    `json:"crash,omitempty"` // the panic or signal line and the first frame
}

// exitReason says how a process ended, as `labs inspect` and `labs up` print it.
func exitReason(ps *os.ProcessState) string {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	switch {
	case !ok:
		return ps.String()
	case ws.Signaled():
		return fmt.Sprintf("killed by signal %d (%s)", int(ws.Signal()), unix.SignalName(ws.Signal()))
	default:
		return fmt.Sprintf("exit status %d", ws.ExitStatus())
	}
}

// signalHead is the first line of the runtime's dump for a signal it cannot turn into a panic.
var signalHead = regexp.MustCompile(`^SIG[A-Z0-9]+: `)

// goroutineHead opens a goroutine's stack in a Go crash dump.
var goroutineHead = regexp.MustCompile(`^goroutine \d+ .*\]:$`)

// maxCrashLine and maxCrashHead keep a summary readable when a panic value is huge or panics nest
// deeply.
const (
	maxCrashLine = 300
	maxCrashHead = 6
)

// crashSummary finds what a Go program printed when it crashed: the panic line (with the signal line
// the runtime adds under it, and nested panics), else the fatal error line, else the signal line;
// then the first frame of the goroutine that follows. The output of a crash ends with the other
// goroutines and, for a signal, the registers, so the last lines of a log are the least useful ones.
// It returns "" when output holds no crash.
func crashSummary(output string) string {
	lines := strings.Split(output, "\n")
	head := -1
	for i, ln := range lines {
		if strings.HasPrefix(ln, "panic: ") || strings.HasPrefix(ln, "fatal error: ") || signalHead.MatchString(ln) {
			head = i
			break
		}
	}
	if head < 0 {
		return ""
	}
	out := []string{lines[head]}
	i := head + 1
	for ; i < len(lines) && len(out) < maxCrashHead && (strings.HasPrefix(lines[i], "[signal ") || strings.HasPrefix(lines[i], "\tpanic: ") || strings.HasPrefix(lines[i], "panic: ")); i++ {
		out = append(out, lines[i])
	}
	for ; i < len(lines); i++ {
		if goroutineHead.MatchString(lines[i]) {
			if i+1 < len(lines) && lines[i+1] != "" {
				out = append(out, lines[i+1])
			}
			if i+2 < len(lines) && strings.HasPrefix(lines[i+2], "\t") {
				out = append(out, lines[i+2])
			}
			break
		}
	}
	for j, ln := range out {
		if len(ln) > maxCrashLine {
			out[j] = ln[:maxCrashLine] + "..."
		}
	}
	return strings.Join(out, "\n")
}

// maxCrashRead bounds how much of a log is searched for a crash: a dump of many goroutines is long,
// but its head is in the last few megabytes.
const maxCrashRead = 4 << 20

// logSince is what a log file holds from offset on (its last maxCrashRead bytes at most).
func logSince(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	offset = max(offset, fi.Size()-maxCrashRead, 0)
	b := make([]byte, max(fi.Size()-offset, 0))
	n, _ := f.ReadAt(b, offset)
	return string(b[:n])
}
