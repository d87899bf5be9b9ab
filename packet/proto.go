package packet

import "strconv"

// Proto is an IP protocol number (RFC 790 "Assigned Numbers", the IPv4
// Protocol field).
type Proto uint8

// Protocol numbers the router knows by name.
const (
	ProtoICMP Proto = 1
	ProtoIGMP Proto = 2
	ProtoTCP  Proto = 6
	ProtoUDP  Proto = 17
	ProtoGRE  Proto = 47
	ProtoESP  Proto = 50
	ProtoAH   Proto = 51
	ProtoOSPF Proto = 89
)

// String returns the IOS keyword for well-known protocols and the decimal
// number otherwise.
func (p Proto) String() string {
	switch p {
	case ProtoICMP:
		return "icmp"
	case ProtoIGMP:
		return "igmp"
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoGRE:
		return "gre"
	case ProtoESP:
		return "esp"
	case ProtoAH:
		return "ahp"
	case ProtoOSPF:
		return "ospf"
	}
	return strconv.Itoa(int(p))
}

// FragKind tells where an IPv4 packet sits in a fragment train.
type FragKind uint8

const (
	// NotFragment is a whole datagram (MF clear and offset 0).
	NotFragment FragKind = iota
	// FirstFragment has offset 0 and MF set: it carries the transport header.
	FirstFragment
	// LaterFragment has a non-zero offset: it carries no transport header,
	// so ports and ICMP fields are not valid.
	LaterFragment
)

func (f FragKind) String() string {
	switch f {
	case NotFragment:
		return "none"
	case FirstFragment:
		return "first"
	case LaterFragment:
		return "later"
	}
	return "FragKind(" + strconv.Itoa(int(f)) + ")"
}
