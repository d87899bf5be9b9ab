package nat

import (
	"fmt"
	"io"
	"net/netip"

	"natlab/ios"
)

// Help of the per-host forms of `ip nat translation max-entries` (the
// keyword texts are not confirmed on a device).
const (
	helpAllHost    = "Specify limit for all hosts"
	helpHostLimit  = "Specify limit for an IP address"
	helpListLimit  = "Specify limit for an access list"
	helpHostAddr   = "IP address"
	helpLimitNum   = "Access list number"
	helpLimitName  = "Access list name"
	helpLimitCount = "Maximum number of entries"
)

// limitCommands are the per-host limits of `ip nat translation
// max-entries`.
func (n *NAT) limitCommands() []*ios.Command {
	base := func(no bool, more ...string) []string {
		return append(help(no, helpTranslation, helpMaxEntries), more...)
	}
	list := "<(1-2699)$num|WORD$name>"
	return []*ios.Command{
		{Mode: ios.Config, Syntax: "[no] ip nat translation max-entries host A.B.C.D$host (1-2147483647)$max",
			Help: base(false, helpHostLimit, helpHostAddr, helpLimitCount), Run: n.cmdHostLimit},
		{Mode: ios.Config, Syntax: "no ip nat translation max-entries host A.B.C.D$host",
			Help: base(true, helpHostLimit, helpHostAddr), Run: n.cmdHostLimit},
		{Mode: ios.Config, Syntax: "[no] ip nat translation max-entries all-host (1-2147483647)$max",
			Help: base(false, helpAllHost, helpLimitCount), Run: n.cmdAllHostLimit},
		{Mode: ios.Config, Syntax: "no ip nat translation max-entries all-host",
			Help: base(true, helpAllHost), Run: n.cmdAllHostLimit},
		{Mode: ios.Config, Syntax: "[no] ip nat translation max-entries list " + list + " (1-2147483647)$max",
			Help: base(false, helpListLimit, helpLimitNum, helpLimitName, helpLimitCount), Run: n.cmdListLimit},
		{Mode: ios.Config, Syntax: "no ip nat translation max-entries list " + list,
			Help: base(true, helpListLimit, helpLimitNum, helpLimitName), Run: n.cmdListLimit},
	}
}

func (n *NAT) cmdHostLimit(c *ios.Context, a ios.Args) error {
	if a.No() {
		n.RemoveHostLimit(a.Addr("host"))
		return nil
	}
	n.SetHostLimit(a.Addr("host"), a.Int("max"))
	return nil
}

func (n *NAT) cmdAllHostLimit(c *ios.Context, a ios.Args) error {
	if a.No() {
		n.SetAllHostLimit(0)
		return nil
	}
	n.SetAllHostLimit(a.Int("max"))
	return nil
}

func (n *NAT) cmdListLimit(c *ios.Context, a ios.Args) error {
	if a.No() {
		n.RemoveListLimit(listArg(a))
		return nil
	}
	n.SetListLimit(listArg(a), a.Int("max"))
	return nil
}

// renderLimits writes the limit lines of the running-config: the table's,
// all-host, then host and list limits in configuration order. Caller
// holds mu.
func (n *NAT) renderLimits(w io.Writer) {
	if m := n.cfg.timeouts.MaxEntries; m > 0 {
		fmt.Fprintf(w, "ip nat translation max-entries %d\n", m)
	}
	l := &n.cfg.limits
	if l.allHost != nil {
		fmt.Fprintf(w, "ip nat translation max-entries all-host %d\n", l.allHost.max)
	}
	for _, a := range l.hostSeq {
		fmt.Fprintf(w, "ip nat translation max-entries host %s %d\n", netip.AddrFrom4(a), l.hosts[a].max)
	}
	for _, r := range l.lists {
		fmt.Fprintf(w, "ip nat translation max-entries list %s %d\n", r.list, r.max)
	}
}
