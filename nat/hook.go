package nat

import (
	"net/netip"
	"time"

	"natlab/acl"
	"natlab/ios"
	"natlab/packet"
	"natlab/router"
)

// Hook orders: NAT runs after the input ACL (100) in PreRouting and
// before anything else in PostRouting, so the output ACL sees global
// addresses (DESIGN.md, IOS order of operations).
const (
	HookOrder = 200
)

// aclLists adapts acl.ACLs to ListEvaluator.
type aclLists struct{ a *acl.ACLs }

func (l aclLists) Evaluate(list string, f *Flow) (bool, bool) {
	p := packet.Parsed{IPProto: packet.Proto(f.Proto), Src: f.Src, Dst: f.Dst, SrcPort: f.SrcPort, DstPort: f.DstPort,
		ICMPType: f.ICMPType, TCPFlags: f.TCPFlags}
	if f.Fragment {
		p.Frag = packet.LaterFragment
	}
	return l.a.Evaluate(list, &p)
}

// Register builds the NAT of a router: its hooks at the IOS order of
// operations, its commands, its running-config lines and the expiry timer.
func Register(e *ios.Engine, r *router.Router, acls *acl.ACLs) *NAT {
	o := Options{
		InterfaceAddr: func(name string) netip.Addr {
			if i := r.Interface(name); i != nil {
				return i.Address().Addr()
			}
			return netip.Addr{}
		},
		InterfaceIndex: func(name string) int {
			if i := r.Interface(name); i != nil {
				return i.Index()
			}
			return -1
		},
	}
	if acls != nil {
		o.Lists = aclLists{acls}
	}
	n := New(o)
	n.SetLogger(e.Log)
	n.router = r
	r.AddHook(router.HookPreRouting, HookOrder, router.HookFunc(n.preRouting))
	r.AddHook(router.HookPostRouting, HookOrder, router.HookFunc(n.postRouting))
	n.installCLI(e)
	n.stop = make(chan struct{})
	go n.Run(time.Second/sweepParts, n.stop)
	return n
}

// Close stops the expiry timer.
func (n *NAT) Close() {
	n.mu.Lock()
	stop := n.stop
	n.stop = nil
	n.mu.Unlock()
	if stop != nil {
		close(stop)
	}
}

// SetClock replaces the clock (tests drive the timers with it).
func (n *NAT) SetClock(f func() time.Time) { n.clock.Store(&f) }

func (n *NAT) role(i *router.Interface) Role {
	if i == nil {
		return RoleNone
	}
	return n.roleByIndex(i.Index())
}

// preRouting translates outside-to-inside before routing, and hairpins
// inside packets addressed to an inside-global address.
func (n *NAT) preRouting(p *router.Packet) router.Verdict {
	if !n.snap.Load().active || p.In == nil {
		return router.Accept
	}
	var f flow
	if !decode(p.Buf, &f) {
		return router.Accept // the router's own checks deal with it
	}
	old := f
	var res Result
	switch n.role(p.In) {
	case RoleOutside:
		res = n.inbound(p.Buf, &f, n.nowNano())
	case RoleInside:
		res = n.hairpin(p.Buf, &f, n.nowNano())
	default:
		return router.Accept
	}
	return n.finish(p, res, &old, &f, n.role(p.In) == RoleInside)
}

// postRouting translates inside-to-outside after routing. Router-originated
// ICMP errors about translated flows are translated too, so that a time
// exceeded for an inbound packet never quotes an inside address.
func (n *NAT) postRouting(p *router.Packet) router.Verdict {
	if !n.snap.Load().active || p.Out == nil || n.role(p.Out) != RoleOutside {
		return router.Accept
	}
	var f flow
	if p.In == nil {
		if !decode(p.Buf, &f) || f.kind != kindICMPError {
			return router.Accept
		}
		f.fromRouter = true
	} else if n.role(p.In) != RoleInside || !decode(p.Buf, &f) {
		return router.Accept
	}
	old := f
	res := n.outbound(p.Buf, &f, n.nowNano())
	return n.finish(p, res, &old, &f, true)
}

// finish brings the decoded view up to date and logs for `debug ip nat`.
func (n *NAT) finish(p *router.Packet, res Result, old, f *flow, fromInside bool) router.Verdict {
	switch res {
	case Drop:
		return router.Drop
	case Pass:
		return router.Accept
	}
	if f.src != old.src {
		p.P.Src = addrFrom(f.src)
	}
	if f.dst != old.dst {
		p.P.Dst = addrFrom(f.dst)
	}
	switch f.kind {
	case kindPorts:
		p.P.SrcPort, p.P.DstPort = f.sport, f.dport
	case kindQuery:
		p.P.ICMPID = f.sport
	}
	if n.debug.Load() {
		if n.detailed.Load() {
			n.log(detailedLine(fromInside, old))
		}
		n.log(debugLine(res, old.src, f.src, old.dst, f.dst, f.ipid))
	}
	return router.Accept
}
