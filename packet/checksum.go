package packet

import (
	"encoding/binary"
	"net/netip"
)

// Checksum returns the 16-bit one's complement sum of b, added to initial
// (RFC 1071). The result is the folded sum, not its complement: a header's
// checksum field holds ^Checksum(header with the field zeroed, 0), and a
// received header is intact when Checksum(header, 0) == 0xffff.
//
// A trailing odd byte is summed as if padded with a zero byte. To chain
// several pieces, every piece but the last must have an even length.
func Checksum(b []byte, initial uint16) uint16 {
	sum := uint64(initial)
	for len(b) >= 8 {
		sum += uint64(binary.BigEndian.Uint32(b)) + uint64(binary.BigEndian.Uint32(b[4:]))
		b = b[8:]
	}
	for len(b) >= 2 {
		sum += uint64(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint64(b[0]) << 8
	}
	return fold(sum)
}

// fold reduces a wide one's complement accumulator to 16 bits. Because
// 2^16 = 1 (mod 2^16-1), adding the high parts back in preserves the sum.
func fold(sum uint64) uint16 {
	sum = sum&0xffffffff + sum>>32
	sum = sum&0xffff + sum>>16
	sum = sum&0xffff + sum>>16
	sum = sum&0xffff + sum>>16
	return uint16(sum)
}

// PseudoHeaderChecksum returns the folded sum of the IPv4 pseudo-header that
// TCP and UDP checksums cover (RFC 793 §3.1, RFC 768): source, destination,
// zero, protocol and the transport length. Pass it as initial to Checksum
// over the transport header and payload.
func PseudoHeaderChecksum(proto Proto, src, dst netip.Addr, length uint16) uint16 {
	s, d := src.As4(), dst.As4()
	sum := uint64(binary.BigEndian.Uint16(s[0:])) + uint64(binary.BigEndian.Uint16(s[2:])) +
		uint64(binary.BigEndian.Uint16(d[0:])) + uint64(binary.BigEndian.Uint16(d[2:])) +
		uint64(proto) + uint64(length)
	return fold(sum)
}

// UpdateChecksum16 returns the checksum field value after one 16-bit word of
// the covered data changes from old to new. sum is the checksum as stored in
// the header. It is RFC 1624 equation 3, HC' = ~(~HC + ~m + m'), which,
// unlike equation 2 of RFC 1141, never yields a wrong negative zero.
func UpdateChecksum16(sum, old, new uint16) uint16 {
	x := uint32(^sum) + uint32(^old) + uint32(new)
	x = x&0xffff + x>>16
	x = x&0xffff + x>>16
	return ^uint16(x)
}

// UpdateChecksum32 is UpdateChecksum16 for an aligned 32-bit field such as a
// TCP sequence number.
func UpdateChecksum32(sum uint16, old, new uint32) uint16 {
	x := uint64(^sum) + uint64(^uint16(old>>16)) + uint64(^uint16(old)) +
		uint64(uint16(new>>16)) + uint64(uint16(new))
	return ^fold(x)
}

// UpdateChecksumAddr is UpdateChecksum16 for an IPv4 address (two aligned
// words) changing from old to new. Both must be IPv4 addresses.
func UpdateChecksumAddr(sum uint16, old, new netip.Addr) uint16 {
	o, n := old.As4(), new.As4()
	return UpdateChecksum32(sum, binary.BigEndian.Uint32(o[:]), binary.BigEndian.Uint32(n[:]))
}
