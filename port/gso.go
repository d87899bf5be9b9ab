package port

import (
	"encoding/binary"
	"errors"

	"natlab/packet"
)

// This file makes the offloaded packets a Linux device hands an AF_PACKET
// socket with PACKET_VNET_HDR wire-correct: a virtio_net_hdr says that a
// transport checksum is only partly computed (NEEDS_CSUM) or that the
// "frame" is a TCP or UDP segmentation offload super-packet of up to 64 KB
// that the hardware (here: nobody) would cut into MTU-sized segments. A
// veth peer hands over both, because the sending stack expects them to be
// finished later. The functions here are pure, so the rules are tested
// without a kernel.

// vnetHdrLen is sizeof(struct virtio_net_hdr), the header PACKET_VNET_HDR
// puts before every frame read and expects before every frame written.
const vnetHdrLen = 10

// virtio_net_hdr flags and GSO types (linux/virtio_net.h).
const (
	vnetNeedsCsum = 1
	vnetGSONone   = 0
	vnetGSOTCPv4  = 1
	vnetGSOUDPL4  = 5
	vnetGSOECN    = 0x80
)

// vnetHdr is a decoded struct virtio_net_hdr. AF_PACKET writes it in host
// byte order (vio_le() on a legacy header is the host's order).
type vnetHdr struct {
	Flags      uint8
	GSOType    uint8
	HdrLen     uint16
	GSOSize    uint16
	CsumStart  uint16
	CsumOffset uint16
}

func decodeVnetHdr(b []byte) vnetHdr {
	_ = b[vnetHdrLen-1]
	e := binary.NativeEndian
	return vnetHdr{Flags: b[0], GSOType: b[1], HdrLen: e.Uint16(b[2:]), GSOSize: e.Uint16(b[4:]),
		CsumStart: e.Uint16(b[6:]), CsumOffset: e.Uint16(b[8:])}
}

func (h vnetHdr) encode(b []byte) {
	_ = b[vnetHdrLen-1]
	e := binary.NativeEndian
	b[0], b[1] = h.Flags, h.GSOType
	e.PutUint16(b[2:], h.HdrLen)
	e.PutUint16(b[4:], h.GSOSize)
	e.PutUint16(b[6:], h.CsumStart)
	e.PutUint16(b[8:], h.CsumOffset)
}

var errGSO = errors.New("malformed offload packet")

// completeChecksum finishes a CHECKSUM_PARTIAL frame: the field at
// start+off holds the pseudo-header sum and the checksum covers
// frame[start:] up to the end of the IP packet (not Ethernet padding).
// As the kernel's skb_checksum_help does, the result is the complement of
// the folded sum; a zero becomes 0xffff, which UDP requires (RFC 768) and
// TCP reads as the same value.
func completeChecksum(frame []byte, start, off int) error {
	end := ipEnd(frame)
	if start < 14 || off < 0 || start+off+2 > end {
		return errGSO
	}
	c := ^packet.Checksum(frame[start:end], 0)
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(frame[start+off:], c)
	return nil
}

// l3Offset is where the network header starts behind the Ethernet header
// and up to two VLAN tags, and its EtherType; 0 when the frame is too short.
func l3Offset(frame []byte) (int, uint16) {
	o := 12
	for tags := 0; ; tags++ {
		if o+2 > len(frame) {
			return 0, 0
		}
		t := binary.BigEndian.Uint16(frame[o:])
		if (t != 0x8100 && t != 0x88a8) || tags == 2 {
			return o + 2, t
		}
		o += 4
	}
}

// ipEnd is where an IPv4 packet in frame ends by its total length (so
// padding is not summed), else the frame's end.
func ipEnd(frame []byte) int {
	l3, et := l3Offset(frame)
	if et != 0x0800 || l3+20 > len(frame) {
		return len(frame)
	}
	tl := int(binary.BigEndian.Uint16(frame[l3+2:]))
	if tl >= 20 && l3+tl <= len(frame) {
		return l3 + tl
	}
	return len(frame)
}

// gsoPlan is a parsed IPv4 TCP or UDP super-packet and how it splits.
type gsoPlan struct {
	l3, l4, hdrEnd int // offsets in the super-frame: IP header, transport header, payload
	end            int // payload end
	mss            int // payload bytes per segment
	segs           int
	udp            bool
	id             uint16 // first segment's IP ID
	seq            uint32 // first segment's TCP sequence number
}

// planGSO checks a super-frame against its header and works out its
// segments. Only IPv4 TCP (GSO_TCPV4) and UDP (GSO_UDP_L4) are split: the
// router speaks IPv4 only, and UFO (IP fragmentation) is gone from Linux.
func planGSO(frame []byte, h vnetHdr) (gsoPlan, error) {
	l3, et := l3Offset(frame)
	if et != 0x0800 {
		return gsoPlan{}, errGSO
	}
	return planGSOAt(frame, l3, h.GSOType, h.GSOSize)
}

// planGSOAt is planGSO for a super-packet whose IPv4 header starts at l3
// (0 for a TUN's bare IP packets).
func planGSOAt(frame []byte, l3 int, gsoType uint8, gsoSize uint16) (gsoPlan, error) {
	var p gsoPlan
	typ := gsoType &^ vnetGSOECN
	if typ != vnetGSOTCPv4 && typ != vnetGSOUDPL4 || gsoSize == 0 {
		return p, errGSO
	}
	if l3+20 > len(frame) || frame[l3]>>4 != 4 {
		return p, errGSO
	}
	ihl := int(frame[l3]&0xf) * 4
	p.l3, p.l4 = l3, l3+ihl
	if ihl < 20 || p.l4+8 > len(frame) {
		return p, errGSO
	}
	if binary.BigEndian.Uint16(frame[l3+6:])&0x3fff != 0 {
		return p, errGSO // a fragment cannot be segmented
	}
	proto := frame[l3+9]
	switch {
	case typ == vnetGSOTCPv4 && proto == 6:
		if p.l4+20 > len(frame) {
			return p, errGSO
		}
		thl := int(frame[p.l4+12]>>4) * 4
		if thl < 20 || p.l4+thl > len(frame) {
			return p, errGSO
		}
		p.hdrEnd = p.l4 + thl
		p.seq = binary.BigEndian.Uint32(frame[p.l4+4:])
	case typ == vnetGSOUDPL4 && proto == 17:
		p.hdrEnd, p.udp = p.l4+8, true
	default:
		return p, errGSO
	}
	// The super-packet's IP total length is not trusted (it may be 0 for
	// packets over 64 KB); the frame's end is the payload's end.
	p.end = len(frame)
	p.mss = int(gsoSize)
	payload := p.end - p.hdrEnd
	if payload <= 0 {
		return p, errGSO
	}
	if p.hdrEnd-p.l3+min(p.mss, payload) > 0xffff {
		return p, errGSO // a segment would not fit an IP packet
	}
	p.segs = (payload + p.mss - 1) / p.mss
	p.id = binary.BigEndian.Uint16(frame[l3+4:])
	return p, nil
}

// segment writes segment k of the super-frame into dst and returns its
// length. When dst is too small the frame is cut short (as Read truncates
// any frame), but its headers and checksums are those of the whole
// segment; a dst that cannot hold the headers gets nothing (0).
func (p *gsoPlan) segment(frame []byte, k int, dst []byte) int {
	if k < 0 || k >= p.segs || len(dst) < p.hdrEnd {
		return 0
	}
	from := p.hdrEnd + k*p.mss
	to := min(from+p.mss, p.end)
	payload := frame[from:to]
	copy(dst, frame[:p.hdrEnd])
	ip := dst[p.l3:p.l4]
	l4 := dst[p.l4:p.hdrEnd]
	l4len := len(l4) + len(payload)
	binary.BigEndian.PutUint16(ip[2:], uint16(p.l4-p.l3+l4len))
	binary.BigEndian.PutUint16(ip[4:], p.id+uint16(k))
	binary.BigEndian.PutUint16(ip[10:], 0)
	binary.BigEndian.PutUint16(ip[10:], ^packet.Checksum(ip, 0))
	var csum int
	if p.udp {
		binary.BigEndian.PutUint16(l4[4:], uint16(l4len))
		csum = 6
	} else {
		binary.BigEndian.PutUint32(l4[4:], p.seq+uint32(k*p.mss))
		flags := l4[13]
		if k != p.segs-1 {
			flags &^= 0x01 | 0x08 // FIN and PSH only on the last segment
		}
		if k != 0 {
			flags &^= 0x80 // CWR only on the first
		}
		l4[13] = flags
		csum = 16
	}
	binary.BigEndian.PutUint16(l4[csum:], 0)
	sum := pseudoSum(ip, l4len)
	sum = packet.Checksum(l4, sum) // even length: TCP header is 4-byte words, UDP 8 bytes
	c := ^packet.Checksum(payload, sum)
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(l4[csum:], c)
	n := copy(dst[p.hdrEnd:], payload)
	return p.hdrEnd + n
}

// pseudoSum is the folded sum of the IPv4 pseudo-header of ip's transport.
func pseudoSum(ip []byte, l4len int) uint16 {
	var ph [12]byte
	copy(ph[:8], ip[12:20])
	ph[9] = ip[9]
	binary.BigEndian.PutUint16(ph[10:], uint16(l4len))
	return packet.Checksum(ph[:], 0)
}
