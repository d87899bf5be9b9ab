package ntp

import (
	"encoding/binary"
	"errors"
	"time"
)

// PacketSize is an NTP header without extensions or authenticator.
const PacketSize = 48

// NTP modes (RFC 4330 section 4).
const (
	ModeClient    = 3
	ModeServer    = 4
	ModeBroadcast = 5
)

// MaxStratum is the highest valid stratum; 16 (and 0, a kiss-o'-death)
// means unsynchronised.
const MaxStratum = 15

// Packet is the part of an NTP header an SNTP client reads.
type Packet struct {
	Leap, Version, Mode   uint8
	Stratum               uint8
	Poll, Precision       int8
	RootDelay             uint32 // NTP short format, 16.16 seconds
	RootDispersion        uint32
	RefID                 [4]byte
	Ref, Orig, Recv, Xmit Timestamp
}

// Timestamp is the NTP 64-bit timestamp: seconds since 1900 and a binary
// fraction.
type Timestamp uint64

// ntpUnixOffset is the seconds from 1900-01-01 to 1970-01-01.
const ntpUnixOffset = 2208988800

// ToTimestamp converts t (between 1968 and 2104, era 0 and the start of
// era 1, as RFC 4330 section 3 allows).
func ToTimestamp(t time.Time) Timestamp {
	sec := uint64(t.Unix()+ntpUnixOffset) & 0xffffffff
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return Timestamp(sec<<32 | frac)
}

// Time converts ts back; seconds with the top bit clear are in era 1
// (after 2036-02-07), RFC 4330's rule.
func (ts Timestamp) Time() time.Time {
	sec := int64(ts >> 32)
	if sec&0x80000000 == 0 {
		sec += 1 << 32
	}
	nsec := int64((uint64(ts) & 0xffffffff) * 1e9 >> 32)
	return time.Unix(sec-ntpUnixOffset, nsec).UTC()
}

// Errors of Parse.
var (
	ErrShort   = errors.New("ntp: packet shorter than 48 bytes")
	ErrVersion = errors.New("ntp: unsupported version")
)

// Parse reads an NTP header from b (a UDP payload). It checks the length
// and the version only; the client checks the rest against its request.
func Parse(b []byte) (Packet, error) {
	if len(b) < PacketSize {
		return Packet{}, ErrShort
	}
	p := Packet{
		Leap:           b[0] >> 6,
		Version:        b[0] >> 3 & 7,
		Mode:           b[0] & 7,
		Stratum:        b[1],
		Poll:           int8(b[2]),
		Precision:      int8(b[3]),
		RootDelay:      binary.BigEndian.Uint32(b[4:]),
		RootDispersion: binary.BigEndian.Uint32(b[8:]),
		Ref:            Timestamp(binary.BigEndian.Uint64(b[16:])),
		Orig:           Timestamp(binary.BigEndian.Uint64(b[24:])),
		Recv:           Timestamp(binary.BigEndian.Uint64(b[32:])),
		Xmit:           Timestamp(binary.BigEndian.Uint64(b[40:])),
	}
	copy(p.RefID[:], b[12:16])
	if p.Version < 1 || p.Version > 4 {
		return p, ErrVersion
	}
	return p, nil
}

// Append appends p's 48 bytes to b.
func (p *Packet) Append(b []byte) []byte {
	b = append(b, p.Leap<<6|(p.Version&7)<<3|p.Mode&7, p.Stratum, byte(p.Poll), byte(p.Precision))
	b = binary.BigEndian.AppendUint32(b, p.RootDelay)
	b = binary.BigEndian.AppendUint32(b, p.RootDispersion)
	b = append(b, p.RefID[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(p.Ref))
	b = binary.BigEndian.AppendUint64(b, uint64(p.Orig))
	b = binary.BigEndian.AppendUint64(b, uint64(p.Recv))
	return binary.BigEndian.AppendUint64(b, uint64(p.Xmit))
}

// shortMillis converts the NTP short format (16.16 seconds) to milliseconds.
func shortMillis(v uint32) float64 { return float64(v) * 1000 / 65536 }
