package system

import (
	"strings"

	"natlab/ios"
)

// Reloader is the device's side of `reload`: the system package asks IOS's
// questions, the device rebuilds the router.
type Reloader struct {
	// Modified reports whether the running-config differs from the
	// startup-config (IOS then offers to save it first).
	Modified func() bool
	// Reload restarts the router from its startup-config. It is called
	// once the questions are answered; the session that asked ends when it
	// returns.
	Reload func() error
}

// SetReloader makes reload really reload; without one (a router that
// cannot rebuild itself) reload asks its question, then refuses.
func (s *System) SetReloader(r Reloader) {
	s.mu.Lock()
	s.reloader = r
	s.mu.Unlock()
}

// The questions of reload, as IOS 15 asks them.
const (
	askSave    = "System configuration has been modified. Save? [yes/no]: "
	askProceed = "Proceed with reload? [confirm]"
	yesOrNo    = "% Please answer 'yes' or 'no'."
)

// reload asks whether to save a modified configuration, then for the
// confirmation, and reloads. The answers are the session's next lines
// (AskLines), so a script answers them as a terminal does.
func (s *System) reload(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	r := s.reloader
	s.mu.Unlock()
	if r.Reload == nil {
		answer := strings.ToLower(c.Ask(askProceed))
		if answer != "" && !strings.HasPrefix(answer, "y") {
			return nil
		}
		return ios.Errorf("%% Reload is not supported by this router: restart the router process to boot from the startup-config")
	}
	first := askProceed
	if r.Modified != nil && s.unlocked(r.Modified) {
		c.Printf("\n")
		first = askSave
	}
	question := first
	c.AskLines(first, func(answer string) string {
		answer = strings.ToLower(strings.TrimSpace(answer))
		switch question {
		case askSave:
			switch {
			case answer != "" && strings.HasPrefix("yes", answer):
				if !s.unlocked(func() bool { return s.saveConfig(c) }) {
					return "" // IOS does not reload over a failed save
				}
			case answer != "" && strings.HasPrefix("no", answer):
			default:
				c.Printf("%s\n", yesOrNo)
				return askSave
			}
			question = askProceed
			return askProceed
		default:
			if answer != "" && !strings.HasPrefix(answer, "y") {
				return "" // cancelled silently, as on IOS
			}
			s.e.Log("%SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.")
			var err error
			s.unlocked(func() bool { err = r.Reload(); return true })
			if err != nil {
				c.Printf("%% Reload failed: %s\n", ios.Printable(err.Error()))
				return ""
			}
			c.Session().Close()
			return ""
		}
	})
	return nil
}

// unlocked runs f without the config lock the running command holds:
// the running-config, write memory and the device's reload take it
// themselves.
func (s *System) unlocked(f func() bool) bool {
	s.e.Unlock()
	defer s.e.Lock()
	return f()
}

// saveConfig saves the running-config as `write memory` does, printing
// what write memory prints; false when the save failed.
func (s *System) saveConfig(c *ios.Context) bool {
	var out strings.Builder
	w := s.e.NewSession(&out)
	defer w.Close()
	w.SetLogging(false)
	w.SetMode(ios.Exec)
	ok := w.Execute("write memory")
	c.Printf("%s", out.String())
	return ok
}
