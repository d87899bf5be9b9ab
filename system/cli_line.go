package system

import (
	"strconv"

	"natlab/ios"
)

// enterLine is `line con 0`, `line vty 0 4`: it creates missing vty lines
// (up to 15) and enters config-line for the range.
func (s *System) enterLine(c *ios.Context, a ios.Args) error {
	r := lineRange{kind: lineCon}
	switch {
	case a.Has("aux"):
		r.kind = lineAux
	case a.Has("vty"):
		r.kind = lineVty
		r.first, r.last = a.Int("first"), a.Int("first")
		if a.Has("last") {
			r.last = a.Int("last")
			if r.last < r.first {
				return c.InvalidAt(a.Offset("last"))
			}
		}
		s.mu.Lock()
		for i := r.first; i <= r.last; i++ {
			if s.vty[i] == nil {
				l := defaultLine(lineVty)
				s.vty[i] = &l
			}
		}
		s.mu.Unlock()
	}
	c.Enter(ConfigLine, r)
	return nil
}

// eachLine applies f to every line of the range being configured.
func (s *System) eachLine(c *ios.Context, f func(l *lineConf, k lineKind, n int)) {
	r := c.ModeData().(lineRange)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.kind {
	case lineCon:
		f(&s.con, lineCon, 0)
	case lineAux:
		f(&s.aux, lineAux, 0)
	default:
		for i := r.first; i <= r.last; i++ {
			f(s.vty[i], lineVty, i)
		}
	}
}

// onLines makes a config-line handler from a per-line change.
func (s *System) onLines(f func(l *lineConf, k lineKind, a ios.Args)) ios.Handler {
	return func(c *ios.Context, a ios.Args) error {
		s.eachLine(c, func(l *lineConf, k lineKind, n int) { f(l, k, a) })
		return nil
	}
}

func (s *System) installLineCommands() {
	const (
		helpPassword  = "Set a password"
		helpLogin     = "Enable password checking"
		helpLogging   = "Modify message logging facilities"
		helpSync      = "Synchronized message output"
		helpTimeout   = "Set the EXEC timeout"
		helpPrivilege = "Change privilege level for line"
		helpLevel     = "Assign default privilege level for line"
		helpTransport = "Define transport protocols for line"
		helpInput     = "Define which protocols to use when connecting to the terminal server"
	)
	accessHelp := []string{helpAccess, "IP access list", "IP expanded access list", "Access-list name", "Filter incoming connections", "Filter outgoing connections"}
	e := s.e
	e.Install(
		&ios.Command{Mode: ConfigLine, Syntax: "password [0|7]$type LINE",
			Help: []string{helpPassword, helpType0, helpType7, "The UNENCRYPTED (cleartext) line password"},
			Run: func(c *ios.Context, a ios.Args) error {
				p, err := s.makePassword(a.Str("type"), typedText(a, "LINE"))
				if err != nil {
					return err
				}
				s.eachLine(c, func(l *lineConf, k lineKind, n int) { l.password = p })
				return nil
			}},
		&ios.Command{Mode: ConfigLine, Syntax: "no password", Help: []string{ios.HelpNo, helpPassword},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.password = password{} })},
		&ios.Command{Mode: ConfigLine, Syntax: "login [local]", Help: []string{helpLogin, "Local password checking"},
			Run: func(c *ios.Context, a ios.Args) error {
				s.eachLine(c, func(l *lineConf, k lineKind, n int) {
					if a.Has("local") {
						l.login = LoginLocal
						return
					}
					l.login = LoginLine
					if !l.password.set {
						c.Printf("%% Login disabled on line %d, until 'password' is set\n", absolute(k, n))
					}
				})
				return nil
			}},
		&ios.Command{Mode: ConfigLine, Syntax: "no login [local]", Help: []string{ios.HelpNo, helpLogin, "Local password checking"},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.login = LoginNone })},
		&ios.Command{Mode: ConfigLine, Syntax: "[no] logging synchronous", Help: []string{helpLogging, helpSync},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.loggingSync = !a.No() })},
		&ios.Command{Mode: ConfigLine, Syntax: "exec-timeout (0-35791) [(0-2147483)]", Help: []string{helpTimeout, "Timeout in minutes", "Timeout in seconds"},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) {
				l.timeoutMin, l.timeoutSec = a.Int("(0-35791)"), a.Int("(0-2147483)")
			})},
		&ios.Command{Mode: ConfigLine, Syntax: "no exec-timeout", Help: []string{ios.HelpNo, helpTimeout},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.timeoutMin, l.timeoutSec = 10, 0 })},
		&ios.Command{Mode: ConfigLine, Syntax: "privilege level (0-15)", Help: []string{helpPrivilege, helpLevel, "Default privilege level for line"},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.privilege = a.Int("(0-15)") })},
		&ios.Command{Mode: ConfigLine, Syntax: "no privilege level", Help: []string{ios.HelpNo, helpPrivilege, helpLevel},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.privilege = -1 })},
		&ios.Command{Mode: ConfigLine, Syntax: "transport input <all|none|{ssh|telnet}>",
			Help: []string{helpTransport, helpInput, "All protocols", "No protocols", "TCP/IP SSH protocol", "TCP/IP Telnet protocol"},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) {
				l.transport = canonicalTransport(a.Has("all"), a.Has("none"), a.Has("telnet"), a.Has("ssh"))
			})},
		&ios.Command{Mode: ConfigLine, Syntax: "no transport input", Help: []string{ios.HelpNo, helpTransport, helpInput},
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) { l.transport = defaultLine(k).transport })},
		&ios.Command{Mode: ConfigLine, Syntax: "access-class <(1-199)$acl|(1300-2699)$acl|WORD$acl> <in|out>",
			Help: accessHelp,
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) {
				name := aclName(a)
				if a.Has("in") {
					l.accessIn = name
				} else {
					l.accessOut = name
				}
			})},
		&ios.Command{Mode: ConfigLine, Syntax: "no access-class <(1-199)$acl|(1300-2699)$acl|WORD$acl> <in|out>",
			Help: append([]string{ios.HelpNo}, accessHelp...),
			Run: s.onLines(func(l *lineConf, k lineKind, a ios.Args) {
				if a.Has("in") {
					l.accessIn = ""
				} else {
					l.accessOut = ""
				}
			})},
	)
}

// aclName is the access list of access-class: numbers without leading
// zeros, names as typed.
func aclName(a ios.Args) string {
	if n, err := strconv.Atoi(a.Str("acl")); err == nil {
		return strconv.Itoa(n)
	}
	return a.Str("acl")
}
