package router

import "natlab/packet"

// Unicast reverse path forwarding (IOS `ip verify unicast source
// reachable-via`, RFC 3704): a packet is accepted only when the router
// would route a reply to its source back out through the interface it came
// in on (strict mode, rx), or through any interface (loose mode, any). It
// drops packets with spoofed sources at the edge. The check reads only the
// snapshot's FIB and allocates nothing.

// VerifyMode is the uRPF mode of an interface.
type VerifyMode uint8

const (
	// VerifyOff: no check (the default).
	VerifyOff VerifyMode = iota
	// VerifyRx: strict mode; the source must be reachable via the
	// receiving interface.
	VerifyRx
	// VerifyAny: loose mode; the source must be reachable via some
	// interface.
	VerifyAny
)

// VerifySource is an interface's `ip verify unicast source reachable-via`
// setting.
type VerifySource struct {
	Mode VerifyMode
	// AllowDefault lets the default route match a source (`allow-default`);
	// without it a source only the default route covers fails.
	AllowDefault bool
	// ACL names the access list that packets failing the check are
	// matched against: a permit forwards them (counted as suppressed
	// drops), a deny or a list that does not exist drops them.
	ACL string
}

// ACLEvaluator evaluates a named or numbered access list for a packet,
// without allocating or locking (acl.ACLs.Evaluate).
type ACLEvaluator func(name string, p *packet.Parsed) (permit, found bool)

// SetACLEvaluator gives the router the access lists that `ip verify unicast
// source ... ACL` names.
func (r *Router) SetACLEvaluator(eval ACLEvaluator) {
	r.configure(func() { r.aclEval = eval })
}

// SetVerifySource sets `ip verify unicast source reachable-via`; a zero
// VerifySource is `no ip verify unicast source reachable-via`.
func (i *Interface) SetVerifySource(v VerifySource) {
	i.r.configure(func() { i.verify = v })
}

// VerifySource returns the uRPF setting.
func (i *Interface) VerifySource() VerifySource {
	return locked(i, func() VerifySource { return i.verify })
}

// VerifyCounters are the uRPF counters of show ip interface.
type VerifyCounters struct {
	// Drops counts packets dropped because their source failed the check.
	Drops uint64
	// Suppressed counts packets that failed the check and that the ACL
	// let through.
	Suppressed uint64
}

// VerifyCounters reads the interface's uRPF counters.
func (i *Interface) VerifyCounters() VerifyCounters {
	return VerifyCounters{Drops: i.c.verifyDrops.Load(), Suppressed: i.c.verifySuppressed.Load()}
}

// sourceVerified runs the uRPF check of the interface st for p, counting
// what it drops or lets through by the ACL.
func (r *Router) sourceVerified(s *snapshot, st *ifaceState, p *Packet) bool {
	v := &st.verify
	if isBootRequest(&p.P) {
		return true // a DHCP client has no address yet, as IOS exempts it
	}
	e, ok := s.fib.lookup(p.P.Src)
	if ok && e.kind == fibForward && (v.Mode == VerifyAny || int(e.out) == st.iface.index) &&
		(v.AllowDefault || e.rib < 0 || s.rib[e.rib].Prefix.Bits() != 0) {
		return true
	}
	if v.ACL != "" && s.aclEval != nil {
		if permit, found := s.aclEval(v.ACL, &p.P); permit && found {
			st.iface.c.verifySuppressed.Add(1)
			return true
		}
	}
	st.iface.c.verifyDrops.Add(1)
	return false
}
