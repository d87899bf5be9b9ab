package packet

import "encoding/binary"

// UDP is a view over a UDP header (RFC 768):
//
//	 0      7 8     15 16    23 24    31
//	+--------+--------+--------+--------+
//	|     Source      |   Destination   |
//	|      Port       |      Port       |
//	+--------+--------+--------+--------+
//	|                 |                 |
//	|     Length      |    Checksum     |
//	+--------+--------+--------+--------+
//
// A zero checksum means the sender computed none; a computed zero is sent as
// 0xffff. Accessors do not check bounds.
type UDP []byte

const (
	udpSrcPort  = 0
	udpDstPort  = 2
	udpLength   = 4
	udpChecksum = 6

	// UDPSize is the header size.
	UDPSize = 8
)

func (b UDP) SrcPort() uint16  { return binary.BigEndian.Uint16(b[udpSrcPort:]) }
func (b UDP) DstPort() uint16  { return binary.BigEndian.Uint16(b[udpDstPort:]) }
func (b UDP) Length() uint16   { return binary.BigEndian.Uint16(b[udpLength:]) }
func (b UDP) Checksum() uint16 { return binary.BigEndian.Uint16(b[udpChecksum:]) }

// SetChecksum stores v in the checksum field.
func (b UDP) SetChecksum(v uint16) { binary.BigEndian.PutUint16(b[udpChecksum:], v) }

// Encode writes a header with a zero checksum.
func (b UDP) Encode(src, dst, length uint16) {
	binary.BigEndian.PutUint16(b[udpSrcPort:], src)
	binary.BigEndian.PutUint16(b[udpDstPort:], dst)
	binary.BigEndian.PutUint16(b[udpLength:], length)
	binary.BigEndian.PutUint16(b[udpChecksum:], 0)
}
