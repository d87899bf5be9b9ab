package nat

import "natlab/packet"

// ICMP error translation (RFC 5508 §4-§5). An error quotes the IP header
// and at least 8 bytes of the packet that caused it; NAT rewrites the
// outer addresses and, with the same translation, the quoted datagram
// (addresses, ports or identifier, and the quoted checksums, through the
// setters of its decoded view), then recomputes the ICMP checksum, which
// covers the quoted datagram. Errors are translated under NAT.mu: they are
// rare, and they never refresh or remove the session they are about
// (REQ-6).

// quoted checks an ICMP error (REQ-3: the ICMP checksum and the quoted IP
// header checksum must verify) and decodes the datagram it quotes into q.
// A fragmented error is refused too: its checksum cannot be verified, and
// an error is never legitimately fragmented.
func quoted(b []byte, p *packet.Parsed, q *packet.Parsed) ([]byte, bool) {
	if p.Frag != packet.NotFragment || !p.TransportChecksumOK(b) {
		return nil, false
	}
	qb, r := p.Quoted(b, q)
	if r != packet.OK || !packet.IPv4(qb).HeaderChecksumOK() {
		return nil, false
	}
	return qb, true
}

// icmpError translates an error from the outside about a packet that went
// out (REQ-4), or one from the inside about a packet that came in (REQ-5):
// an inside host's port unreachable, or, fromRouter, the router's own time
// exceeded about a translated inbound packet. An error about nothing NAT
// translated passes unchanged.
func (n *NAT) icmpError(b []byte, p *packet.Parsed, fromInside, fromRouter bool) Result {
	var q packet.Parsed
	qb, ok := quoted(b, p, &q)
	if !ok {
		return n.dropped(dropMalformed, fromInside)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	var src, dst [4]byte
	if keyed(&q) {
		// The quoted packet went the other way: its session is found by
		// the reverse of its tuple.
		if s := n.index(fromInside).get(q.Tuple().Reverse()); s != nil {
			if fromInside {
				rewrite(qb, &q, s.outGlobal, s.inGlobal)
				src, dst = n.errorOutAddrs(p, s, fromRouter)
			} else {
				rewrite(qb, &q, s.inLocal, s.outLocal)
				src, dst = n.errorInAddrs(p, s)
			}
			return n.finishError(b, p, src, dst)
		}
	}
	if fromInside {
		src, dst, ok = n.addrErrorOut(p, qb, &q, fromRouter)
	} else {
		src, dst, ok = n.addrErrorIn(p, qb, &q)
	}
	if !ok {
		return Pass
	}
	return n.finishError(b, p, src, dst)
}

// errorInAddrs are the outer addresses of an error from the outside about
// session s: its sender as the inside knows it, and the inside host when
// the error is addressed to its global address.
func (n *NAT) errorInAddrs(p *packet.Parsed, s *Session) (src, dst [4]byte) {
	src, dst = p.Src.As4(), p.Dst.As4()
	if src == s.outGlobal.addr {
		src = s.outLocal.addr
	} else {
		src, _ = n.outsideToLocal(src)
	}
	if dst == s.inGlobal.addr {
		dst = s.inLocal.addr
	}
	return src, dst
}

// errorOutAddrs are the outer addresses of an error from the inside about
// session s. Its sender never shows an inside address (REQ-5c): the inside
// host its own global address, an inside router its global address or
// else the session's; the router's own address is already what the
// outside knows.
func (n *NAT) errorOutAddrs(p *packet.Parsed, s *Session, fromRouter bool) (src, dst [4]byte) {
	src, dst = p.Src.As4(), p.Dst.As4()
	switch {
	case src == s.inLocal.addr:
		src = s.inGlobal.addr
	case fromRouter:
	default:
		if g, _, ok := n.addressGlobal(src); ok {
			src = g
		} else {
			src = s.inGlobal.addr
		}
	}
	if dst == s.outLocal.addr {
		dst = s.outGlobal.addr
	}
	return src, dst
}

// addrErrorIn translates an error from the outside about a packet an
// address-only translation (static or `---` binding) sent: the quoted
// source is an inside global address.
func (n *NAT) addrErrorIn(p *packet.Parsed, qb []byte, q *packet.Parsed) (src, dst [4]byte, ok bool) {
	t := q.Tuple()
	local, _, ok := n.addressLocal(t.Src)
	if !ok {
		return src, dst, false
	}
	rewrite(qb, q, endpoint{local, t.SrcPort}, endpoint{t.Dst, t.DstPort})
	src, _ = n.outsideToLocal(p.Src.As4())
	if dst = p.Dst.As4(); dst == t.Src {
		dst = local
	}
	return src, dst, true
}

// addrErrorOut translates an error from the inside about a packet an
// address-only translation let in: the quoted destination is an inside
// local address.
func (n *NAT) addrErrorOut(p *packet.Parsed, qb []byte, q *packet.Parsed, fromRouter bool) (src, dst [4]byte, ok bool) {
	t := q.Tuple()
	g, _, ok := n.addressGlobal(t.Dst)
	if !ok {
		return src, dst, false
	}
	og, _ := n.outsideToGlobal(t.Src)
	rewrite(qb, q, endpoint{og, t.SrcPort}, endpoint{g, t.DstPort})
	src = p.Src.As4()
	if src == t.Dst {
		src = g
	} else if gs, _, ok := n.addressGlobal(src); ok && !fromRouter {
		src = gs
	}
	dst, _ = n.outsideToGlobal(p.Dst.As4())
	return src, dst, true
}

// finishError sets the outer addresses and recomputes the ICMP checksum
// (it covers the quoted datagram, which changed).
func (n *NAT) finishError(b []byte, p *packet.Parsed, src, dst [4]byte) Result {
	rewrite(b, p, endpoint{addr: src}, endpoint{addr: dst})
	p.SetTransportChecksum(b)
	n.hits.Add(1)
	return Hit
}
