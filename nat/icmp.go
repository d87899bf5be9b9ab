package nat

// ICMP error translation (RFC 5508 §4-§5). An error quotes the IP header
// and at least 8 bytes of the packet that caused it; NAT rewrites the
// outer addresses and the quoted header with the same translation, and
// the quoted transport checksum and ports, so the host that receives the
// error recognises its own packet.

// inner is the quoted packet of an ICMP error.
type inner struct {
	off          int // offset of the quoted IP header in the packet
	ihl          int
	n            int // bytes quoted (from off)
	proto        uint8
	src, dst     uint32
	sport, dport uint16 // ports or, for a quoted ICMP query, the identifier twice
	ports        bool
}

// parseInner checks an ICMP error (REQ-3: ICMP checksum, quoted IP header
// checksum; IP options of the quoted packet skipped) and reads the
// quoted packet.
func parseInner(b []byte, f *flow) (inner, bool) {
	icmp := b[f.l4:f.end]
	if checksum(icmp) != 0 || len(icmp) < 8+ipMinLen {
		return inner{}, false
	}
	q := icmp[8:]
	if q[0]>>4 != 4 {
		return inner{}, false
	}
	ihl := int(q[0]&0x0f) * 4
	if ihl < ipMinLen || len(q) < ihl || checksum(q[:ihl]) != 0 {
		return inner{}, false
	}
	in := inner{off: f.l4 + 8, ihl: ihl, n: len(q), proto: q[ipProto], src: be32(q[ipSrc:]), dst: be32(q[ipDst:])}
	if be16(q[ipFragOff:])&0x1fff != 0 {
		return in, true // a quoted later fragment: addresses only
	}
	t := q[ihl:]
	switch in.proto {
	case ProtoTCP, ProtoUDP:
		if len(t) >= 4 {
			in.sport, in.dport, in.ports = be16(t[0:]), be16(t[2:]), true
		}
	case ProtoICMP:
		if len(t) >= 6 {
			switch t[0] {
			case icmpEcho, icmpEchoReply, icmpTimestamp, icmpTimestampReply,
				icmpInfo, icmpInfoReply, icmpMask, icmpMaskReply:
				id := be16(t[icmpID:])
				in.sport, in.dport, in.ports = id, id, true
			}
		}
	}
	return in, true
}

// rewriteInner changes the quoted packet's addresses and ports, keeping the
// quoted IP checksum and, when quoted, the transport checksum right.
func rewriteInner(b []byte, in *inner, src uint32, sport uint16, dst uint32, dport uint16) {
	q := b[in.off : in.off+in.n]
	ipsum := be16(q[ipCsum:])
	t := q[in.ihl:]
	csumOff := -1
	switch in.proto {
	case ProtoTCP:
		if len(t) >= tcpCsum+2 {
			csumOff = tcpCsum
		}
	case ProtoUDP:
		if len(t) >= udpCsum+2 && be16(t[udpCsum:]) != 0 {
			csumOff = udpCsum
		}
	case ProtoICMP:
		if in.ports && len(t) >= 8 {
			csumOff = icmpCsum
		}
	}
	var l4sum uint16
	if csumOff >= 0 {
		l4sum = be16(t[csumOff:])
	}
	pseudo := in.proto == ProtoTCP || in.proto == ProtoUDP
	if src != in.src {
		put32(q[ipSrc:], src)
		ipsum = csumUpdate32(ipsum, in.src, src)
		if pseudo {
			l4sum = csumUpdate32(l4sum, in.src, src)
		}
	}
	if dst != in.dst {
		put32(q[ipDst:], dst)
		ipsum = csumUpdate32(ipsum, in.dst, dst)
		if pseudo {
			l4sum = csumUpdate32(l4sum, in.dst, dst)
		}
	}
	put16(q[ipCsum:], ipsum)
	if in.ports {
		if in.proto == ProtoICMP {
			// A quoted query: src and dst "ports" are the identifier.
			id := sport
			if sport == in.sport {
				id = dport
			}
			if id != in.sport {
				put16(t[icmpID:], id)
				l4sum = csumUpdate16(l4sum, in.sport, id)
			}
		} else {
			if sport != in.sport {
				put16(t[0:], sport)
				l4sum = csumUpdate16(l4sum, in.sport, sport)
			}
			if dport != in.dport {
				put16(t[2:], dport)
				l4sum = csumUpdate16(l4sum, in.dport, dport)
			}
		}
	}
	if csumOff >= 0 {
		if in.proto == ProtoUDP && l4sum == 0 {
			l4sum = 0xffff
		}
		put16(t[csumOff:], l4sum)
	}
}

// finishError sets the outer addresses and recomputes the ICMP checksum
// (it covers the quoted packet, which changed).
func finishError(b []byte, f *flow, src, dst uint32) {
	rewriteHeaders(b, f, src, 0, dst, 0)
	icmp := b[f.l4:f.end]
	put16(icmp[icmpCsum:], 0)
	put16(icmp[icmpCsum:], checksum(icmp))
}

// icmpErrorIn translates an error that arrived on an outside interface
// about a packet this router sent out (RFC 5508 REQ-4). An error about no
// known flow passes unchanged; it does not refresh the session (REQ-6).
func (n *NAT) icmpErrorIn(b []byte, f *flow) Result {
	in, ok := parseInner(b, f)
	if !ok {
		return Drop
	}
	if in.ports {
		// The quoted packet went out as inGlobal -> outGlobal; the session's
		// outside key is the reverse.
		k := Key{in.dst, in.src, in.dport, in.sport, in.proto}
		if s := n.out.get(&k); s != nil {
			rewriteInner(b, &in, s.inLocal.addr, s.inLocal.port, s.outLocal.addr, s.outLocal.port)
			src := f.src
			if src == s.outGlobal.addr {
				src = s.outLocal.addr
			} else {
				src = n.outsideLocalOf(src)
			}
			dst := f.dst
			if dst == s.inGlobal.addr {
				dst = s.inLocal.addr
			}
			finishError(b, f, src, dst)
			n.hits.Add(1)
			return Hit
		}
	}
	// Address-only: static or simple dynamic bindings.
	n.mu.Lock()
	local, ok := n.localOfGlobal(in.src)
	n.mu.Unlock()
	if !ok {
		return Pass
	}
	rewriteInner(b, &in, local, in.sport, in.dst, in.dport)
	dst := f.dst
	if dst == in.src {
		dst = local
	}
	finishError(b, f, n.outsideLocalOf(f.src), dst)
	n.hits.Add(1)
	return Hit
}

// icmpErrorOut translates an error going out about a packet that came in
// (RFC 5508 REQ-5): an inside host's port unreachable, or the router's own
// time exceeded about a translated inbound packet.
func (n *NAT) icmpErrorOut(b []byte, f *flow) Result {
	in, ok := parseInner(b, f)
	if !ok {
		return Drop
	}
	if in.ports {
		// The quoted packet arrived as outLocal -> inLocal; the session's
		// inside key is the reverse.
		k := Key{in.dst, in.src, in.dport, in.sport, in.proto}
		if s := n.in.get(&k); s != nil {
			rewriteInner(b, &in, s.outGlobal.addr, s.outGlobal.port, s.inGlobal.addr, s.inGlobal.port)
			src := f.src
			switch {
			case src == s.inLocal.addr:
				src = s.inGlobal.addr
			case f.fromRouter:
				// The router's own address is already what the outside knows.
			default:
				if g, ok := n.globalOfLocal(src); ok {
					src = g
				} else {
					src = s.inGlobal.addr // an inside router: never leak its address (REQ-5c)
				}
			}
			dst := f.dst
			if dst == s.outLocal.addr {
				dst = s.outGlobal.addr
			}
			finishError(b, f, src, dst)
			n.hits.Add(1)
			return Hit
		}
	}
	g, ok := n.globalOfLocal(in.dst)
	if !ok {
		return Pass
	}
	og, _ := n.outsideGlobalOf(in.src)
	rewriteInner(b, &in, og, in.sport, g, in.dport)
	src := f.src
	if src == in.dst {
		src = g
	} else if gs, ok := n.globalOfLocal(src); ok && !f.fromRouter {
		src = gs
	}
	dst, _ := n.outsideGlobalOf(f.dst)
	finishError(b, f, src, dst)
	n.hits.Add(1)
	return Hit
}

// localOfGlobal maps an inside global address to its local address through
// an address-only (static or simple dynamic) translation. Caller holds mu.
func (n *NAT) localOfGlobal(g uint32) (uint32, bool) {
	for _, r := range n.cfg.statics {
		if r.Proto == 0 {
			if a, ok := n.staticGlobal(r); ok && a == g {
				return addr4(r.Local), true
			}
		}
	}
	if b := n.simpleByGlobal[g]; b != nil {
		return b.local.addr, true
	}
	return 0, false
}

func (n *NAT) globalOfLocal(l uint32) (uint32, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.cfg.statics {
		if r.Proto == 0 && addr4(r.Local) == l {
			return n.staticGlobal(r)
		}
	}
	if b := n.simpleByLocal[l]; b != nil {
		return b.global.addr, true
	}
	return 0, false
}

func (n *NAT) outsideLocalOf(g uint32) uint32 {
	n.mu.Lock()
	defer n.mu.Unlock()
	l, _ := n.outsideByGlobal(g)
	return l
}

func (n *NAT) outsideGlobalOf(l uint32) (uint32, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.outsideByLocal(l)
}
