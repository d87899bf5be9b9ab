package system

import (
	"fmt"
	"strings"
	"time"

	"natlab/ios"
)

func (s *System) installVTYCommands() {
	const (
		helpLoginG   = "Enable secure login checking"
		helpBlockFor = "Set quiet-mode active time period"
		helpSecurity = "Infra Security CLIs"
		helpPwds     = "Configure Password-related Security"
		helpMinLen   = "Minimum length of passwords"
		helpClear    = "Reset functions"
		helpClrLine  = "Reset a terminal line"
		helpShowLine = "TTY line information"
		helpCrypto   = "Encryption module"
		helpKey      = "Show long term public keys"
	)
	blockHelp := []string{helpLoginG, helpBlockFor, "Quiet-mode period (secs)", "Set max number of fail attempts", "Fail attempts",
		"Watch period for repeated auth failures", "Watch period (secs)"}
	s.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "login block-for (1-65535)$block attempts (1-65535)$attempts within (1-65535)$within",
			Help: blockHelp, Run: s.setBlockFor},
		&ios.Command{Mode: ios.Config, Syntax: "no login block-for", Help: []string{ios.HelpNo, helpLoginG, helpBlockFor}, Run: s.setBlockFor},
		&ios.Command{Mode: ios.Config, Syntax: "[no] login on-success log", Help: []string{helpLoginG, "Set options for successful login", "Generate syslogs on successful login"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.guard.onSuccess = !a.No(); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "[no] login on-failure log", Help: []string{helpLoginG, "Set options for failed login", "Generate syslogs on failed login"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.guard.onFailure = !a.No(); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "security passwords min-length (0-16)", Help: []string{helpSecurity, helpPwds, helpMinLen, "Minimum length of all user/enable passwords"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.minLength = a.Int("(0-16)"); return nil })},
		&ios.Command{Mode: ios.Config, Syntax: "no security passwords min-length [(0-16)]", Help: []string{ios.HelpNo, helpSecurity, helpPwds, helpMinLen, "Minimum length of all user/enable passwords"},
			Run: s.locked(func(c *ios.Context, a ios.Args) error { s.minLength = 0; return nil })},

		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show line [vty (0-15)$first [(1-15)$last]]", Help: []string{ios.HelpShow, helpShowLine, "Virtual terminal", "First Line range", "Last Line range"}, Run: s.showLine},
		&ios.Command{Mode: ios.Exec, Syntax: "clear line <vty (0-15)$vty|(0-17)$abs>", Help: []string{helpClear, helpClrLine, "Virtual terminal", "Line number", "Line number"}, Run: s.clearLine},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show login", Help: []string{ios.HelpShow, "Display Secure Login Configurations and State"}, Run: s.showLogin},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip ssh", Help: []string{ios.HelpShow, ios.HelpShowIP, "Information on SSH"}, Run: s.showIPSSH},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ssh", Help: []string{ios.HelpShow, "Status of SSH server connections"}, Run: s.showSSH},
		&ios.Command{Mode: ios.Exec, Syntax: "show crypto key mypubkey rsa", Help: []string{ios.HelpShow, helpCrypto, helpKey, "Show public keys associated with this router", "Show RSA public keys"}, Run: s.showMyPubkey},
	)
}

func (s *System) setBlockFor(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &s.guard
	if g.timer != nil {
		g.timer.Stop()
	}
	*g = loginGuard{onSuccess: g.onSuccess, onFailure: g.onFailure}
	if !a.No() {
		g.block, g.attempts, g.within = a.Int("block"), a.Int("attempts"), a.Int("within")
	}
	return nil
}

// renderLoginGuard is the login lines of the IP globals section.
func (g *loginGuard) render(b *strings.Builder) {
	if g.block > 0 {
		fmt.Fprintf(b, "login block-for %d attempts %d within %d\n", g.block, g.attempts, g.within)
	}
	if g.onFailure {
		b.WriteString("login on-failure log\n")
	}
	if g.onSuccess {
		b.WriteString("login on-success log\n")
	}
}

// askerLine is the vty line the asking session runs on, -1 for the console.
func (s *System) askerLineLocked(c *ios.Context) int {
	for i, v := range s.rt.lines {
		if v != nil && v.sess != nil && v.sess == c.Session() {
			return i
		}
	}
	return -1
}

// hms is show users' idle time.
func hms(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// showUsers lists the console when it is the one asking (the engine does
// not say whether a console is attached) and every vty session.
func (s *System) showUsers(c *ios.Context, a ios.Args) error {
	now := s.e.Clock()
	s.mu.Lock()
	me := s.askerLineLocked(c)
	var b strings.Builder
	row := func(mark string, abs int, name, user, idle, loc string) {
		fmt.Fprintf(&b, "%s%3d %-9s %-10s %-20s %-10s %s\n", mark, abs, name, user, "idle", idle, loc)
	}
	b.WriteString("    Line       User       Host(s)              Idle       Location\n")
	if me < 0 {
		row("*", absolute(lineCon, 0), "con 0", "", "00:00:00", "")
	}
	for i, v := range s.rt.lines {
		if v == nil {
			continue
		}
		mark, idle := " ", hms(now.Sub(v.active))
		if i == me {
			mark, idle = "*", "00:00:00"
		}
		row(mark, absolute(lineVty, i), fmt.Sprintf("vty %d", i), v.user, idle, v.req.Source.Addr().String())
	}
	s.mu.Unlock()
	b.WriteString("\n  Interface    User               Mode         Idle     Peer Address\n\n")
	c.Printf("%s", b.String())
	return nil
}

// showLine is show line: console, aux and the vty lines, '*' on lines in
// use, the access-class lists and how many sessions each line carried.
func (s *System) showLine(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	me := s.askerLineLocked(c)
	var b strings.Builder
	row := func(used bool, abs int, typ, txrx, acco, acci string, uses int) {
		mark := " "
		if used {
			mark = "*"
		}
		fmt.Fprintf(&b, "%s%6d %4d %-3s   %9s  -    -      -%5s%5s %6d %7d %7s %7s\n", mark, abs, abs, typ, txrx, dash(acco), dash(acci), uses, 0, "0/0", "-")
	}
	b.WriteString("   Tty Line Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int\n")
	first, last := 0, maxVtys-1
	if a.Has("first") {
		first, last = a.Int("first"), a.Int("first")
		if a.Has("last") {
			last = max(a.Int("last"), first)
		}
	} else {
		row(me < 0, 0, "CTY", "", s.con.accessOut, s.con.accessIn, 0)
		row(false, 1, "AUX", "9600/9600", s.aux.accessOut, s.aux.accessIn, 0)
	}
	for i := first; i <= last; i++ {
		if l := s.vty[i]; l != nil {
			row(s.rt.lines[i] != nil, absolute(lineVty, i), "VTY", "", l.accessOut, l.accessIn, s.rt.uses[i])
		}
	}
	s.mu.Unlock()
	c.Printf("%s", b.String())
	return nil
}

// clearLine is clear line vty N / clear line N: after [confirm] the
// session on the line is told to close (VTY.Killed). Clearing one's own
// line is refused, as on IOS.
func (s *System) clearLine(c *ios.Context, a ios.Args) error {
	n := -1 // the vty; -1: console or aux
	switch {
	case a.Has("vty"):
		n = a.Int("vty")
	case a.Int("abs") >= 2:
		n = a.Int("abs") - 2
	}
	s.mu.Lock()
	me := s.askerLineLocked(c)
	exists := n < 0 || s.vty[n] != nil
	s.mu.Unlock()
	if !exists {
		return ios.Errorf("%% Line %d does not exist", absolute(lineVty, n))
	}
	if n == me || n < 0 && me < 0 && (a.Has("abs") && a.Int("abs") == 0) {
		return ios.Errorf("%% Not allowed to clear current line")
	}
	answer := strings.ToLower(c.Ask("[confirm]"))
	if answer != "" && !strings.HasPrefix(answer, "y") {
		return nil
	}
	c.Printf(" [OK]\n")
	if n < 0 {
		return nil
	}
	s.mu.Lock()
	v := s.rt.lines[n]
	s.mu.Unlock()
	if v != nil {
		v.kill.Do(func() { close(v.killed) })
	}
	return nil
}

// showLogin is show login: the block-for settings and state.
func (s *System) showLogin(c *ios.Context, a ios.Args) error {
	now := s.e.Clock()
	s.mu.Lock()
	_, offMsg := s.quietLocked(now)
	g := s.guard
	window := time.Duration(g.within) * time.Second // a window starts with the next failure
	failures := 0
	for _, f := range g.failures {
		if d := now.Sub(f); d < time.Duration(g.within)*time.Second {
			if failures == 0 {
				window = time.Duration(g.within)*time.Second - d
			}
			failures++
		}
	}
	s.mu.Unlock()
	if offMsg != "" {
		s.e.Log(offMsg)
	}
	c.Printf("     No login delay has been applied.\n     No Quiet-Mode access list has been configured.\n\n")
	if g.block == 0 {
		c.Printf("     Router NOT enabled to watch for login Attacks\n\n")
		return nil
	}
	c.Printf("     Router enabled to watch for login Attacks.\n")
	c.Printf("     If more than %d login failures occur in %d seconds or less,\n       logins will be disabled for %d seconds.\n\n", g.attempts, g.within, g.block)
	if g.quiet {
		c.Printf("     Router presently in Quiet-Mode, will remain in Quiet-Mode for %d seconds.\n     Denying logins from all sources.\n", int(g.quietUntil.Sub(now).Seconds()))
	} else {
		c.Printf("     Router presently in Normal-Mode.\n     Current Watch Window\n         Time remaining: %d seconds.\n         Login failures for current window: %d.\n", int(window.Seconds()), failures)
	}
	c.Printf("     Total login failures: %d.\n\n", g.total)
	return nil
}
