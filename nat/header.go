package nat

import "encoding/binary"

// IPv4 header field offsets (RFC 791).
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version|  IHL  |Type of Service|          Total Length         |
//	|         Identification        |Flags|      Fragment Offset    |
//	|  Time to Live |    Protocol   |         Header Checksum       |
//	|                       Source Address                          |
//	|                    Destination Address                        |
const (
	ipTotalLen = 2
	ipID       = 4
	ipFragOff  = 6
	ipProto    = 9
	ipCsum     = 10
	ipSrc      = 12
	ipDst      = 16
	ipMinLen   = 20
)

// IP protocol numbers NAT knows about.
const (
	ProtoICMP uint8 = 1
	ProtoTCP  uint8 = 6
	ProtoUDP  uint8 = 17
)

// Offsets inside the transport headers.
const (
	l4SrcPort = 0
	l4DstPort = 2
	udpCsum   = 6
	tcpFlags  = 13
	tcpCsum   = 16
	icmpCsum  = 2
	icmpID    = 4
)

// TCP flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

// ICMP types NAT treats specially.
const (
	icmpEchoReply      = 0
	icmpUnreachable    = 3
	icmpSourceQuench   = 4
	icmpRedirect       = 5
	icmpEcho           = 8
	icmpTimeExceeded   = 11
	icmpParamProblem   = 12
	icmpTimestamp      = 13
	icmpTimestampReply = 14
	icmpInfo           = 15
	icmpInfoReply      = 16
	icmpMask           = 17
	icmpMaskReply      = 18
)

// flowKind says how a packet can be translated.
type flowKind uint8

const (
	kindPorts     flowKind = iota // TCP or UDP with ports (possibly a first fragment)
	kindQuery                     // ICMP query: the identifier is the port
	kindICMPError                 // ICMP error quoting another packet
	kindAddrOnly                  // other protocols, other ICMP types: addresses only
	kindLaterFrag                 // a non-first fragment: no transport header
)

// flow is the part of a packet NAT reads, decoded once.
// Ports are valid for kindPorts and kindQuery (both set to the ICMP
// identifier for queries, which makes the lookups symmetric).
type flow struct {
	kind     flowKind
	proto    uint8
	first    bool // a first fragment (MF set, offset 0)
	tcpFlags uint8
	icmpType uint8
	src, dst uint32
	sport    uint16
	dport    uint16
	ipid     uint16
	l4       int // offset of the transport header
	end      int // total length

	fromRouter bool // originated by the router itself: its source address is its own
}

func be16(b []byte) uint16     { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32     { return binary.BigEndian.Uint32(b) }
func put16(b []byte, v uint16) { binary.BigEndian.PutUint16(b, v) }
func put32(b []byte, v uint32) { binary.BigEndian.PutUint32(b, v) }

// decode reads an IPv4 packet into f. It returns false for anything NAT
// must not touch: short or inconsistent headers, or a transport header too
// short to hold the fields NAT rewrites.
func decode(b []byte, f *flow) bool {
	if len(b) < ipMinLen || b[0]>>4 != 4 {
		return false
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(be16(b[ipTotalLen:]))
	if ihl < ipMinLen || total < ihl || total > len(b) {
		return false
	}
	fo := be16(b[ipFragOff:])
	*f = flow{
		proto: b[ipProto],
		src:   be32(b[ipSrc:]),
		dst:   be32(b[ipDst:]),
		ipid:  be16(b[ipID:]),
		l4:    ihl,
		end:   total,
	}
	if fo&0x1fff != 0 {
		f.kind = kindLaterFrag
		return true
	}
	f.first = fo&0x2000 != 0
	l4 := b[ihl:total]
	switch f.proto {
	case ProtoTCP:
		if len(l4) < 20 && !(f.first && len(l4) >= 14) {
			return false
		}
		f.kind = kindPorts
		f.sport, f.dport = be16(l4[l4SrcPort:]), be16(l4[l4DstPort:])
		f.tcpFlags = l4[tcpFlags]
	case ProtoUDP:
		if len(l4) < 8 {
			return false
		}
		f.kind = kindPorts
		f.sport, f.dport = be16(l4[l4SrcPort:]), be16(l4[l4DstPort:])
	case ProtoICMP:
		if len(l4) < 8 {
			return false
		}
		f.icmpType = l4[0]
		switch f.icmpType {
		case icmpEcho, icmpEchoReply, icmpTimestamp, icmpTimestampReply,
			icmpInfo, icmpInfoReply, icmpMask, icmpMaskReply:
			f.kind = kindQuery
			f.sport = be16(l4[icmpID:])
			f.dport = f.sport
		case icmpUnreachable, icmpSourceQuench, icmpRedirect, icmpTimeExceeded, icmpParamProblem:
			if f.first {
				return false // an ICMP error is never legitimately fragmented here
			}
			f.kind = kindICMPError
		default:
			f.kind = kindAddrOnly
		}
	default:
		f.kind = kindAddrOnly
	}
	return true
}

// csumUpdate16 is the incremental checksum update of RFC 1624 eqn. 3:
// HC' = ~(~HC + ~m + m').
func csumUpdate16(sum, old, new uint16) uint16 {
	s := uint32(^sum) + uint32(^old) + uint32(new)
	s = (s & 0xffff) + (s >> 16)
	s = (s & 0xffff) + (s >> 16)
	return ^uint16(s)
}

func csumUpdate32(sum uint16, old, new uint32) uint16 {
	sum = csumUpdate16(sum, uint16(old>>16), uint16(new>>16))
	return csumUpdate16(sum, uint16(old), uint16(new))
}

// checksum is the Internet checksum (RFC 1071) of b.
func checksum(b []byte) uint16 {
	var s uint32
	for len(b) >= 2 {
		s += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		s += uint32(b[0]) << 8
	}
	for s>>16 != 0 {
		s = (s & 0xffff) + (s >> 16)
	}
	return ^uint16(s)
}

// rewriteHeaders changes the addresses and ports of an IPv4 packet whose
// flow f was decoded from b, keeping every checksum right incrementally.
// Ports are ignored for later fragments and address-only flows; for ICMP
// queries the "port" is the identifier.
func rewriteHeaders(b []byte, f *flow, src uint32, sport uint16, dst uint32, dport uint16) {
	ip := b[:f.l4]
	l4 := b[f.l4:f.end]
	ipsum := be16(ip[ipCsum:])
	// Which transport checksum covers the pseudo-header, and whether the
	// ports live in this packet at all.
	csumOff := -1
	ports := false
	switch f.kind {
	case kindPorts:
		ports = true
		switch f.proto {
		case ProtoTCP:
			if len(l4) >= tcpCsum+2 {
				csumOff = tcpCsum
			}
		case ProtoUDP:
			if be16(l4[udpCsum:]) != 0 { // 0: no checksum (RFC 768)
				csumOff = udpCsum
			}
		}
	case kindQuery:
		if sport != f.sport {
			old := be16(l4[icmpID:])
			put16(l4[icmpID:], sport)
			put16(l4[icmpCsum:], csumUpdate16(be16(l4[icmpCsum:]), old, sport))
		} else if dport != f.dport {
			old := be16(l4[icmpID:])
			put16(l4[icmpID:], dport)
			put16(l4[icmpCsum:], csumUpdate16(be16(l4[icmpCsum:]), old, dport))
		}
	}
	var l4sum uint16
	if csumOff >= 0 {
		l4sum = be16(l4[csumOff:])
	}
	if src != f.src {
		put32(ip[ipSrc:], src)
		ipsum = csumUpdate32(ipsum, f.src, src)
		if csumOff >= 0 {
			l4sum = csumUpdate32(l4sum, f.src, src)
		}
	}
	if dst != f.dst {
		put32(ip[ipDst:], dst)
		ipsum = csumUpdate32(ipsum, f.dst, dst)
		if csumOff >= 0 {
			l4sum = csumUpdate32(l4sum, f.dst, dst)
		}
	}
	if ports {
		if sport != f.sport {
			put16(l4[l4SrcPort:], sport)
			if csumOff >= 0 {
				l4sum = csumUpdate16(l4sum, f.sport, sport)
			}
		}
		if dport != f.dport {
			put16(l4[l4DstPort:], dport)
			if csumOff >= 0 {
				l4sum = csumUpdate16(l4sum, f.dport, dport)
			}
		}
	}
	put16(ip[ipCsum:], ipsum)
	if csumOff >= 0 {
		if f.proto == ProtoUDP && l4sum == 0 {
			l4sum = 0xffff // a computed 0 is sent as all ones (RFC 768)
		}
		put16(l4[csumOff:], l4sum)
	}
	f.src, f.dst = src, dst
	if ports || f.kind == kindQuery {
		f.sport, f.dport = sport, dport
	}
}
