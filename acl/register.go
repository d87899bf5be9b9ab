package acl

import (
	"natlab/ios"
	"natlab/packet"
	"natlab/router"
)

// Hook orders: the input ACL runs before NAT's pre-routing translation and
// the output ACL after NAT's post-routing one (IOS order of operations),
// so an inbound list on the outside interface sees global addresses.
const (
	HookOrderInput  = 100
	HookOrderOutput = 100
)

// MarkPermit is router.MarkPermit, the Packet.Mark bit with which a
// stage that runs before the access-lists lets a packet pass them.
const MarkPermit = router.MarkPermit

// FlowFromParsed takes the fields access-lists compare from a decoded
// packet; layer-4 fields stay zero when the packet does not carry them.
func FlowFromParsed(p *packet.Parsed) Flow {
	f := Flow{Proto: uint8(p.IPProto), Src: p.Src, Dst: p.Dst, Fragment: p.Frag == packet.LaterFragment}
	if p.HasPorts() {
		f.SrcPort, f.DstPort = p.SrcPort, p.DstPort
		if p.IPProto == packet.ProtoTCP {
			f.TCPFlags = p.TCPFlags
		}
	}
	if p.HasICMP() {
		f.ICMPType, f.ICMPCode = p.ICMPType, p.ICMPCode
	}
	return f
}

// Register creates the access-list feature of a router: its commands in e,
// its running-config sections, and its input and output hooks in r (r may
// be nil for a CLI without a data plane).
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
		r.AddHook(router.HookInput, HookOrderInput, inputHook{a})
		r.AddHook(router.HookOutput, HookOrderOutput, outputHook{a})
	}
	return a
}

// inputHook runs the `ip access-group NAME in` list of the receiving
// interface, for forwarded packets and packets to the router alike.
type inputHook struct{ a *ACLs }

func (h inputHook) Process(p *router.Packet) router.Verdict {
	if p.In == nil || p.Mark&MarkPermit != 0 {
		return router.Accept
	}
	s := h.a.snap.Load()
	i := p.In.Index()
	if i < 0 || i >= len(s.in) || s.in[i] == nil {
		return router.Accept
	}
	return h.a.filter(s, s.in[i], p)
}

// outputHook runs the `ip access-group NAME out` list of the sending
// interface. As on IOS, packets the router originates are not filtered.
type outputHook struct{ a *ACLs }

func (h outputHook) Process(p *router.Packet) router.Verdict {
	if p.In == nil || p.Out == nil || p.Mark&MarkPermit != 0 {
		return router.Accept
	}
	s := h.a.snap.Load()
	i := p.Out.Index()
	if i < 0 || i >= len(s.out) || s.out[i] == nil {
		return router.Accept
	}
	return h.a.filter(s, s.out[i], p)
}

// filter applies a list to a packet. A denied packet is answered with an
// ICMP administratively-prohibited unreachable (the router rate-limits
// them) unless the receiving interface has `no ip unreachables`: the
// unreachable would go back out of it.
func (a *ACLs) filter(s *snapshot, c *compiled, p *router.Packet) router.Verdict {
	f := FlowFromParsed(&p.P)
	if c.eval(&f, a.log, p.In.Name()) {
		return router.Accept
	}
	if i := p.In.Index(); i >= 0 && i < len(s.noUnreach) && s.noUnreach[i] {
		return router.Drop
	}
	return router.DropProhibited
}
