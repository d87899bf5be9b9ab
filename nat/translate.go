package nat

import "net/netip"

// Result says what NAT did with a packet.
type Result uint8

const (
	Pass    Result = iota // nothing to translate: forward unchanged
	Hit                   // translated by an existing translation
	Created               // translated by a translation created for it (an IOS "miss")
	Drop                  // must not be forwarded: no translation could be made (pool exhausted, max-entries, PAT without ports) or malformed
)

// Outbound translates a packet going from an inside interface to an
// outside one (IOS: after routing). b is the whole IPv4 packet; it is
// rewritten in place.
func (n *NAT) Outbound(b []byte) Result {
	var f flow
	if !decode(b, &f) {
		return Drop
	}
	return n.outbound(b, &f, n.nowNano())
}

// Inbound translates a packet that arrived on an outside interface
// (IOS: before routing).
func (n *NAT) Inbound(b []byte) Result {
	var f flow
	if !decode(b, &f) {
		return Drop
	}
	return n.inbound(b, &f, n.nowNano())
}

// Hairpin translates a packet from an inside interface whose destination is
// an inside-global address of this router: the packet is translated as if
// it left through an outside interface and came back in (RFC 4787 REQ-9,
// "external source IP address and port"). It reports Pass when the
// destination is not an inside global.
func (n *NAT) Hairpin(b []byte) Result {
	var f flow
	if !decode(b, &f) {
		return Drop
	}
	return n.hairpin(b, &f, n.nowNano())
}

func (n *NAT) hairpin(b []byte, f *flow, now int64) Result {
	s := n.snap.Load()
	if !s.active || f.kind == kindICMPError {
		return Pass // errors about hairpinned flows are not translated (documented)
	}
	if !n.isGlobal(s, f.dst) {
		// The reply of a hairpinned flow whose client was not translated
		// comes back addressed to the client's own address.
		if n.hairpins.Load() == 0 || (f.kind != kindPorts && f.kind != kindQuery) {
			return Pass
		}
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		if ss := n.in.get(&k); ss == nil || !ss.hairpin.Load() {
			return Pass
		}
		return n.outbound(b, f, now)
	}
	if !n.comesBackIn(f, now) {
		return Pass // e.g. a ping to the router's own outside address
	}
	r1 := n.outbound(b, f, now)
	if r1 == Drop {
		return Drop
	}
	r2 := n.inbound(b, f, now)
	if r2 == Drop {
		return Drop
	}
	if r2 == Pass {
		return r1
	}
	if k := (Key{f.dst, f.src, f.dport, f.sport, f.proto}); f.kind == kindPorts || f.kind == kindQuery {
		// The session that made the inbound half is marked, for show.
		if ss := n.in.get(&k); ss != nil && !ss.hairpin.Swap(true) {
			n.hairpins.Add(1)
		}
	}
	if r1 == Created || r2 == Created {
		return Created
	}
	return Hit
}

// comesBackIn reports whether a packet from the inside to an inside-global
// address would be translated back in: an existing hairpinned flow, or a
// static or dynamic mapping of its destination. Only then is its source
// translated; otherwise it goes on untouched (to the router itself, say).
func (n *NAT) comesBackIn(f *flow, now int64) bool {
	if f.kind == kindPorts || f.kind == kindQuery {
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		if s := n.in.get(&k); s != nil {
			post := Key{s.inGlobal.addr, s.outGlobal.addr, s.inGlobal.port, s.outGlobal.port, s.proto}
			if n.out.get(&post) != nil {
				return true
			}
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	b, _ := n.insideIn(f, f.src, now)
	return b != nil
}

func (n *NAT) outbound(b []byte, f *flow, now int64) Result {
	switch f.kind {
	case kindPorts, kindQuery:
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		s := n.in.get(&k)
		res := Hit
		if s == nil {
			s, res = n.newOutbound(f, now)
			if s == nil {
				return res
			}
		} else {
			n.hits.Add(1)
		}
		pre := fragKey{f.src, f.dst, f.ipid, f.proto}
		rewriteHeaders(b, f, s.inGlobal.addr, s.inGlobal.port, s.outGlobal.addr, s.outGlobal.port)
		n.touch(s, f, true, now)
		if f.first {
			n.frags.add(pre, f.src, f.dst, now)
		}
		return res
	case kindICMPError:
		return n.icmpErrorOut(b, f)
	case kindLaterFrag:
		if src, dst, ok := n.frags.get(fragKey{f.src, f.dst, f.ipid, f.proto}, now); ok {
			rewriteHeaders(b, f, src, 0, dst, 0)
			n.hits.Add(1)
			return Hit
		}
		return n.addrOnlyOut(b, f, now)
	default:
		return n.addrOnlyOut(b, f, now)
	}
}

func (n *NAT) inbound(b []byte, f *flow, now int64) Result {
	switch f.kind {
	case kindPorts, kindQuery:
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		s := n.out.get(&k)
		res := Hit
		if s == nil {
			s, res = n.newInbound(f, now)
			if s == nil {
				return res
			}
		} else {
			n.hits.Add(1)
		}
		pre := fragKey{f.src, f.dst, f.ipid, f.proto}
		rewriteHeaders(b, f, s.outLocal.addr, s.outLocal.port, s.inLocal.addr, s.inLocal.port)
		n.touch(s, f, false, now)
		if f.first {
			n.frags.add(pre, f.src, f.dst, now)
		}
		return res
	case kindICMPError:
		return n.icmpErrorIn(b, f)
	case kindLaterFrag:
		if src, dst, ok := n.frags.get(fragKey{f.src, f.dst, f.ipid, f.proto}, now); ok {
			rewriteHeaders(b, f, src, 0, dst, 0)
			n.hits.Add(1)
			return Hit
		}
		return n.addrOnlyIn(b, f, now)
	default:
		return n.addrOnlyIn(b, f, now)
	}
}

// touch refreshes a session's timer and follows the TCP state.
func (n *NAT) touch(s *Session, f *flow, fromInside bool, now int64) {
	if s.lastUsed.Load() != now {
		s.lastUsed.Store(now)
	}
	if f.proto == ProtoTCP && f.kind == kindPorts {
		st := s.tcpState.Load()
		if nst := nextTCPState(st, f.tcpFlags, fromInside == s.outbound); nst != st {
			s.tcpState.CompareAndSwap(st, nst)
		}
	}
}

func (f *flow) aclFlow() Flow {
	return Flow{
		Proto:    f.proto,
		Src:      addrFrom(f.src),
		Dst:      addrFrom(f.dst),
		SrcPort:  f.sport,
		DstPort:  f.dport,
		ICMPType: f.icmpType,
		TCPFlags: f.tcpFlags,
		Fragment: f.kind == kindLaterFrag,
	}
}

// permits evaluates a mapping's source list; a missing list matches nothing.
func (n *NAT) permits(list string, f *flow) bool {
	if n.lists == nil {
		return false
	}
	af := f.aclFlow()
	ok, found := n.lists.Evaluate(list, &af)
	return ok && found
}

// addrOnlyOut translates only addresses: protocols without ports,
// ICMP types that are neither queries nor errors, later fragments whose
// first fragment was not seen.
func (n *NAT) addrOnlyOut(b []byte, f *flow, now int64) Result {
	if !n.snap.Load().active {
		return Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	src := f.src
	var bind *Binding
	res := Hit
	for _, r := range n.cfg.statics {
		if r.Proto == 0 && addr4(r.Local) == f.src {
			if g, ok := n.staticGlobal(r); ok {
				src, bind = g, r.binding
			}
			break
		}
	}
	if bind == nil {
		if bb := n.simpleByLocal[f.src]; bb != nil {
			src, bind = bb.global.addr, bb
		}
	}
	patAddr := false
	if bind == nil {
		for _, m := range n.cfg.mappings {
			if !n.permits(m.List, f) {
				continue
			}
			if m.Overload || m.Pool == "" {
				// A later fragment that came before its first one needs
				// only the address, and PAT on an interface (or a one-address
				// pool) has one: the one the first fragment will get.
				if g, ok := n.patAddress(m); ok && f.kind == kindLaterFrag {
					src, patAddr = g, true
					break
				}
				n.misses.Add(1)
				return Drop // would leak the inside address
			}
			n.misses.Add(1)
			bb := n.newSimpleBinding(m, f.src, now)
			if bb == nil {
				return Drop
			}
			src, bind, res = bb.global.addr, bb, Created
			break
		}
	}
	dst, outside := n.outsideByLocal(f.dst)
	if bind == nil && !outside && !patAddr {
		return Pass
	}
	if bind != nil {
		bind.lastUsed.Store(now)
	}
	if res == Hit {
		n.hits.Add(1)
	}
	rewriteHeaders(b, f, src, f.sport, dst, f.dport)
	return res
}

// patAddress is the only global address an overload mapping can give: its
// interface's, or that of a one-address pool. Caller holds mu.
func (n *NAT) patAddress(m *mapping) (uint32, bool) {
	if m.Interface != "" {
		if a := n.ifAddr(m.Interface); a.Is4() {
			return addr4(a), true
		}
		return 0, false
	}
	if p := n.cfg.pool(m.Pool); p != nil && p.start == p.end {
		return p.start, true
	}
	return 0, false
}

func (n *NAT) addrOnlyIn(b []byte, f *flow, now int64) Result {
	if sn := n.snap.Load(); !sn.active || (!sn.outside && !n.isGlobal(sn, f.dst)) {
		return Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	dst := f.dst
	var bind *Binding
	for _, r := range n.cfg.statics {
		if r.Proto == 0 {
			if g, ok := n.staticGlobal(r); ok && g == f.dst {
				dst, bind = addr4(r.Local), r.binding
				break
			}
		}
	}
	if bind == nil {
		if bb := n.simpleByGlobal[f.dst]; bb != nil {
			dst, bind = bb.local.addr, bb
		}
	}
	src, outside := n.outsideByGlobal(f.src)
	if bind == nil && !outside {
		return Pass
	}
	if bind != nil {
		bind.lastUsed.Store(now)
	}
	n.hits.Add(1)
	rewriteHeaders(b, f, src, f.sport, dst, f.dport)
	return Hit
}

// addrPort is the endpoint as a netip value, for the exported API.
func (e endpoint) addrPort() netip.AddrPort { return netip.AddrPortFrom(addrFrom(e.addr), e.port) }
