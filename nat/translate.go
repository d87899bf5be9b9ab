package nat

import (
	"net/netip"

	"natlab/packet"
)

// Result says what NAT did with a packet.
type Result uint8

const (
	Pass    Result = iota // nothing to translate: forward unchanged
	Hit                   // translated by an existing translation
	Created               // translated by a translation created for it (an IOS "miss")
	Drop                  // must not be forwarded: no translation could be made (pool exhausted, max-entries, PAT without ports) or malformed
)

// The packet path works on the router's decoded view of the packet
// (packet.Parsed) and rewrites it with its setters, which keep the
// checksums right incrementally (RFC 1624) and the view up to date. The
// exported entry points below decode a byte slice once and call the same
// code; a packet the router's decoder rejects is dropped.

// Outbound translates a packet going from an inside interface to an
// outside one (IOS: after routing). b is the whole IPv4 packet; it is
// rewritten in place.
func (n *NAT) Outbound(b []byte) Result {
	var p packet.Parsed
	if p.Decode(b) != packet.OK {
		return n.dropped(dropMalformed, true)
	}
	return n.translate(b, &p, true, false, n.nowNano())
}

// Inbound translates a packet that arrived on an outside interface
// (IOS: before routing).
func (n *NAT) Inbound(b []byte) Result {
	var p packet.Parsed
	if p.Decode(b) != packet.OK {
		return n.dropped(dropMalformed, false)
	}
	return n.translate(b, &p, false, false, n.nowNano())
}

// Hairpin translates a packet from an inside interface whose destination is
// an inside-global address of this router: the packet is translated as if
// it left through an outside interface and came back in (RFC 4787 REQ-9,
// "external source IP address and port"). It reports Pass when the
// destination is not an inside global.
func (n *NAT) Hairpin(b []byte) Result {
	var p packet.Parsed
	if p.Decode(b) != packet.OK {
		return n.dropped(dropMalformed, true)
	}
	return n.hairpin(b, &p)
}

// keyed reports whether a packet belongs to a flow NAT keeps a session
// for: TCP and UDP with ports, ICMP queries (the identifier is the port).
func keyed(p *packet.Parsed) bool { return p.HasPorts() || p.IsICMPQuery() }

// translate translates a packet from the inside (fromInside) or from the
// outside. fromRouter marks an ICMP error the router itself sends.
func (n *NAT) translate(b []byte, p *packet.Parsed, fromInside, fromRouter bool, now int64) Result {
	switch {
	case keyed(p):
		return n.flow(b, p, fromInside, now)
	case p.IsICMPError():
		return n.icmpError(b, p, fromInside, fromRouter)
	case p.Frag == packet.LaterFragment && n.laterFragment(b, p, now):
		return Hit
	case fromInside:
		return n.addrOnlyOut(b, p, now)
	default:
		return n.addrOnlyIn(b, p, now)
	}
}

// flow translates a packet of a keyed flow by its session, made for it
// when the flow is new.
func (n *NAT) flow(b []byte, p *packet.Parsed, fromInside bool, now int64) Result {
	k := p.Tuple()
	s := n.index(fromInside).lookup(&k)
	res := Hit
	switch {
	case s != nil:
		n.hits.Add(1)
	case !fromInside && !n.mayTranslateIn(p):
		return Pass
	default:
		if s, res = n.newSession(p, fromInside, now); s == nil {
			return res
		}
	}
	var pre fragKey // a first fragment's datagram, for the later fragments
	first := p.Frag == packet.FirstFragment
	if first {
		pre = fragKeyOf(p)
	}
	if fromInside {
		rewrite(b, p, s.inGlobal, s.outGlobal)
	} else {
		rewrite(b, p, s.outLocal, s.inLocal)
	}
	n.touch(s, p, fromInside, now)
	if first {
		n.frags.add(pre, p.Src.As4(), p.Dst.As4(), now)
	}
	return res
}

// rewrite gives a packet (or the datagram quoted in an ICMP error) the
// source src and destination dst: addresses, and ports or the ICMP
// identifier where the packet has them. For an ICMP query both endpoints
// carry the identifier; the one that differs from the packet's wins.
func rewrite(b []byte, p *packet.Parsed, src, dst endpoint) {
	if a := netip.AddrFrom4(src.addr); a != p.Src {
		p.SetSrcAddr(b, a)
	}
	if a := netip.AddrFrom4(dst.addr); a != p.Dst {
		p.SetDstAddr(b, a)
	}
	switch {
	case p.HasPorts():
		if src.port != p.SrcPort {
			p.SetSrcPort(b, src.port)
		}
		if dst.port != p.DstPort {
			p.SetDstPort(b, dst.port)
		}
	case p.IsICMPQuery():
		id := src.port
		if id == p.ICMPID {
			id = dst.port
		}
		if id != p.ICMPID {
			p.SetICMPID(b, id)
		}
	}
}

// touch refreshes a session's timer and follows the TCP state.
func (n *NAT) touch(s *Session, p *packet.Parsed, fromInside bool, now int64) {
	if s.lastUsed.Load() != now {
		s.lastUsed.Store(now)
	}
	orig := fromInside == s.outbound
	if !orig && !s.replied.Load() {
		s.replied.Store(true)
	}
	if p.IPProto == packet.ProtoTCP && p.HasPorts() {
		st := s.tcpState.Load()
		if nst := nextTCPState(st, p.TCPFlags, orig); nst != st {
			s.tcpState.CompareAndSwap(st, nst)
		}
	}
}

// laterFragment translates a fragment without ports with the addresses
// its first fragment got.
func (n *NAT) laterFragment(b []byte, p *packet.Parsed, now int64) bool {
	src, dst, ok := n.frags.get(fragKeyOf(p), now)
	if !ok {
		return false
	}
	rewrite(b, p, endpoint{addr: src}, endpoint{addr: dst})
	n.hits.Add(1)
	return true
}

// hairpin translates a packet from the inside whose destination is an
// inside-global address: out, then back in. Every packet from the inside
// asks, so the answer for the others (not to a global address, no
// hairpinned flow) takes no lock and does not read the clock.
func (n *NAT) hairpin(b []byte, p *packet.Parsed) Result {
	s := n.snap.Load()
	if !s.active || p.IsICMPError() {
		return Pass // errors about hairpinned flows are not translated (documented)
	}
	if !n.isGlobal(s, p.Dst.As4()) {
		return n.hairpinReply(b, p)
	}
	now := n.nowNano()
	if !n.comesBackIn(p, now) {
		return Pass // e.g. a ping to the router's own outside address
	}
	r1 := n.translate(b, p, true, false, now)
	if r1 == Drop {
		return Drop
	}
	r2 := n.translate(b, p, false, false, now)
	switch {
	case r2 == Drop:
		return Drop
	case r2 == Pass:
		return r1
	}
	if keyed(p) {
		// The session that made the inbound half is marked, for show.
		if ss := n.in.get(p.Tuple().Reverse()); ss != nil && !ss.hairpin.Load() && !ss.hairpin.Swap(true) {
			n.hairpins.Add(1)
		}
	}
	if r1 == Created || r2 == Created {
		return Created
	}
	return Hit
}

// hairpinReply translates the reply of a hairpinned flow whose client was
// not translated: it comes back addressed to the client's own address.
func (n *NAT) hairpinReply(b []byte, p *packet.Parsed) Result {
	if n.hairpins.Load() == 0 || !keyed(p) {
		return Pass
	}
	if ss := n.in.get(p.Tuple()); ss == nil || !ss.hairpin.Load() {
		return Pass
	}
	return n.translate(b, p, true, false, n.nowNano())
}

// comesBackIn reports whether a packet from the inside to an inside-global
// address would be translated back in: an existing hairpinned flow, or a
// static or dynamic mapping of its destination. Only then is its source
// translated; otherwise it goes on untouched (to the router itself, say).
func (n *NAT) comesBackIn(p *packet.Parsed, now int64) bool {
	if keyed(p) {
		if s := n.in.get(p.Tuple()); s != nil {
			post := packet.Tuple{Src: s.inGlobal.addr, Dst: s.outGlobal.addr, SrcPort: s.inGlobal.port, DstPort: s.outGlobal.port, Proto: s.proto}
			if n.out.get(post) != nil {
				return true
			}
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	b, _ := n.insideIn(p, p.Src.As4(), now)
	return b != nil
}
