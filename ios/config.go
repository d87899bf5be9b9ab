package ios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Section orders: features add their running-config sections with these so
// the text comes out in IOS order (reference §4.1.1). Lower comes first; the
// engine renders the version, service and hostname lines and the final end.
const (
	OrderVersion      = 100  // version 15.9 (engine)
	OrderService      = 200  // service timestamps ..., service password-encryption (engine)
	OrderHostname     = 300  // hostname (engine)
	OrderBoot         = 400  // boot-start-marker / boot-end-marker (engine)
	OrderLogging      = 500  // logging buffered, enable secret / password
	OrderAAA          = 600  // aaa new-model
	OrderIPGlobal     = 800  // no ip domain lookup, ip domain name, ip cef
	OrderInspect      = 810  // ip inspect name ...
	OrderUsers        = 1100 // username ...
	OrderSSH          = 1300 // ip ssh ...
	OrderInterfaces   = 1400 // interface blocks
	OrderRouting      = 1500 // router ospf ...
	OrderForward      = 1600 // ip forward-protocol nd
	OrderHTTP         = 1700 // no ip http server
	OrderNAT          = 1800 // ip nat pool, ip nat inside source ...
	OrderRoutes       = 1850 // ip route ...
	OrderNamedACL     = 1900 // ip access-list standard/extended blocks
	OrderACL          = 2100 // numbered access-list lines
	OrderControlPlane = 2200
	OrderBanner       = 2300
	OrderLines        = 2400 // line con 0, line vty 0 4
	OrderScheduler    = 2500
)

// NVRAMSize is the size `show startup-config` reports ("Using N out of M bytes").
const NVRAMSize = 262144

type section struct {
	order  int
	seq    int
	render func(w io.Writer)
}

// serviceFlags are the `service` lines the engine owns.
type serviceFlags struct {
	timestampsDebug, timestampsLog bool
	stampDebug, stampLog           stampOptions // their datetime options
	passwordEncryption             bool
	sequenceNumbers                bool
}

// AddConfigSection adds a running-config section. Sections are ordered by
// order, ties by the order they were added. Each render writes complete lines
// ending in "\n", including its own "!" separators (before its block).
func (e *Engine) AddConfigSection(order int, render func(w io.Writer)) {
	e.secMu.Lock()
	defer e.secMu.Unlock()
	e.sections = append(e.sections, section{order: order, seq: len(e.sections), render: render})
	sort.SliceStable(e.sections, func(i, j int) bool {
		if e.sections[i].order != e.sections[j].order {
			return e.sections[i].order < e.sections[j].order
		}
		return e.sections[i].seq < e.sections[j].seq
	})
}

func (e *Engine) addEngineSections() {
	e.AddConfigSection(OrderVersion, func(w io.Writer) { io.WriteString(w, "!\nversion 15.9\n") })
	e.AddConfigSection(OrderService, func(w io.Writer) {
		e.secMu.Lock()
		f := e.services
		e.secMu.Unlock()
		if f.timestampsDebug {
			io.WriteString(w, "service timestamps debug "+f.stampDebug.String()+"\n")
		}
		if f.timestampsLog {
			io.WriteString(w, "service timestamps log "+f.stampLog.String()+"\n")
		}
		if f.passwordEncryption {
			io.WriteString(w, "service password-encryption\n")
		} else {
			io.WriteString(w, "no service password-encryption\n")
		}
		if f.sequenceNumbers {
			io.WriteString(w, "service sequence-numbers\n")
		}
	})
	e.AddConfigSection(OrderHostname, func(w io.Writer) { fmt.Fprintf(w, "!\nhostname %s\n", e.Hostname()) })
	e.AddConfigSection(OrderBoot, func(w io.Writer) { io.WriteString(w, "!\nboot-start-marker\nboot-end-marker\n!\n") })
}

// PasswordEncryption reports `service password-encryption`.
func (e *Engine) PasswordEncryption() bool {
	e.secMu.Lock()
	defer e.secMu.Unlock()
	return e.services.passwordEncryption
}

// RunningConfig is the whole configuration text as `show running-config`
// prints it after the byte-count header, ending with "end\n". It takes the
// config lock: handlers must not call it.
func (e *Engine) RunningConfig() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runningConfig()
}

func (e *Engine) runningConfig() string {
	e.secMu.Lock()
	secs := append([]section(nil), e.sections...)
	e.secMu.Unlock()
	var b strings.Builder
	for _, s := range secs {
		s.render(&b)
	}
	b.WriteString("!\nend\n")
	return b.String()
}

// SetStartupPath sets the file `write memory` saves to and `show
// startup-config` reads. Without one the startup-config lives in memory.
func (e *Engine) SetStartupPath(path string) {
	e.startMu.Lock()
	e.startupPath = path
	e.startMu.Unlock()
}

// errNoStartup is returned when nothing has been saved.
var errNoStartup = errors.New("startup-config is not present")

// startupConfig reads the saved configuration.
func (e *Engine) startupConfig() (string, error) {
	e.startMu.Lock()
	path, mem := e.startupPath, e.startupMem
	e.startMu.Unlock()
	if path == "" {
		if mem == nil {
			return "", errNoStartup
		}
		return *mem, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", errNoStartup
	}
	return string(b), err
}

// saveStartup writes text as the startup-config: a temporary file in the
// same directory, fsync, rename, so a crash never leaves half a config.
func (e *Engine) saveStartup(text string) error {
	e.startMu.Lock()
	defer e.startMu.Unlock()
	if e.startupPath == "" {
		e.startupMem = &text
		return nil
	}
	dir := filepath.Dir(e.startupPath)
	prefix := "." + filepath.Base(e.startupPath) + ".tmp"
	removeStaleTemporaries(dir, prefix)
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.WriteString(text)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, e.startupPath)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// removeStaleTemporaries removes what saves killed half-way left behind:
// files named prefix and the digits os.CreateTemp adds. Saves of one
// router are serialised (startMu), so none of them is in progress.
func removeStaleTemporaries(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, ent := range entries {
		digits, ok := strings.CutPrefix(ent.Name(), prefix)
		if ok && digits != "" && strings.Trim(digits, "0123456789") == "" && ent.Type().IsRegular() {
			os.Remove(filepath.Join(dir, ent.Name()))
		}
	}
}

// eraseStartup removes the saved configuration.
func (e *Engine) eraseStartup() error {
	e.startMu.Lock()
	defer e.startMu.Unlock()
	e.startupMem = nil
	if e.startupPath == "" {
		return nil
	}
	if err := os.Remove(e.startupPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// LineError is a configuration line that failed to load.
type LineError struct {
	Line    int    // 1-based line number
	Text    string // the line as read, Printable (and shortened when it was too long)
	Message string // the IOS error text, Printable
}

func (l LineError) Error() string { return fmt.Sprintf("line %d: %s: %s", l.Line, l.Text, l.Message) }

// shownLength is how much of an over-long line an error quotes.
const shownLength = 80

// lineError makes the LineError of a failed line: what reaches a terminal
// is Printable, so a configuration cannot send it escape sequences.
func lineError(n int, raw, message string) LineError {
	return LineError{Line: n, Text: Printable(raw), Message: Printable(message)}
}

// tooLongError is the LineError of a line over MaxLineLength: its start and
// its length.
func tooLongError(n int, start string, length int) LineError {
	return LineError{Line: n, Text: Printable(start[:min(len(start), shownLength)]) + "...", Message: lineTooLong(length)}
}

// LoadConfig runs each line in configuration mode as IOS does for a
// startup-config: indentation is ignored (walk-up finds the mode), "!" and
// blank lines are skipped, "end" stops, header lines are tolerated. Every
// line that fails is reported, a line of any length included; the others
// still apply.
func (e *Engine) LoadConfig(r io.Reader) []LineError {
	return e.loadConfig(r, false)
}

func (e *Engine) loadConfig(r io.Reader, locked bool) []LineError {
	var out strings.Builder
	s := e.newSession(&out)
	s.SetMode(Config)
	s.locked = locked
	s.literal = true
	var errs []LineError
	lr := newLineReader(r, MaxLineLength)
	for n := 1; ; n++ {
		text, length, tooLong, err := lr.next()
		if err != nil {
			if err != io.EOF {
				errs = append(errs, LineError{Line: n, Message: "%Error reading configuration (" + Printable(err.Error()) + ")"})
			}
			break
		}
		if tooLong {
			errs = append(errs, tooLongError(n, text, length))
			continue
		}
		raw := strings.TrimRight(text, "\r")
		if s.textIn != nil {
			s.Execute(raw) // a banner's text, as written
			continue
		}
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "!") || isConfigHeader(line) {
			continue
		}
		if line == "end" {
			break
		}
		out.Reset()
		if !s.Execute(line) {
			errs = append(errs, lineError(n, raw, errorMessage(out.String())))
		}
		if s.Mode().isExec() {
			// "exit" at the top level: IOS would leave configuration mode.
			s.SetMode(Config)
		}
	}
	return errs
}

// isConfigHeader spots the lines show commands print above a configuration.
func isConfigHeader(line string) bool {
	return strings.HasPrefix(line, "Building configuration") ||
		strings.HasPrefix(line, "Current configuration :") ||
		strings.HasPrefix(line, "Using ") && strings.HasSuffix(line, " bytes") ||
		strings.HasPrefix(line, "version ")
}

// errorMessage keeps the message lines of a failed line's output (not the
// caret line or blank lines).
func errorMessage(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t == "^" {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// LoadStartup loads the saved startup-config, if there is one.
func (e *Engine) LoadStartup() ([]LineError, error) {
	text, err := e.startupConfig()
	if err == errNoStartup {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return e.LoadConfig(strings.NewReader(text)), nil
}
