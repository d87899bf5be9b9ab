package packet

import "encoding/binary"

// TCP is a view over a TCP header (RFC 793 §3.1):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|          Source Port          |       Destination Port        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                        Sequence Number                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    Acknowledgment Number                      |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Data |           |U|A|P|R|S|F|                               |
//	| Offset| Reserved  |R|C|S|S|Y|I|            Window             |
//	|       |           |G|K|H|T|N|N|                               |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Checksum            |         Urgent Pointer        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Accessors do not check bounds.
type TCP []byte

const (
	tcpSrcPort  = 0
	tcpDstPort  = 2
	tcpSeq      = 4
	tcpAck      = 8
	tcpDataOff  = 12
	tcpFlags    = 13
	tcpWindow   = 14
	tcpChecksum = 16
	tcpUrgent   = 18

	// TCPMinimumSize is a header without options.
	TCPMinimumSize = 20
)

// TCP flag bits (the low byte of the offset/flags word).
const (
	TCPFin uint8 = 1 << iota
	TCPSyn
	TCPRst
	TCPPsh
	TCPAck
	TCPUrg
	TCPEce
	TCPCwr
)

func (b TCP) SrcPort() uint16       { return binary.BigEndian.Uint16(b[tcpSrcPort:]) }
func (b TCP) DstPort() uint16       { return binary.BigEndian.Uint16(b[tcpDstPort:]) }
func (b TCP) Seq() uint32           { return binary.BigEndian.Uint32(b[tcpSeq:]) }
func (b TCP) Ack() uint32           { return binary.BigEndian.Uint32(b[tcpAck:]) }
func (b TCP) DataOffset() int       { return int(b[tcpDataOff]>>4) * 4 }
func (b TCP) Flags() uint8          { return b[tcpFlags] }
func (b TCP) Window() uint16        { return binary.BigEndian.Uint16(b[tcpWindow:]) }
func (b TCP) Checksum() uint16      { return binary.BigEndian.Uint16(b[tcpChecksum:]) }
func (b TCP) UrgentPointer() uint16 { return binary.BigEndian.Uint16(b[tcpUrgent:]) }

// Options is the option area between the fixed header and the data.
func (b TCP) Options() []byte { return b[TCPMinimumSize:b.DataOffset()] }

// SetChecksum stores v in the checksum field.
func (b TCP) SetChecksum(v uint16) { binary.BigEndian.PutUint16(b[tcpChecksum:], v) }

// SetSeq stores the sequence number and updates the checksum incrementally.
func (b TCP) SetSeq(v uint32) {
	b.SetChecksum(UpdateChecksum32(b.Checksum(), b.Seq(), v))
	binary.BigEndian.PutUint32(b[tcpSeq:], v)
}

// SetAck stores the acknowledgment number and updates the checksum
// incrementally.
func (b TCP) SetAck(v uint32) {
	b.SetChecksum(UpdateChecksum32(b.Checksum(), b.Ack(), v))
	binary.BigEndian.PutUint32(b[tcpAck:], v)
}
