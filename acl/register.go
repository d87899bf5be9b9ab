package acl

import (
	"natlab/ios"
	"natlab/router"
)

// Register creates the access-list feature of a router: its commands in e,
// its running-config sections, and its input and output access-group
// stages in r (r may be nil for a CLI without a data plane).
func Register(e *ios.Engine, r *router.Router) *ACLs {
	o := Options{Log: e.Log}
	if r != nil {
		o.IfIndex = func(name string) int {
			if i := r.Interface(name); i != nil {
				return i.Index()
			}
			return -1
		}
	}
	a := New(o)
	a.installCLI(e)
	a.installLogging(e)
	e.AddConfigSection(ios.OrderNamedACL, a.renderNamed)
	e.AddConfigSection(ios.OrderACL, a.renderNumbered)
	if r != nil {
		r.Attach(router.StageInputACL, accessGroup{a, false})
		r.Attach(router.StageOutputACL, accessGroup{a, true})
	}
	return a
}

// accessGroup runs the `ip access-group NAME in` list of the receiving
// interface (forwarded packets and packets to the router alike) or the
// `ip access-group NAME out` list of the sending one. As on IOS, packets
// the router originates are not filtered, and a packet an earlier stage
// marked router.MarkPermit (inspected return traffic, an FTP pinhole)
// passes both.
type accessGroup struct {
	a   *ACLs
	out bool
}

func (h accessGroup) Process(p *router.Packet) router.Verdict {
	if p.In == nil || p.Mark&router.MarkPermit != 0 {
		return router.Accept
	}
	s := h.a.snap.Load()
	lists, iface := s.in, p.In
	if h.out {
		lists, iface = s.out, p.Out
	}
	if iface == nil {
		return router.Accept
	}
	i := iface.Index()
	if i < 0 || i >= len(lists) || lists[i] == nil {
		return router.Accept
	}
	c := lists[i].published.Load()
	if c == nil { // bound to a list that does not exist
		return router.Accept
	}
	return h.a.filter(s, c, p, h.out)
}

// filter applies a list to a packet. A denied packet is answered with an
// ICMP administratively-prohibited unreachable (the router rate-limits
// them) unless the receiving interface has `no ip unreachables`: the
// unreachable would go back out of it.
func (a *ACLs) filter(s *snapshot, c *compiled, p *router.Packet, out bool) router.Verdict {
	var outIface string
	if out && a.log.events.Active() {
		outIface = p.Out.Name()
	}
	if c.eval(&p.P, a.log, p.In.Name(), outIface) {
		return router.Accept
	}
	if i := p.In.Index(); i >= 0 && i < len(s.noUnreach) && s.noUnreach[i] {
		return router.Drop
	}
	return router.DropProhibited
}
