package system

import (
	"fmt"
	"strings"
)

// lineKind is a kind of terminal line.
type lineKind int

const (
	lineCon lineKind = iota
	lineAux
	lineVty
)

// Line counts: IOSv has one console, one aux and vty 0-4; `line vty 0 15`
// adds lines up to 15 as on an ISR.
const (
	defaultVtys = 5
	maxVtys     = 16
)

func (k lineKind) String() string { return [...]string{"con", "aux", "vty"}[k] }

// absolute is the line's absolute number (show users): con 0 is 0, aux 0
// is 1, vty N is 2+N on IOSv.
func absolute(k lineKind, n int) int {
	switch k {
	case lineCon:
		return 0
	case lineAux:
		return 1
	}
	return 2 + n
}

// LoginMode is what `login` asks on a line.
type LoginMode int

// The login modes of a line.
const (
	LoginNone  LoginMode = iota // no login
	LoginLine                   // login: the line password
	LoginLocal                  // login local: a username and its secret
)

// lineConf is the configuration of one line. It is comparable, so equal
// neighbours render as one `line vty A B` block.
type lineConf struct {
	accessIn, accessOut    string // access-class ... in|out
	timeoutMin, timeoutSec int    // exec-timeout; 10 0 is the default
	privilege              int    // privilege level; -1 = default
	password               password
	loggingSync            bool
	login                  LoginMode
	transport              string // transport input, canonical ("telnet ssh"); "" = default, not shown
}

func defaultLine(k lineKind) lineConf {
	c := lineConf{timeoutMin: 10, privilege: -1}
	if k == lineVty {
		// IOSv: vty lines ask for the line password and take no protocol.
		c.login = LoginLine
		c.transport = "none"
	}
	return c
}

// lineRange is the data of the config-line mode: the lines being configured.
type lineRange struct {
	kind        lineKind
	first, last int
}

// render writes the line's settings in IOS order.
func (c *lineConf) render(b *strings.Builder, k lineKind) {
	if c.accessIn != "" {
		fmt.Fprintf(b, " access-class %s in\n", c.accessIn)
	}
	if c.accessOut != "" {
		fmt.Fprintf(b, " access-class %s out\n", c.accessOut)
	}
	if c.timeoutMin != 10 || c.timeoutSec != 0 {
		fmt.Fprintf(b, " exec-timeout %d %d\n", c.timeoutMin, c.timeoutSec)
	}
	if c.privilege >= 0 {
		fmt.Fprintf(b, " privilege level %d\n", c.privilege)
	}
	if c.password.set {
		fmt.Fprintf(b, " password %s\n", c.password.render(false))
	}
	if c.loggingSync {
		b.WriteString(" logging synchronous\n")
	}
	switch {
	case c.login == LoginLine:
		b.WriteString(" login\n")
	case c.login == LoginLocal:
		b.WriteString(" login local\n")
	case k == lineVty:
		b.WriteString(" no login\n") // vty lines log in by default
	}
	if c.transport != "" {
		fmt.Fprintf(b, " transport input %s\n", c.transport)
	}
}

// canonicalTransport orders protocols as IOS renders them ("telnet ssh").
func canonicalTransport(all, none, telnet, ssh bool) string {
	switch {
	case all:
		return "all"
	case none:
		return "none"
	case telnet && ssh:
		return "telnet ssh"
	case telnet:
		return "telnet"
	}
	return "ssh"
}
