package packet

import (
	"encoding/binary"
	"net/netip"
)

// The setters below rewrite one header field of the packet b that p was
// decoded from, keep the IPv4 header checksum and the transport checksum
// right with incremental updates, and update p to match. They tolerate
// truncated buffers (quoted packets in ICMP errors): a checksum field that
// lies beyond b is left alone.

// l4Checksum returns the offset of the transport checksum field in b that
// covers the pseudo-header or ports, or -1 when there is none to update.
func (p *Parsed) l4Checksum(b []byte) int {
	if p.Frag == LaterFragment {
		return -1
	}
	var off int
	switch p.IPProto {
	case ProtoTCP:
		off = p.L4Off + tcpChecksum
	case ProtoUDP:
		off = p.L4Off + udpChecksum
	case ProtoICMP:
		off = p.L4Off + icmpChecksum
	default:
		return -1
	}
	if off+2 > len(b) {
		return -1
	}
	return off
}

// updateL4 applies an incremental change to the transport checksum at off.
// UDP's zero means "no checksum" and must stay zero; a computed zero is sent
// as 0xffff (RFC 768).
func (p *Parsed) updateL4(b []byte, off int, update func(uint16) uint16) {
	old := binary.BigEndian.Uint16(b[off:])
	if p.IPProto == ProtoUDP && old == 0 {
		return
	}
	sum := update(old)
	if p.IPProto == ProtoUDP && sum == 0 {
		sum = 0xffff
	}
	binary.BigEndian.PutUint16(b[off:], sum)
}

// SetSrcAddr rewrites the source address. TCP and UDP checksums follow
// because their pseudo-header covers it; ICMP's does not.
func (p *Parsed) SetSrcAddr(b []byte, a netip.Addr) {
	p.setAddr(b, ipv4Src, p.Src, a)
	p.Src = a
}

// SetDstAddr rewrites the destination address.
func (p *Parsed) SetDstAddr(b []byte, a netip.Addr) {
	p.setAddr(b, ipv4Dst, p.Dst, a)
	p.Dst = a
}

func (p *Parsed) setAddr(b []byte, at int, old, a netip.Addr) {
	ip := IPv4(b)
	ip.SetChecksum(UpdateChecksumAddr(ip.Checksum(), old, a))
	a4 := a.As4()
	copy(b[at:at+4], a4[:])
	if p.IPProto == ProtoICMP {
		return
	}
	off := p.l4Checksum(b)
	switch {
	case off < 0:
	case p.CsumPartial:
		// The field is the uncomplemented pseudo-header sum: add the new
		// address and take the old one out (the kernel's
		// inet_proto_csum_replace4 with pseudohdr on a partial checksum).
		s := binary.BigEndian.Uint16(b[off:])
		binary.BigEndian.PutUint16(b[off:], ^UpdateChecksumAddr(^s, old, a))
	default:
		p.updateL4(b, off, func(s uint16) uint16 { return UpdateChecksumAddr(s, old, a) })
	}
}

// SetSrcPort rewrites the TCP or UDP source port. It does nothing unless
// p.HasPorts().
func (p *Parsed) SetSrcPort(b []byte, port uint16) {
	if !p.HasPorts() {
		return
	}
	p.setWord(b, p.L4Off+tcpSrcPort, port)
	p.SrcPort = port
}

// SetDstPort rewrites the TCP or UDP destination port.
func (p *Parsed) SetDstPort(b []byte, port uint16) {
	if !p.HasPorts() {
		return
	}
	p.setWord(b, p.L4Off+tcpDstPort, port)
	p.DstPort = port
}

// SetICMPID rewrites the identifier of an ICMP query (ICMP NAT's "port").
func (p *Parsed) SetICMPID(b []byte, id uint16) {
	if !p.HasICMP() || !ICMPIsQuery(p.ICMPType) {
		return
	}
	p.setWord(b, p.L4Off+icmpID, id)
	p.ICMPID = id
}

// setWord stores a 16-bit transport header word covered by the transport
// checksum (ports, ICMP identifier).
func (p *Parsed) setWord(b []byte, at int, v uint16) {
	if at+2 > len(b) {
		return
	}
	old := binary.BigEndian.Uint16(b[at:])
	binary.BigEndian.PutUint16(b[at:], v)
	if p.CsumPartial && p.IPProto != ProtoICMP {
		return // the word lies in the range the kernel still sums
	}
	if off := p.l4Checksum(b); off >= 0 {
		p.updateL4(b, off, func(s uint16) uint16 { return UpdateChecksum16(s, old, v) })
	}
}

// SetTTL rewrites the TTL.
func (p *Parsed) SetTTL(b []byte, ttl uint8) {
	IPv4(b).SetTTL(ttl)
	p.TTL = ttl
}

// DecTTL decrements the TTL as a forwarding router does and reports whether
// the packet may still be forwarded (the TTL was above 1). A packet that may
// not is left untouched: it is answered with time exceeded instead.
func (p *Parsed) DecTTL(b []byte) bool {
	if p.TTL <= 1 {
		return false
	}
	p.SetTTL(b, p.TTL-1)
	return true
}

// SetTransportChecksum recomputes the transport checksum over the whole
// segment (after a payload rewrite); the IPv4 total length must already be
// right. Later fragments and protocols other than TCP, UDP and ICMP are left
// alone. A partial checksum (CsumPartial) becomes the new pseudo-header sum,
// still partial.
func (p *Parsed) SetTransportChecksum(b []byte) {
	if p.Frag != NotFragment || p.TotalLen > len(b) {
		return // the checksum covers the reassembled (or unquoted) datagram
	}
	seg := b[p.L4Off:p.TotalLen]
	if p.CsumPartial && (p.IPProto == ProtoTCP && len(seg) >= TCPMinimumSize || p.IPProto == ProtoUDP && len(seg) >= UDPSize) {
		off := p.l4Checksum(b) - p.L4Off
		binary.BigEndian.PutUint16(seg[off:], PseudoHeaderChecksum(p.IPProto, p.Src, p.Dst, uint16(len(seg))))
		return
	}
	switch p.IPProto {
	case ProtoTCP:
		if len(seg) < TCPMinimumSize {
			return
		}
		TCP(seg).SetChecksum(0)
		TCP(seg).SetChecksum(^Checksum(seg, PseudoHeaderChecksum(ProtoTCP, p.Src, p.Dst, uint16(len(seg)))))
	case ProtoUDP:
		if len(seg) < UDPSize {
			return
		}
		UDP(seg).SetChecksum(0)
		sum := ^Checksum(seg, PseudoHeaderChecksum(ProtoUDP, p.Src, p.Dst, uint16(len(seg))))
		if sum == 0 {
			sum = 0xffff
		}
		UDP(seg).SetChecksum(sum)
	case ProtoICMP:
		if len(seg) < ICMPv4MinimumSize {
			return
		}
		ICMPv4(seg).SetChecksum(ICMPv4(seg).CalculateChecksum())
	}
}

// TransportChecksumOK reports whether the transport checksum of a whole
// datagram verifies (a UDP zero checksum counts as valid). Routers do not
// check it on the forwarding path; tests and local delivery do.
func (p *Parsed) TransportChecksumOK(b []byte) bool {
	if p.Frag != NotFragment {
		return true
	}
	if p.CsumPartial && p.IPProto != ProtoICMP {
		return true // not summed yet: the sender's kernel vouches for it
	}
	if p.TotalLen > len(b) {
		return false // a truncated (quoted) datagram cannot be verified
	}
	seg := b[p.L4Off:p.TotalLen]
	switch p.IPProto {
	case ProtoTCP:
		return Checksum(seg, PseudoHeaderChecksum(ProtoTCP, p.Src, p.Dst, uint16(len(seg)))) == 0xffff
	case ProtoUDP:
		if UDP(seg).Checksum() == 0 {
			return true
		}
		return Checksum(seg, PseudoHeaderChecksum(ProtoUDP, p.Src, p.Dst, uint16(len(seg)))) == 0xffff
	case ProtoICMP:
		return Checksum(seg, 0) == 0xffff
	}
	return true
}
