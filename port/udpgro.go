package port

import (
	"encoding/binary"

	"natlab/packet"
)

// Userspace GRO for UDP: datagrams of one flow that leave in one batch are
// written to a TUN with offloads as one UDP segmentation offload (USO)
// super-packet, which the kernel cuts back into the same datagrams for the
// receiving stack. A flood of small datagrams then costs one write and one
// pass through the TUN's receive path per batch instead of per datagram.
// The rules are the kernel's udp_gro_receive's, stricter where a datagram
// must come out exactly as it went in: plain IPv4 (no options, not a
// fragment), the same addresses, ports, TOS, TTL and DF, IP IDs that count
// up by one (the kernel numbers the segments so), a valid non-zero UDP
// checksum (the super-packet's is the kernel's to finish, so a corrupt
// datagram would come out repaired) or a partial one the sending kernel
// left, and one payload size, the last datagram alone allowed to be
// shorter.

// maxUDPCoalesce bounds the datagrams in one super-packet.
const maxUDPCoalesce = 64

// udpHdrEnd is where a plain UDP/IPv4 datagram's payload starts.
const udpHdrEnd = 20 + 8

// udpGROHead reports whether pkt, with offload o, may be part of a
// coalesced run, and its payload length. A finished checksum must verify;
// a partial one (the sending kernel's, which it would have finished the
// same way segment by segment) is taken as it is.
func udpGROHead(pkt []byte, o Offload) (int, bool) {
	partial := o == Offload{NeedsCsum: true, CsumStart: 20, CsumOffset: 6}
	if !o.IsZero() && !partial ||
		len(pkt) <= udpHdrEnd || pkt[0] != 0x45 || pkt[9] != 17 ||
		int(binary.BigEndian.Uint16(pkt[2:])) != len(pkt) ||
		binary.BigEndian.Uint16(pkt[6:])&0x3fff != 0 ||
		int(binary.BigEndian.Uint16(pkt[24:])) != len(pkt)-20 ||
		!packet.IPv4(pkt).HeaderChecksumOK() {
		return 0, false
	}
	if !partial && (binary.BigEndian.Uint16(pkt[26:]) == 0 ||
		packet.Checksum(pkt[20:], packet.Checksum(pkt[12:20], uint16(17)+uint16(len(pkt)-20))) != 0xffff) {
		return 0, false
	}
	return len(pkt) - udpHdrEnd, true
}

// udpGROFollows reports whether pkt continues the run that head starts, as
// its k-th datagram (k >= 1), and whether it must be the run's last
// (a shorter payload).
func udpGROFollows(head, pkt []byte, o Offload, k, size int) (ok, last bool) {
	n, ok := udpGROHead(pkt, o)
	if !ok || n > size || pkt[1] != head[1] || pkt[8] != head[8] ||
		pkt[6]&0x40 != head[6]&0x40 ||
		string(pkt[12:24]) != string(head[12:24]) ||
		binary.BigEndian.Uint16(pkt[4:]) != binary.BigEndian.Uint16(head[4:])+uint16(k) {
		return false, false
	}
	return true, n < size
}

// udpGRORun is how many packets from bufs[0] on (each at offset, offl[k]
// its offload, nil for none) go out as one super-packet: 1 when the first
// does not coalesce with the next.
func udpGRORun(bufs [][]byte, offl []Offload, offset int) int {
	at := func(k int) Offload {
		if offl == nil {
			return Offload{}
		}
		return offl[k]
	}
	if len(bufs) < 2 || len(bufs[0]) <= offset {
		return 1
	}
	head := bufs[0][offset:]
	size, ok := udpGROHead(head, at(0))
	if !ok {
		return 1
	}
	total := len(head)
	n := 1
	for n < len(bufs) && n < maxUDPCoalesce {
		if len(bufs[n]) <= offset {
			break
		}
		pkt := bufs[n][offset:]
		ok, last := udpGROFollows(head, pkt, at(n), n, size)
		if !ok || total+len(pkt)-udpHdrEnd > 0xffff {
			break
		}
		total += len(pkt) - udpHdrEnd
		n++
		if last {
			break
		}
	}
	return n
}

// udpGROHeader writes into hdr the IP and UDP header of the super-packet
// made of the datagrams in run (each at offset), and returns its virtio-net
// header: the transport checksum the pseudo-header sum over the whole
// length, for the kernel to finish segment by segment.
func udpGROHeader(hdr []byte, run [][]byte, offset int) vnetHdr {
	head := run[0][offset:]
	copy(hdr, head[:udpHdrEnd])
	total := udpHdrEnd
	for _, b := range run {
		total += len(b) - offset - udpHdrEnd
	}
	binary.BigEndian.PutUint16(hdr[2:], uint16(total))
	binary.BigEndian.PutUint16(hdr[10:], 0)
	binary.BigEndian.PutUint16(hdr[10:], ^packet.Checksum(hdr[:20], 0))
	binary.BigEndian.PutUint16(hdr[24:], uint16(total-20))
	binary.BigEndian.PutUint16(hdr[26:], packet.Checksum(hdr[12:20], uint16(17)+uint16(total-20)))
	return vnetHdr{Flags: vnetNeedsCsum, GSOType: vnetGSOUDPL4, HdrLen: udpHdrEnd,
		GSOSize: uint16(len(head) - udpHdrEnd), CsumStart: 20, CsumOffset: 6}
}
