package port

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"natlab/packet"
)

var (
	gsoSrc = netip.MustParseAddr("10.0.0.1")
	gsoDst = netip.MustParseAddr("10.0.0.2")
)

// superFrame builds an Ethernet frame (with tags VLAN tags in the frame)
// around an IPv4 TCP or UDP packet carrying n payload bytes, and the
// virtio_net_hdr a veth peer would give it for gso_size mss: the transport
// checksum field holds only the pseudo-header sum (CHECKSUM_PARTIAL).
func superFrame(t testing.TB, udp bool, n, mss, tags int, flags uint8) ([]byte, vnetHdr, []byte) {
	t.Helper()
	payload := make([]byte, n)
	for i := range payload {
		payload[i] = byte(i*7 + i>>8)
	}
	l2 := 14 + 4*tags
	f := make([]byte, l2+20+20+n)
	copy(f, []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1})
	for i := 0; i < tags; i++ {
		binary.BigEndian.PutUint16(f[12+4*i:], 0x8100)
		binary.BigEndian.PutUint16(f[14+4*i:], uint16(10+i))
	}
	binary.BigEndian.PutUint16(f[l2-2:], 0x0800)
	var m int
	h := vnetHdr{Flags: vnetNeedsCsum, GSOSize: uint16(mss), CsumStart: uint16(l2 + 20)}
	if udp {
		m = packet.BuildUDP(f[l2:], gsoSrc, gsoDst, 5000, 6000, 0x1234, 64, 0, payload)
		h.GSOType, h.CsumOffset = vnetGSOUDPL4, 6
	} else {
		m = packet.BuildTCP(f[l2:], gsoSrc, gsoDst, 5000, 6000, 0xfffff000, 99, flags, 512, 0x1234, 64, payload)
		h.GSOType, h.CsumOffset = vnetGSOTCPv4, 16
	}
	if m == 0 {
		t.Fatal("build failed")
	}
	f = f[:l2+m]
	// What the sending stack leaves in the field: the pseudo-header sum,
	// not complemented.
	l4 := f[h.CsumStart:]
	binary.BigEndian.PutUint16(l4[h.CsumOffset:], packet.PseudoHeaderChecksum(protoOf(udp), gsoSrc, gsoDst, uint16(len(l4))))
	return f, h, payload
}

func protoOf(udp bool) packet.Proto {
	if udp {
		return packet.ProtoUDP
	}
	return packet.ProtoTCP
}

// checkSegment verifies one wire frame: IP header checksum, lengths and
// the transport checksum over the pseudo-header.
func checkSegment(t *testing.T, seg []byte, l3 int, udp bool) []byte {
	t.Helper()
	ip := packet.IPv4(seg[l3:])
	if !ip.HeaderChecksumOK() {
		t.Fatalf("bad IP header checksum")
	}
	if int(ip.TotalLength()) != len(seg)-l3 {
		t.Fatalf("IP total length %d, frame carries %d", ip.TotalLength(), len(seg)-l3)
	}
	l4 := seg[l3+20:]
	if packet.Checksum(l4, packet.PseudoHeaderChecksum(protoOf(udp), ip.Src(), ip.Dst(), uint16(len(l4)))) != 0xffff {
		t.Fatalf("bad transport checksum")
	}
	if udp {
		if int(binary.BigEndian.Uint16(l4[4:])) != len(l4) {
			t.Fatalf("UDP length %d, want %d", binary.BigEndian.Uint16(l4[4:]), len(l4))
		}
		return l4[8:]
	}
	return l4[20:]
}

func TestGSOSplit(t *testing.T) {
	const fin, psh, ack, cwr = 0x01, 0x08, 0x10, 0x80
	tests := []struct {
		name     string
		udp      bool
		n, mss   int
		tags     int
		flags    uint8
		wantSegs int
	}{
		{name: "tcp three segments", n: 4000, mss: 1448, flags: ack | psh | fin | cwr, wantSegs: 3},
		{name: "tcp exact multiple", n: 2896, mss: 1448, flags: ack | psh, wantSegs: 2},
		{name: "tcp one segment", n: 100, mss: 1448, flags: ack, wantSegs: 1},
		{name: "tcp 64k", n: 65000, mss: 1448, flags: ack, wantSegs: 45},
		{name: "tcp in a vlan tag", n: 3000, mss: 1000, tags: 1, flags: ack, wantSegs: 3},
		{name: "tcp in two tags", n: 3000, mss: 1000, tags: 2, flags: ack, wantSegs: 3},
		{name: "udp l4", udp: true, n: 3000, mss: 1472, wantSegs: 3},
		{name: "udp small mss", udp: true, n: 10, mss: 3, wantSegs: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, h, payload := superFrame(t, tt.udp, tt.n, tt.mss, tt.tags, tt.flags)
			p, err := planGSO(f, h)
			if err != nil {
				t.Fatal(err)
			}
			if p.segs != tt.wantSegs {
				t.Fatalf("%d segments, want %d", p.segs, tt.wantSegs)
			}
			l3 := 14 + 4*tt.tags
			var got []byte
			dst := make([]byte, 2000)
			for k := 0; k < p.segs; k++ {
				n := p.segment(f, k, dst)
				seg := dst[:n]
				if !bytes.Equal(seg[:l3], f[:l3]) {
					t.Fatalf("segment %d: Ethernet header changed", k)
				}
				got = append(got, checkSegment(t, seg, l3, tt.udp)...)
				if id := packet.IPv4(seg[l3:]).ID(); id != 0x1234+uint16(k) {
					t.Errorf("segment %d: IP ID %#x", k, id)
				}
				if tt.udp {
					continue
				}
				tcp := seg[l3+20:]
				if seq := binary.BigEndian.Uint32(tcp[4:]); seq != 0xfffff000+uint32(k*tt.mss) {
					t.Errorf("segment %d: seq %#x", k, seq)
				}
				want := tt.flags
				if k != p.segs-1 {
					want &^= fin | psh
				}
				if k != 0 {
					want &^= cwr
				}
				if tcp[13] != want {
					t.Errorf("segment %d: flags %#x, want %#x", k, tcp[13], want)
				}
			}
			if !bytes.Equal(got, payload) {
				t.Errorf("payload of %d bytes reassembles to %d bytes, or differs", len(payload), len(got))
			}
		})
	}
}

func TestGSOSplitShortBuffer(t *testing.T) {
	f, h, _ := superFrame(t, false, 3000, 1448, 0, 0x10)
	p, err := planGSO(f, h)
	if err != nil {
		t.Fatal(err)
	}
	if n := p.segment(f, 0, make([]byte, 30)); n != 0 {
		t.Errorf("segment into a buffer smaller than the headers: %d", n)
	}
	if n := p.segment(f, 0, make([]byte, 100)); n != 100 {
		t.Errorf("truncated segment: %d bytes", n)
	}
	if n := p.segment(f, p.segs, make([]byte, 2000)); n != 0 {
		t.Errorf("segment past the last: %d", n)
	}
}

func TestGSORejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(f []byte, h *vnetHdr) []byte
	}{
		{"gso size zero", func(f []byte, h *vnetHdr) []byte { h.GSOSize = 0; return f }},
		{"tcpv6", func(f []byte, h *vnetHdr) []byte { h.GSOType = 4; return f }},
		{"ufo", func(f []byte, h *vnetHdr) []byte { h.GSOType = 3; return f }},
		{"not ipv4", func(f []byte, h *vnetHdr) []byte { f[12], f[13] = 0x86, 0xdd; return f }},
		{"ip version", func(f []byte, h *vnetHdr) []byte { f[14] = 0x65; return f }},
		{"bad ihl", func(f []byte, h *vnetHdr) []byte { f[14] = 0x44; return f }},
		{"fragment", func(f []byte, h *vnetHdr) []byte { f[14+6] = 0x20; return f }},
		{"udp type on tcp", func(f []byte, h *vnetHdr) []byte { h.GSOType = vnetGSOUDPL4; return f }},
		{"short tcp header", func(f []byte, h *vnetHdr) []byte { return f[:14+20+12] }},
		{"bad data offset", func(f []byte, h *vnetHdr) []byte { f[14+20+12] = 0x40; return f }},
		{"no payload", func(f []byte, h *vnetHdr) []byte { return f[:14+40] }},
		{"runt", func(f []byte, h *vnetHdr) []byte { return f[:13] }},
	}
	for _, tt := range tests {
		f, h, _ := superFrame(t, false, 3000, 1448, 0, 0x10)
		f = tt.edit(f, &h)
		if _, err := planGSO(f, h); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	// The ECN bit does not stop a split.
	f, h, _ := superFrame(t, false, 3000, 1448, 0, 0x10)
	h.GSOType |= vnetGSOECN
	if _, err := planGSO(f, h); err != nil {
		t.Errorf("ECN: %v", err)
	}
}

func TestCompleteChecksum(t *testing.T) {
	for _, tt := range []struct {
		name    string
		udp     bool
		n, pad  int
		tags    int
		wantErr bool
	}{
		{name: "tcp", n: 100},
		{name: "tcp odd length", n: 101},
		{name: "tcp with ethernet padding", n: 0, pad: 6},
		{name: "udp", udp: true, n: 33},
		{name: "udp tagged", udp: true, n: 33, tags: 1},
	} {
		f, h, _ := superFrame(t, tt.udp, tt.n, 1448, tt.tags, 0x18)
		f = append(f, make([]byte, tt.pad)...)
		for i := len(f) - tt.pad; i < len(f); i++ {
			f[i] = 0xee // padding must not be summed
		}
		if err := completeChecksum(f, int(h.CsumStart), int(h.CsumOffset)); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		checkSegment(t, f[:len(f)-tt.pad], 14+4*tt.tags, tt.udp)
	}
	f, _, _ := superFrame(t, false, 10, 1448, 0, 0x18)
	for _, so := range [][2]int{{0, 16}, {34, 1000}, {34, -1}, {len(f), 0}} {
		if err := completeChecksum(f, so[0], so[1]); err == nil {
			t.Errorf("checksum at %d+%d accepted", so[0], so[1])
		}
	}
}

func TestVnetHdrRoundTrip(t *testing.T) {
	h := vnetHdr{Flags: 1, GSOType: 0x81, HdrLen: 66, GSOSize: 1448, CsumStart: 34, CsumOffset: 16}
	var b [vnetHdrLen]byte
	h.encode(b[:])
	if got := decodeVnetHdr(b[:]); got != h {
		t.Errorf("round trip: %+v", got)
	}
}

func FuzzGSO(f *testing.F) {
	for _, udp := range []bool{false, true} {
		fr, h, _ := superFrame(f, udp, 3000, 1448, 0, 0x19)
		var hb [vnetHdrLen]byte
		h.encode(hb[:])
		f.Add(fr, hb[:])
	}
	f.Fuzz(func(t *testing.T, fr, hb []byte) {
		if len(hb) < vnetHdrLen {
			return
		}
		h := decodeVnetHdr(hb)
		c := append([]byte(nil), fr...)
		completeChecksum(c, int(h.CsumStart), int(h.CsumOffset))
		p, err := planGSO(fr, h)
		if err != nil {
			return
		}
		if p.segs < 1 || p.segs > len(fr) {
			t.Fatalf("%d segments of a %d-byte frame", p.segs, len(fr))
		}
		dst := make([]byte, p.hdrEnd+p.mss)
		total := 0
		for k := 0; k < p.segs; k++ {
			n := p.segment(fr, k, dst)
			if n <= p.hdrEnd && len(fr) > p.hdrEnd || n > len(dst) {
				t.Fatalf("segment %d: %d bytes", k, n)
			}
			total += n - p.hdrEnd
			seg := dst[:n]
			ip := packet.IPv4(seg[p.l3:])
			if !ip.HeaderChecksumOK() || int(ip.TotalLength()) != n-p.l3 {
				t.Fatalf("segment %d: IP header", k)
			}
			l4 := seg[p.l4:]
			if packet.Checksum(l4, pseudoSum(seg[p.l3:p.l4], len(l4))) != 0xffff {
				t.Fatalf("segment %d: transport checksum", k)
			}
		}
		if total != len(fr)-p.hdrEnd {
			t.Fatalf("segments carry %d payload bytes of %d", total, len(fr)-p.hdrEnd)
		}
	})
}

// BenchmarkGSOSplit: a 64 KB TCP super-frame into 1448-byte segments; one
// op is the whole frame (45 segments).
func BenchmarkGSOSplit(b *testing.B) {
	f, h, _ := superFrame(b, false, 65000, 1448, 0, 0x18)
	dst := make([]byte, 2048)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := planGSO(f, h)
		if err != nil {
			b.Fatal(err)
		}
		for k := 0; k < p.segs; k++ {
			p.segment(f, k, dst)
		}
	}
}

func BenchmarkCompleteChecksum(b *testing.B) {
	f, h, _ := superFrame(b, false, 1460, 1448, 0, 0x18)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		completeChecksum(f, int(h.CsumStart), int(h.CsumOffset))
	}
}
