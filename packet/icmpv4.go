package packet

import "encoding/binary"

// ICMPv4 is a view over an ICMP message (RFC 792). Every message starts
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Type      |     Code      |          Checksum             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|   Identifier (queries)        |   Sequence Number (queries)   |
//	|   or unused / next-hop MTU (errors: RFC 1191)                 |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     Data (errors: the offending IP header + 64 bits of data)  |
//
// The checksum covers the whole ICMP message. Accessors do not check bounds.
type ICMPv4 []byte

const (
	icmpType     = 0
	icmpCode     = 1
	icmpChecksum = 2
	icmpID       = 4
	icmpSeq      = 6
	icmpMTU      = 6

	// ICMPv4MinimumSize is the fixed part every message has.
	ICMPv4MinimumSize = 8
)

// ICMPv4 types (RFC 792, RFC 950).
const (
	ICMPEchoReply        uint8 = 0
	ICMPDestUnreachable  uint8 = 3
	ICMPSourceQuench     uint8 = 4
	ICMPRedirect         uint8 = 5
	ICMPEcho             uint8 = 8
	ICMPTimeExceeded     uint8 = 11
	ICMPParamProblem     uint8 = 12
	ICMPTimestamp        uint8 = 13
	ICMPTimestampReply   uint8 = 14
	ICMPInfoRequest      uint8 = 15
	ICMPInfoReply        uint8 = 16
	ICMPAddressMask      uint8 = 17
	ICMPAddressMaskReply uint8 = 18
)

// Destination-unreachable codes (RFC 792, RFC 1812 §5.2.7.1).
const (
	ICMPNetUnreachable     uint8 = 0
	ICMPHostUnreachable    uint8 = 1
	ICMPProtoUnreachable   uint8 = 2
	ICMPPortUnreachable    uint8 = 3
	ICMPFragNeeded         uint8 = 4
	ICMPSourceRouteFailed  uint8 = 5
	ICMPNetProhibited      uint8 = 9
	ICMPHostProhibited     uint8 = 10
	ICMPAdminProhibited    uint8 = 13 // "Communication Administratively Prohibited"
	ICMPTTLExceededTransit uint8 = 0  // time-exceeded code
	ICMPReassemblyExceeded uint8 = 1  // time-exceeded code
)

// ICMPIsQuery reports whether messages of type t carry an identifier and a
// sequence number (echo, timestamp, information, address mask).
func ICMPIsQuery(t uint8) bool {
	switch t {
	case ICMPEcho, ICMPEchoReply, ICMPTimestamp, ICMPTimestampReply,
		ICMPInfoRequest, ICMPInfoReply, ICMPAddressMask, ICMPAddressMaskReply:
		return true
	}
	return false
}

// ICMPIsError reports whether messages of type t quote an offending packet.
func ICMPIsError(t uint8) bool {
	switch t {
	case ICMPDestUnreachable, ICMPSourceQuench, ICMPRedirect, ICMPTimeExceeded, ICMPParamProblem:
		return true
	}
	return false
}

func (b ICMPv4) Type() uint8      { return b[icmpType] }
func (b ICMPv4) Code() uint8      { return b[icmpCode] }
func (b ICMPv4) Checksum() uint16 { return binary.BigEndian.Uint16(b[icmpChecksum:]) }
func (b ICMPv4) ID() uint16       { return binary.BigEndian.Uint16(b[icmpID:]) }
func (b ICMPv4) Seq() uint16      { return binary.BigEndian.Uint16(b[icmpSeq:]) }
func (b ICMPv4) MTU() uint16      { return binary.BigEndian.Uint16(b[icmpMTU:]) }
func (b ICMPv4) Payload() []byte  { return b[ICMPv4MinimumSize:] }

// SetChecksum stores v in the checksum field.
func (b ICMPv4) SetChecksum(v uint16) { binary.BigEndian.PutUint16(b[icmpChecksum:], v) }

// CalculateChecksum returns the checksum of the whole message b as it
// should be stored, ignoring the field's current value.
func (b ICMPv4) CalculateChecksum() uint16 {
	sum := Checksum(b[:icmpChecksum], 0)
	return ^Checksum(b[icmpChecksum+2:], sum)
}

// SetType stores the type and updates the checksum incrementally.
func (b ICMPv4) SetType(t uint8) {
	old := binary.BigEndian.Uint16(b[icmpType:])
	b[icmpType] = t
	b.SetChecksum(UpdateChecksum16(b.Checksum(), old, binary.BigEndian.Uint16(b[icmpType:])))
}

// SetID stores the identifier and updates the checksum incrementally.
func (b ICMPv4) SetID(id uint16) {
	b.SetChecksum(UpdateChecksum16(b.Checksum(), b.ID(), id))
	binary.BigEndian.PutUint16(b[icmpID:], id)
}
