package packet

import (
	"encoding/binary"
	"net/netip"
)

// IPv4 is a view over an IPv4 header and what follows it (RFC 791 §3.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version|  IHL  |Type of Service|          Total Length         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         Identification        |Flags|      Fragment Offset    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Time to Live |    Protocol   |         Header Checksum       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Source Address                          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    Destination Address                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    Options                    |    Padding    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Accessors do not check bounds: call IsValid (or Parsed.Decode) first.
type IPv4 []byte

const (
	ipv4VersIHL  = 0
	ipv4TOS      = 1
	ipv4TotalLen = 2
	ipv4ID       = 4
	ipv4FlagsFO  = 6
	ipv4TTL      = 8
	ipv4Protocol = 9
	ipv4Checksum = 10
	ipv4Src      = 12
	ipv4Dst      = 16
)

const (
	// IPv4MinimumSize is the size of a header without options.
	IPv4MinimumSize = 20
	// IPv4MaximumHeaderSize is the largest header IHL can describe (15 words).
	IPv4MaximumHeaderSize = 60
	// IPv4MinimumMTU: "Every internet module must be able to forward a
	// datagram of 68 octets without further fragmentation" (RFC 791).
	IPv4MinimumMTU = 68
	// IPv4DefaultTTL is the TTL IOS puts on packets it originates.
	IPv4DefaultTTL = 255

	// IPv4FlagDontFragment and IPv4FlagMoreFragments are bits of the
	// 16-bit flags/fragment-offset word.
	IPv4FlagDontFragment  = 0x4000
	IPv4FlagMoreFragments = 0x2000
	ipv4FragOffsetMask    = 0x1fff
)

// IsValid reports whether b holds a complete IPv4 header whose IHL and total
// length fit in pktSize bytes. It does not verify the checksum.
func (b IPv4) IsValid(pktSize int) bool {
	if len(b) < IPv4MinimumSize || pktSize > len(b) {
		return false
	}
	hl := b.HeaderLength()
	tl := int(b.TotalLength())
	return b.Version() == 4 && hl >= IPv4MinimumSize && hl <= tl && tl <= pktSize
}

// Version is the IP version nibble.
func (b IPv4) Version() uint8 { return b[ipv4VersIHL] >> 4 }

// HeaderLength is IHL in bytes.
func (b IPv4) HeaderLength() int { return int(b[ipv4VersIHL]&0xf) * 4 }

// TOS is the type-of-service (DSCP/ECN) byte.
func (b IPv4) TOS() uint8 { return b[ipv4TOS] }

// TotalLength is the datagram length including the header.
func (b IPv4) TotalLength() uint16 { return binary.BigEndian.Uint16(b[ipv4TotalLen:]) }

// ID is the identification field.
func (b IPv4) ID() uint16 { return binary.BigEndian.Uint16(b[ipv4ID:]) }

// Flags returns the flag bits (IPv4FlagDontFragment, IPv4FlagMoreFragments).
func (b IPv4) Flags() uint16 { return binary.BigEndian.Uint16(b[ipv4FlagsFO:]) &^ ipv4FragOffsetMask }

// FragmentOffset is the fragment offset in bytes.
func (b IPv4) FragmentOffset() int {
	return int(binary.BigEndian.Uint16(b[ipv4FlagsFO:])&ipv4FragOffsetMask) * 8
}

// TTL is the time to live.
func (b IPv4) TTL() uint8 { return b[ipv4TTL] }

// Protocol is the transport protocol number.
func (b IPv4) Protocol() Proto { return Proto(b[ipv4Protocol]) }

// Checksum is the header checksum field.
func (b IPv4) Checksum() uint16 { return binary.BigEndian.Uint16(b[ipv4Checksum:]) }

// Src is the source address.
func (b IPv4) Src() netip.Addr { return netip.AddrFrom4([4]byte(b[ipv4Src : ipv4Src+4])) }

// Dst is the destination address.
func (b IPv4) Dst() netip.Addr { return netip.AddrFrom4([4]byte(b[ipv4Dst : ipv4Dst+4])) }

// Payload is what follows the header, up to the total length.
func (b IPv4) Payload() []byte { return b[b.HeaderLength():b.TotalLength()] }

// HeaderChecksumOK reports whether the header checksum verifies.
func (b IPv4) HeaderChecksumOK() bool {
	return Checksum(b[:b.HeaderLength()], 0) == 0xffff
}

// CalculateChecksum returns the header checksum as it should be stored,
// ignoring the current value of the field.
func (b IPv4) CalculateChecksum() uint16 {
	hl := b.HeaderLength()
	sum := Checksum(b[:ipv4Checksum], 0)
	sum = Checksum(b[ipv4Checksum+2:hl], sum)
	return ^sum
}

// UpdateChecksum recomputes and stores the header checksum.
func (b IPv4) UpdateChecksum() { b.SetChecksum(b.CalculateChecksum()) }

// SetChecksum stores v in the checksum field.
func (b IPv4) SetChecksum(v uint16) { binary.BigEndian.PutUint16(b[ipv4Checksum:], v) }

// SetTotalLength stores the total length without touching the checksum.
func (b IPv4) SetTotalLength(n uint16) { binary.BigEndian.PutUint16(b[ipv4TotalLen:], n) }

// SetTTL stores ttl and updates the header checksum incrementally.
func (b IPv4) SetTTL(ttl uint8) {
	// TTL is the high byte of the word it shares with Protocol.
	old := binary.BigEndian.Uint16(b[ipv4TTL:])
	b[ipv4TTL] = ttl
	b.SetChecksum(UpdateChecksum16(b.Checksum(), old, binary.BigEndian.Uint16(b[ipv4TTL:])))
}

// SetSrc stores the source address and updates the header checksum
// incrementally. Transport checksums are the caller's (see Parsed.SetSrcAddr).
func (b IPv4) SetSrc(a netip.Addr) {
	b.SetChecksum(UpdateChecksumAddr(b.Checksum(), b.Src(), a))
	a4 := a.As4()
	copy(b[ipv4Src:], a4[:])
}

// SetDst is SetSrc for the destination address.
func (b IPv4) SetDst(a netip.Addr) {
	b.SetChecksum(UpdateChecksumAddr(b.Checksum(), b.Dst(), a))
	a4 := a.As4()
	copy(b[ipv4Dst:], a4[:])
}

// IPv4Fields describes a header to Encode.
type IPv4Fields struct {
	TOS      uint8
	TotalLen uint16
	ID       uint16
	Flags    uint16 // IPv4FlagDontFragment etc.
	TTL      uint8
	Protocol Proto
	Src, Dst netip.Addr
}

// Encode writes a 20-byte header without options from f, checksum included.
// b must hold at least IPv4MinimumSize bytes.
func (b IPv4) Encode(f *IPv4Fields) {
	b[ipv4VersIHL] = 4<<4 | IPv4MinimumSize/4
	b[ipv4TOS] = f.TOS
	binary.BigEndian.PutUint16(b[ipv4TotalLen:], f.TotalLen)
	binary.BigEndian.PutUint16(b[ipv4ID:], f.ID)
	binary.BigEndian.PutUint16(b[ipv4FlagsFO:], f.Flags&^ipv4FragOffsetMask)
	b[ipv4TTL] = f.TTL
	b[ipv4Protocol] = uint8(f.Protocol)
	s, d := f.Src.As4(), f.Dst.As4()
	copy(b[ipv4Src:], s[:])
	copy(b[ipv4Dst:], d[:])
	b.SetChecksum(0)
	b.SetChecksum(^Checksum(b[:IPv4MinimumSize], 0))
}

// ClassfulBits is the prefix length of a's classful network (RFC 791's
// classes: A /8, B /16, C and above /24), which IOS still uses for natural
// masks and to group show ip route.
func ClassfulBits(a netip.Addr) int {
	switch b := a.As4()[0]; {
	case b < 128:
		return 8
	case b < 192:
		return 16
	}
	return 24
}
