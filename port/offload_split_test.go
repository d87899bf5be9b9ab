package port

import (
	"bytes"
	"encoding/binary"
	"testing"

	"natlab/packet"
)

// superPacket is superFrame without its Ethernet header: what a TUN with
// IFF_VNET_HDR reads, with its Offload.
func superPacket(t testing.TB, udp bool, n, mss int, flags uint8) ([]byte, Offload, []byte) {
	f, h, payload := superFrame(t, udp, n, mss, 0, flags)
	o := Offload{GSO: GSOTCPv4, NeedsCsum: true, GSOSize: h.GSOSize, CsumStart: h.CsumStart - 14, CsumOffset: h.CsumOffset}
	if udp {
		o.GSO = GSOUDPL4
	}
	o.HdrLen = o.CsumStart + 20
	if udp {
		o.HdrLen = o.CsumStart + 8
	}
	return f[14:], o, payload
}

func TestSplitOffload(t *testing.T) {
	tests := []struct {
		name     string
		udp      bool
		n, mss   int
		wantSegs int
	}{
		{"tcp 64k", false, 64000, 1448, 45},
		{"tcp three", false, 3000, 1448, 3},
		{"tcp one", false, 500, 1448, 1},
		{"udp four", true, 4 * 1200, 1200, 4},
		{"udp ragged", true, 1000, 300, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pkt, o, payload := superPacket(t, tc.udp, tc.n, tc.mss, 0x10)
			if got := OffloadSegments(pkt, o); got != tc.wantSegs {
				t.Fatalf("OffloadSegments = %d, want %d", got, tc.wantSegs)
			}
			hdr := 20 + 20
			if tc.udp {
				hdr = 20 + 8
			}
			if got, want := SegmentLen(pkt, o), hdr+min(tc.mss, tc.n); got != want {
				t.Fatalf("SegmentLen = %d, want %d", got, want)
			}
			segs := make([][]byte, 64)
			for k := range segs {
				segs[k] = make([]byte, 2000)
			}
			sizes := make([]int, 64)
			n, err := SplitOffload(pkt, o, segs, sizes)
			if err != nil || n != tc.wantSegs {
				t.Fatalf("SplitOffload = %d, %v; want %d segments", n, err, tc.wantSegs)
			}
			var got []byte
			for k := 0; k < n; k++ {
				got = append(got, checkSegment(t, segs[k][:sizes[k]], 0, tc.udp)...)
			}
			if !bytes.Equal(got, payload) {
				t.Fatal("the segments do not carry the super-packet's payload")
			}
			if _, err := SplitOffload(pkt, o, segs[:n-1], sizes); n > 1 && err == nil {
				t.Fatal("too few buffers accepted")
			}
		})
	}
}

func TestFinishChecksum(t *testing.T) {
	for _, udp := range []bool{false, true} {
		pkt, o, _ := superPacket(t, udp, 300, 1448, 0x18)
		o.GSO, o.GSOSize = GSONone, 0
		if err := FinishChecksum(pkt, o); err != nil {
			t.Fatal(err)
		}
		checkSegment(t, pkt, 0, udp)
		// SplitOffload of a plain packet is a copy with the checksum finished.
		pkt2, o2, _ := superPacket(t, udp, 300, 1448, 0x18)
		o2.GSO, o2.GSOSize = GSONone, 0
		dst := [][]byte{make([]byte, 1500)}
		sizes := []int{0}
		if n, err := SplitOffload(pkt2, o2, dst, sizes); n != 1 || err != nil {
			t.Fatalf("SplitOffload plain = %d, %v", n, err)
		}
		checkSegment(t, dst[0][:sizes[0]], 0, udp)
	}
	bad := []Offload{
		{NeedsCsum: true, CsumStart: 10, CsumOffset: 16},
		{NeedsCsum: true, CsumStart: 20, CsumOffset: 2000},
	}
	pkt, _, _ := superPacket(t, false, 100, 1448, 0x18)
	for _, o := range bad {
		if FinishChecksum(pkt, o) == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// FuzzSplitOffload: any bytes and any offload header are split or refused,
// never a panic, and every segment made has valid checksums.
func FuzzSplitOffload(f *testing.F) {
	pkt, o, _ := superPacket(f, false, 3000, 1000, 0x10)
	f.Add(pkt, uint8(o.GSO), o.GSOSize, o.CsumStart, o.CsumOffset)
	upkt, uo, _ := superPacket(f, true, 900, 300, 0)
	f.Add(upkt, uint8(uo.GSO), uo.GSOSize, uo.CsumStart, uo.CsumOffset)
	segs := make([][]byte, 70)
	for k := range segs {
		segs[k] = make([]byte, 2048)
	}
	sizes := make([]int, 70)
	f.Fuzz(func(t *testing.T, b []byte, typ uint8, size, start, off uint16) {
		o := Offload{GSO: GSOType(typ % 4), NeedsCsum: true, GSOSize: size, CsumStart: start, CsumOffset: off}
		OffloadSegments(b, o)
		SegmentLen(b, o)
		n, err := SplitOffload(append([]byte(nil), b...), o, segs, sizes)
		if err != nil || o.GSO == GSONone {
			return
		}
		for k := 0; k < n; k++ {
			s := segs[k][:sizes[k]]
			if sizes[k] > len(segs[k]) || len(s) < 20 {
				t.Fatalf("segment %d has %d bytes", k, sizes[k])
			}
			if !packet.IPv4(s).HeaderChecksumOK() {
				t.Fatalf("segment %d: bad IP header checksum", k)
			}
			if tl := int(binary.BigEndian.Uint16(s[2:])); tl != len(s) && len(s) == len(segs[k]) {
				continue // truncated into a short buffer
			}
		}
	})
}
