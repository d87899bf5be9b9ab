package packet

import (
	"encoding/binary"
	"net/netip"
)

// Builders write a complete IPv4 packet into the caller's buffer b and
// return its length, or 0 when b is too small. They never allocate.

// ICMPQuoteLen is how much of an offending datagram beyond its IP header an
// ICMP error quotes: "the internet header plus the first 64 bits of the
// original datagram's data" (RFC 792), as IOS does.
const ICMPQuoteLen = 8

// BuildEcho writes an ICMP echo request or reply (typ ICMPEcho or
// ICMPEchoReply) from src to dst. The data is payloadLen bytes of the IOS
// pattern (0xABCD repeated) unless data is non-nil, in which case data is
// copied and payloadLen ignored.
func BuildEcho(b []byte, typ uint8, src, dst netip.Addr, id, seq, ipID uint16, ttl uint8, payloadLen int, data []byte) int {
	if data != nil {
		payloadLen = len(data)
	}
	n := IPv4MinimumSize + ICMPv4MinimumSize + payloadLen
	if payloadLen < 0 || n > len(b) || n > 0xffff {
		return 0
	}
	IPv4(b).Encode(&IPv4Fields{TotalLen: uint16(n), ID: ipID, TTL: ttl, Protocol: ProtoICMP, Src: src, Dst: dst})
	m := ICMPv4(b[IPv4MinimumSize:n])
	m[icmpType] = typ
	m[icmpCode] = 0
	binary.BigEndian.PutUint16(m[icmpID:], id)
	binary.BigEndian.PutUint16(m[icmpSeq:], seq)
	pl := m[ICMPv4MinimumSize:]
	if data != nil {
		copy(pl, data)
	} else {
		for i := range pl {
			if i&1 == 0 {
				pl[i] = 0xab
			} else {
				pl[i] = 0xcd
			}
		}
	}
	m.SetChecksum(0)
	m.SetChecksum(m.CalculateChecksum())
	return n
}

// BuildICMPError writes an ICMP error of type typ and code from src to the
// source of orig, quoting orig's IP header and ICMPQuoteLen bytes of what
// follows. mtu fills the next-hop MTU field of "fragmentation needed"
// (RFC 1191) and is ignored otherwise. orig must have passed Decode (or at
// least hold a whole IP header).
func BuildICMPError(b []byte, typ, code uint8, src netip.Addr, orig []byte, mtu uint16, ipID uint16) int {
	if len(orig) < IPv4MinimumSize {
		return 0
	}
	o := IPv4(orig)
	hl := o.HeaderLength()
	q := hl + ICMPQuoteLen
	if tl := int(o.TotalLength()); q > tl {
		q = tl
	}
	if q > len(orig) {
		q = len(orig)
	}
	if q < hl {
		return 0
	}
	n := IPv4MinimumSize + ICMPv4MinimumSize + q
	if n > len(b) {
		return 0
	}
	IPv4(b).Encode(&IPv4Fields{TotalLen: uint16(n), ID: ipID, TTL: IPv4DefaultTTL, Protocol: ProtoICMP, Src: src, Dst: o.Src()})
	m := ICMPv4(b[IPv4MinimumSize:n])
	m[icmpType] = typ
	m[icmpCode] = code
	binary.BigEndian.PutUint32(m[icmpID:], 0)
	if typ == ICMPDestUnreachable && code == ICMPFragNeeded {
		binary.BigEndian.PutUint16(m[icmpMTU:], mtu)
	}
	copy(m[ICMPv4MinimumSize:], orig[:q])
	m.SetChecksum(0)
	m.SetChecksum(m.CalculateChecksum())
	return n
}

// BuildUDP writes a UDP datagram from src:sport to dst:dport with
// payloadLen zero bytes of data (or a copy of data when non-nil), checksum
// included. Traceroute probes are built with it.
func BuildUDP(b []byte, src, dst netip.Addr, sport, dport, ipID uint16, ttl uint8, payloadLen int, data []byte) int {
	if data != nil {
		payloadLen = len(data)
	}
	n := IPv4MinimumSize + UDPSize + payloadLen
	if payloadLen < 0 || n > len(b) || n > 0xffff {
		return 0
	}
	IPv4(b).Encode(&IPv4Fields{TotalLen: uint16(n), ID: ipID, TTL: ttl, Protocol: ProtoUDP, Src: src, Dst: dst})
	seg := b[IPv4MinimumSize:n]
	UDP(seg).Encode(sport, dport, uint16(len(seg)))
	if data != nil {
		copy(seg[UDPSize:], data)
	} else {
		clear(seg[UDPSize:])
	}
	sum := ^Checksum(seg, PseudoHeaderChecksum(ProtoUDP, src, dst, uint16(len(seg))))
	if sum == 0 {
		sum = 0xffff
	}
	UDP(seg).SetChecksum(sum)
	return n
}

// BuildTCP writes a TCP segment without options, checksum included. Tests
// and the router's own replies (none yet) use it.
func BuildTCP(b []byte, src, dst netip.Addr, sport, dport uint16, seq, ack uint32, flags uint8, window uint16, ipID uint16, ttl uint8, data []byte) int {
	n := IPv4MinimumSize + TCPMinimumSize + len(data)
	if n > len(b) || n > 0xffff {
		return 0
	}
	IPv4(b).Encode(&IPv4Fields{TotalLen: uint16(n), ID: ipID, TTL: ttl, Protocol: ProtoTCP, Src: src, Dst: dst})
	seg := b[IPv4MinimumSize:n]
	binary.BigEndian.PutUint16(seg[tcpSrcPort:], sport)
	binary.BigEndian.PutUint16(seg[tcpDstPort:], dport)
	binary.BigEndian.PutUint32(seg[tcpSeq:], seq)
	binary.BigEndian.PutUint32(seg[tcpAck:], ack)
	seg[tcpDataOff] = TCPMinimumSize / 4 << 4
	seg[tcpFlags] = flags
	binary.BigEndian.PutUint16(seg[tcpWindow:], window)
	binary.BigEndian.PutUint16(seg[tcpChecksum:], 0)
	binary.BigEndian.PutUint16(seg[tcpUrgent:], 0)
	copy(seg[TCPMinimumSize:], data)
	TCP(seg).SetChecksum(^Checksum(seg, PseudoHeaderChecksum(ProtoTCP, src, dst, uint16(len(seg)))))
	return n
}
