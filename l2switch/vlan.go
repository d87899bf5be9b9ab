package l2switch

import "encoding/binary"

// Ethernet and 802.1Q layout.
const (
	macLen        = 6
	ethHdrLen     = 14 // destination, source, EtherType
	tagLen        = 4  // TPID 0x8100 and TCI
	etherTypeVLAN = 0x8100
	vidMask       = 0x0fff
)

// MaxVLAN is the highest VLAN id (4095 is reserved, 0 means untagged or
// priority-tagged).
const MaxVLAN = 4094

// vlanSet is a set of VLAN ids, one bit each.
type vlanSet [64]uint64

func (s *vlanSet) has(v uint16) bool { return s[v>>6&63]&(1<<(v&63)) != 0 }
func (s *vlanSet) add(v uint16)      { s[v>>6&63] |= 1 << (v & 63) }

// frameVLAN reads a frame's 802.1Q tag: whether it has one, its VID and
// its whole TCI (priority bits included). ok is false for a frame too
// short for its headers.
func frameVLAN(f []byte) (tagged bool, tci uint16, ok bool) {
	if len(f) < ethHdrLen {
		return false, 0, false
	}
	if binary.BigEndian.Uint16(f[12:]) != etherTypeVLAN {
		return false, 0, true
	}
	if len(f) < ethHdrLen+tagLen {
		return true, 0, false
	}
	return true, binary.BigEndian.Uint16(f[14:]), true
}

// pushTag writes into dst the untagged frame f with a tag carrying tci
// after the source MAC, and returns it. dst holds len(f)+tagLen bytes.
func pushTag(dst, f []byte, tci uint16) []byte {
	n := len(f) + tagLen
	dst = dst[:n]
	copy(dst, f[:2*macLen])
	binary.BigEndian.PutUint16(dst[12:], etherTypeVLAN)
	binary.BigEndian.PutUint16(dst[14:], tci)
	copy(dst[16:], f[2*macLen:])
	return dst
}

// popTag writes into dst the tagged frame f without its tag, and returns
// it.
func popTag(dst, f []byte) []byte {
	n := len(f) - tagLen
	dst = dst[:n]
	copy(dst, f[:2*macLen])
	copy(dst[2*macLen:], f[2*macLen+tagLen:])
	return dst
}
