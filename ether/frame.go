package ether

import "encoding/binary"

// Ethernet II framing with an optional 802.1Q tag (IEEE 802.3 §3.1,
// IEEE 802.1Q §9):
//
//	+----------+----------+-----------------+-----------+---------
//	| dst MAC  | src MAC  | [0x8100 | TCI]  | EtherType | payload
//	|  6 bytes |  6 bytes | [2    +  2    ] |  2 bytes  |
//	+----------+----------+-----------------+-----------+---------
//
// The TCI holds the priority (3 bits), DEI (1 bit) and VLAN ID (12 bits).
// Frames have no FCS here: devices strip it.

const (
	ethDst  = 0
	ethSrc  = 6
	ethType = 12

	// HeaderSize is an untagged Ethernet header.
	HeaderSize = 14
	// TaggedHeaderSize is a header with one 802.1Q tag.
	TaggedHeaderSize = 18
	// minFrame is the shortest frame on the wire without FCS; shorter
	// frames are padded.
	minFrame = 60

	// EtherType values.
	TypeIPv4 = 0x0800
	TypeARP  = 0x0806
	TypeVLAN = 0x8100

	vlanMask = 0x0fff
	// MaxVLAN is the highest usable VLAN ID (4095 is reserved).
	MaxVLAN = 4094
)

// Frame is a view over an Ethernet frame. Accessors do not check bounds:
// call Decode.
type Frame []byte

// Dst is the destination MAC.
func (f Frame) Dst() MAC { return MAC(f[ethDst : ethDst+6]) }

// Src is the source MAC.
func (f Frame) Src() MAC { return MAC(f[ethSrc : ethSrc+6]) }

// decoded is what the receive path needs from a frame's header.
type decoded struct {
	dst, src MAC
	vlan     uint16 // VLAN ID; 0 when untagged or priority-tagged
	tagged   bool   // an 802.1Q tag with a nonzero VLAN ID
	etype    uint16 // the EtherType after any tag
	payload  int    // offset of the payload
}

// decode reads f's header; ok is false for a frame too short to hold one.
func decode(f []byte) (d decoded, ok bool) {
	if len(f) < HeaderSize {
		return d, false
	}
	d.dst, d.src = MAC(f[ethDst:ethDst+6]), MAC(f[ethSrc:ethSrc+6])
	d.etype = binary.BigEndian.Uint16(f[ethType:])
	d.payload = HeaderSize
	if d.etype == TypeVLAN {
		if len(f) < TaggedHeaderSize {
			return d, false
		}
		d.vlan = binary.BigEndian.Uint16(f[ethType+2:]) & vlanMask
		d.tagged = d.vlan != 0
		d.etype = binary.BigEndian.Uint16(f[ethType+4:])
		d.payload = TaggedHeaderSize
	}
	return d, true
}

// headerSize is the size of a header written for VLAN vlan (0: untagged).
func headerSize(vlan uint16) int {
	if vlan != 0 {
		return TaggedHeaderSize
	}
	return HeaderSize
}

// putHeader writes an Ethernet header at the start of b (which must hold
// headerSize(vlan) bytes) and returns its size.
func putHeader(b []byte, dst, src MAC, vlan, etype uint16) int {
	copy(b[ethDst:], dst[:])
	copy(b[ethSrc:], src[:])
	if vlan == 0 {
		binary.BigEndian.PutUint16(b[ethType:], etype)
		return HeaderSize
	}
	binary.BigEndian.PutUint16(b[ethType:], TypeVLAN)
	binary.BigEndian.PutUint16(b[ethType+2:], vlan&vlanMask)
	binary.BigEndian.PutUint16(b[ethType+4:], etype)
	return TaggedHeaderSize
}
