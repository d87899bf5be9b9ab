package port

import (
	"encoding/binary"

	"natlab/packet"
)

// These are the IP-level counterparts of the frame functions in gso.go: a
// TUN's packets start with the IPv4 header. The router calls them where it
// must see or change individual segments (an inspected FTP control
// connection, an egress MTU below the segment size, a port without
// offloads), and the fast TUN's plain Read uses them.

// vnetType is o's virtio-net GSO type.
func (o Offload) vnetType() uint8 {
	switch o.GSO {
	case GSOTCPv4:
		return vnetGSOTCPv4
	case GSOUDPL4:
		return vnetGSOUDPL4
	case GSOTCPv6:
		return 4 // VIRTIO_NET_HDR_GSO_TCPV6: planGSOAt refuses it
	}
	return vnetGSONone
}

// OffloadSegments is how many packets pkt stands for: 1 for a plain
// packet, the segment count of a super-packet, and 0 when the super-packet
// does not match its offload header.
func OffloadSegments(pkt []byte, o Offload) int {
	if o.GSO == GSONone {
		return 1
	}
	plan, err := planGSOAt(pkt, 0, o.vnetType(), o.GSOSize)
	if err != nil {
		return 0
	}
	return plan.segs
}

// SegmentLen is the length of the longest packet super-packet pkt is cut
// into: its headers plus one segment's payload. It is what an egress MTU is
// checked against (the kernel's skb_gso_validate_network_len). For a plain
// packet it is the IP total length.
func SegmentLen(pkt []byte, o Offload) int {
	if o.GSO == GSONone {
		if len(pkt) >= 4 {
			return int(binary.BigEndian.Uint16(pkt[2:]))
		}
		return len(pkt)
	}
	plan, err := planGSOAt(pkt, 0, o.vnetType(), o.GSOSize)
	if err != nil {
		return len(pkt)
	}
	return plan.hdrEnd + min(plan.mss, plan.end-plan.hdrEnd)
}

// SplitOffload cuts super-packet pkt into finished packets, as the kernel's
// segmentation would: segment k goes to segs[k] with its length in
// sizes[k], with its own IP total length, ID and header checksum, its TCP
// sequence number (FIN and PSH on the last segment only, CWR on the first)
// or UDP length, and a full transport checksum. A plain packet is copied
// with its partial checksum finished. It returns the number of packets, or
// an error when pkt is malformed or segs has too few buffers (a buffer too
// short for its segment gets a truncated one).
func SplitOffload(pkt []byte, o Offload, segs [][]byte, sizes []int) (int, error) {
	if o.GSO == GSONone {
		if len(segs) == 0 {
			return 0, errGSO
		}
		n := copy(segs[0], pkt)
		if o.NeedsCsum {
			if err := FinishChecksum(segs[0][:n], o); err != nil {
				return 0, err
			}
		}
		sizes[0] = n
		return 1, nil
	}
	plan, err := planGSOAt(pkt, 0, o.vnetType(), o.GSOSize)
	if err != nil {
		return 0, err
	}
	if plan.segs > len(segs) || plan.segs > len(sizes) {
		return 0, errGSO
	}
	for k := 0; k < plan.segs; k++ {
		sizes[k] = plan.segment(pkt, k, segs[k])
		if sizes[k] == 0 {
			return 0, errGSO
		}
	}
	return plan.segs, nil
}

// FinishChecksum completes the partial transport checksum of a plain packet
// (o.NeedsCsum: the field holds only the pseudo-header sum): the sum runs
// from CsumStart to the end of the IP packet by its total length.
func FinishChecksum(pkt []byte, o Offload) error {
	if !o.NeedsCsum {
		return nil
	}
	if len(pkt) < 20 {
		return errGSO
	}
	end := int(binary.BigEndian.Uint16(pkt[2:]))
	start, off := int(o.CsumStart), int(o.CsumOffset)
	if end > len(pkt) || start < 20 || start+off+2 > end {
		return errGSO
	}
	c := ^packet.Checksum(pkt[start:end], 0)
	if c == 0 {
		c = 0xffff
	}
	binary.BigEndian.PutUint16(pkt[start+off:], c)
	return nil
}
