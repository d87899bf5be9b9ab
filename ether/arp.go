package ether

import (
	"encoding/binary"
	"net/netip"
)

// ARP is a view over an ARP packet for IPv4 over Ethernet (RFC 826):
//
//	+-------+-------+----+----+------+-----+-----+-----+-----+
//	| htype | ptype |hlen|plen|  op  | sha | spa | tha | tpa |
//	|   2   |   2   | 1  | 1  |  2   |  6  |  4  |  6  |  4  |
//	+-------+-------+----+----+------+-----+-----+-----+-----+
//
// Accessors do not check bounds: call IsValid first.
type ARP []byte

const (
	arpHType = 0
	arpPType = 2
	arpHLen  = 4
	arpPLen  = 5
	arpOp    = 6
	arpSHA   = 8
	arpSPA   = 14
	arpTHA   = 18
	arpTPA   = 24

	// ARPSize is an ARP packet for IPv4 over Ethernet.
	ARPSize = 28

	arpHTypeEthernet = 1

	// ARP operations.
	ARPRequest = 1
	ARPReply   = 2
)

// IsValid reports whether a is a whole ARP request or reply for IPv4 over
// Ethernet; anything else (RARP, other hardware) is not ours to answer.
func (a ARP) IsValid() bool {
	if len(a) < ARPSize {
		return false
	}
	op := a.Op()
	return binary.BigEndian.Uint16(a[arpHType:]) == arpHTypeEthernet &&
		binary.BigEndian.Uint16(a[arpPType:]) == TypeIPv4 &&
		a[arpHLen] == 6 && a[arpPLen] == 4 && (op == ARPRequest || op == ARPReply)
}

// Op is the operation (ARPRequest, ARPReply).
func (a ARP) Op() uint16 { return binary.BigEndian.Uint16(a[arpOp:]) }

// SHA is the sender hardware address.
func (a ARP) SHA() MAC { return MAC(a[arpSHA : arpSHA+6]) }

// SPA is the sender protocol address.
func (a ARP) SPA() netip.Addr { return netip.AddrFrom4([4]byte(a[arpSPA : arpSPA+4])) }

// THA is the target hardware address.
func (a ARP) THA() MAC { return MAC(a[arpTHA : arpTHA+6]) }

// TPA is the target protocol address.
func (a ARP) TPA() netip.Addr { return netip.AddrFrom4([4]byte(a[arpTPA : arpTPA+4])) }

// putARP writes an ARP packet into b (ARPSize bytes).
func putARP(b []byte, op uint16, sha MAC, spa [4]byte, tha MAC, tpa [4]byte) {
	binary.BigEndian.PutUint16(b[arpHType:], arpHTypeEthernet)
	binary.BigEndian.PutUint16(b[arpPType:], TypeIPv4)
	b[arpHLen], b[arpPLen] = 6, 4
	binary.BigEndian.PutUint16(b[arpOp:], op)
	copy(b[arpSHA:], sha[:])
	copy(b[arpSPA:], spa[:])
	copy(b[arpTHA:], tha[:])
	copy(b[arpTPA:], tpa[:])
}

// opName is the operation as debug arp prints it.
func opName(op uint16) string {
	if op == ARPReply {
		return "rep"
	}
	return "req"
}
