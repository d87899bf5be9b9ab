package nat

import (
	"net/netip"
	"time"

	"natlab/ios"
	"natlab/packet"
	"natlab/router"
)

// Register builds the NAT of a router: its hooks at the IOS order of
// operations, its commands, its running-config lines and the expiry timer.
// lists evaluates the source lists of `ip nat inside source list` (the
// router's access-lists); nil matches nothing.
func Register(e *ios.Engine, r *router.Router, lists ListEvaluator) *NAT {
	n := New(Options{
		Lists: lists,
		InterfaceIndex: func(name string) int {
			if i := r.Interface(name); i != nil {
				return i.Index()
			}
			return -1
		},
		InterfaceAddress: func(index int) netip.Addr { return r.AddressOf(index).Addr() },
	})
	n.SetLogger(e.Log)
	r.Attach(router.StageNATOutsideToInside, router.HookFunc(n.outsideToInside))
	r.Attach(router.StageNATInsideToOutside, router.HookFunc(n.insideToOutside))
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

// The hooks work on the router's decoded view of the packet (p.P), which
// the setters keep up to date: a packet is decoded once, by the router.

// outsideToInside translates, before routing, packets from an outside
// interface, and hairpins inside packets addressed to an inside-global
// address.
func (n *NAT) outsideToInside(p *router.Packet) router.Verdict {
	s := n.snap.Load()
	if !s.active || p.In == nil {
		return router.Accept
	}
	var res Result
	var before packet.Tuple
	debug := n.watched()
	if debug {
		before = p.P.Tuple() // what `debug ip nat` and the event stream show of it as it arrived
	}
	role := s.roleOf(p.In.Index())
	switch role {
	case RoleOutside:
		res = n.translate(p.Buf, &p.P, false, false, n.nowNano())
	case RoleInside:
		res = n.hairpin(p.Buf, &p.P)
	default:
		return router.Accept
	}
	return n.verdict(p, res, debug, &before, role == RoleInside)
}

// insideToOutside translates, after routing, packets from an inside
// interface that leave through an outside one. The router's own ICMP
// errors about translated flows are translated too, so that a time
// exceeded for an inbound packet never quotes an inside address.
func (n *NAT) insideToOutside(p *router.Packet) router.Verdict {
	s := n.snap.Load()
	if !s.active || p.Out == nil || s.roleOf(p.Out.Index()) != RoleOutside {
		return router.Accept
	}
	fromRouter := p.In == nil
	switch {
	case fromRouter && !p.P.IsICMPError():
		return router.Accept
	case !fromRouter && s.roleOf(p.In.Index()) != RoleInside:
		return router.Accept
	}
	var before packet.Tuple
	debug := n.watched()
	if debug {
		before = p.P.Tuple() // what `debug ip nat` and the event stream show of it as it arrived
	}
	res := n.translate(p.Buf, &p.P, true, fromRouter, n.nowNano())
	return n.verdict(p, res, debug, &before, true)
}

// watched reports whether `debug ip nat` is on or someone watches the
// event stream: only then is a packet's view before translation kept. It
// is small enough to inline, so the packet path pays two atomic loads.
func (n *NAT) watched() bool { return n.debug.Load() || n.events.Active() }

// verdict turns a result into the router's verdict and logs the packet
// for `debug ip nat`.
func (n *NAT) verdict(p *router.Packet, res Result, debug bool, before *packet.Tuple, fromInside bool) router.Verdict {
	switch res {
	case Drop:
		return router.Drop
	case Pass:
		return router.Accept
	}
	if debug {
		n.publishEvent(p, res, before)
		if !n.debug.Load() {
			return router.Accept
		}
		if n.detailed.Load() {
			n.log(detailedLine(fromInside, before, p.P.ID))
		}
		n.log(debugLine(res, before, &p.P))
	}
	return router.Accept
}
