package packet

import (
	"encoding/binary"
	"net/netip"
)

// Tuple is a flow's identity: protocol, addresses and ports. It is
// pointer-free and comparable (unlike netip.Addr, which carries a zone
// pointer), so maps keyed by it hash plain memory and the garbage collector
// never scans them. NAT translations, inspection sessions and pinholes key
// their tables with it.
//
// For an ICMP query both ports hold the identifier, which makes a reply's
// tuple the Reverse of its request's. For other protocols without ports
// (and later fragments) both ports are zero.
type Tuple struct {
	Src, Dst         [4]byte
	SrcPort, DstPort uint16
	Proto            Proto
}

// Tuple returns the tuple of the decoded packet.
func (p *Parsed) Tuple() Tuple {
	t := Tuple{Src: p.Src.As4(), Dst: p.Dst.As4(), Proto: p.IPProto}
	switch {
	case p.HasPorts():
		t.SrcPort, t.DstPort = p.SrcPort, p.DstPort
	case p.HasICMP() && ICMPIsQuery(p.ICMPType):
		t.SrcPort, t.DstPort = p.ICMPID, p.ICMPID
	}
	return t
}

// TupleOf builds the tuple of a connection between two endpoints.
func TupleOf(proto Proto, src, dst netip.AddrPort) Tuple {
	return Tuple{Src: src.Addr().As4(), Dst: dst.Addr().As4(),
		SrcPort: src.Port(), DstPort: dst.Port(), Proto: proto}
}

// Reverse is the same flow seen from the other side.
func (t Tuple) Reverse() Tuple {
	return Tuple{Src: t.Dst, Dst: t.Src, SrcPort: t.DstPort, DstPort: t.SrcPort, Proto: t.Proto}
}

// SrcAddr and DstAddr return the addresses as netip.Addr.
func (t Tuple) SrcAddr() netip.Addr { return netip.AddrFrom4(t.Src) }
func (t Tuple) DstAddr() netip.Addr { return netip.AddrFrom4(t.Dst) }

// SrcAddrPort and DstAddrPort return the endpoints.
func (t Tuple) SrcAddrPort() netip.AddrPort { return netip.AddrPortFrom(t.SrcAddr(), t.SrcPort) }
func (t Tuple) DstAddrPort() netip.AddrPort { return netip.AddrPortFrom(t.DstAddr(), t.DstPort) }

// Hash mixes every field into 64 bits (for sharding; maps do their own
// hashing). It does not allocate.
func (t Tuple) Hash() uint64 {
	h := uint64(binary.BigEndian.Uint32(t.Src[:]))<<32 | uint64(binary.BigEndian.Uint32(t.Dst[:]))
	h ^= (uint64(t.SrcPort)<<16 | uint64(t.DstPort) | uint64(t.Proto)<<32) * 0x9e3779b97f4a7c15
	h *= 0xbf58476d1ce4e5b9
	return h ^ h>>31
}

// String describes the tuple for logs and test failures (it allocates).
func (t Tuple) String() string {
	return t.Proto.String() + " " + t.SrcAddrPort().String() + " > " + t.DstAddrPort().String()
}
