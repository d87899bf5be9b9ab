package acl

import (
	"net/netip"

	"natlab/packet"
	"natlab/pktevent"
)

// SetEvents makes the access-groups publish their matches to b: the list,
// the line that matched and the verdict. Call it before traffic flows;
// nil publishes nothing. Lists evaluated for NAT or uRPF are not
// published: they select, they do not filter.
func (a *ACLs) SetEvents(b *pktevent.Bus) { a.log.events = b }

// publish sends the event of one filtered packet: rule i of c matched it
// (-1: the implicit deny) on its way in at iface, or, with outIface, out
// of that interface. The line is rendered only when the sampler lets
// the event through.
func (l *logger) publish(c *compiled, i int, p *packet.Parsed, iface, outIface string) {
	if !l.events.Admit() {
		return
	}
	e := pktevent.Event{Kind: pktevent.KindACL, In: iface, Out: outIface, List: c.name, Dir: "in", Action: "deny",
		Proto: p.IPProto.String()}
	if outIface != "" {
		e.Dir = "out"
	}
	e.Src, e.Dst = endpoints(p)
	if i >= 0 {
		r := &c.cls.rules[i]
		e.Rule = r.ShowText()
		e.Action = r.Action.String()
	}
	l.events.Send(e)
}

// endpoints are a packet's source and destination, port 0 when it has
// none.
func endpoints(p *packet.Parsed) (src, dst netip.AddrPort) {
	var sp, dp uint16
	if p.HasPorts() {
		sp, dp = p.SrcPort, p.DstPort
	}
	return netip.AddrPortFrom(p.Src, sp), netip.AddrPortFrom(p.Dst, dp)
}
