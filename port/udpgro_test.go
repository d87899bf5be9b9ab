package port

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"natlab/packet"
)

// udpDatagram builds a finished UDP/IPv4 datagram of flow sport->6000 with
// IP ID id and n payload bytes.
func udpDatagram(t testing.TB, sport, id uint16, n int) []byte {
	t.Helper()
	payload := make([]byte, n)
	for i := range payload {
		payload[i] = byte(int(id)*7 + i)
	}
	b := make([]byte, udpHdrEnd+n)
	m := packet.BuildUDP(b, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), sport, 6000, id, 64, 0, payload)
	if m != len(b) {
		t.Fatalf("built %d bytes", m)
	}
	return b
}

func TestUDPGRORun(t *testing.T) {
	d := func(id uint16, n int) []byte { return udpDatagram(t, 5000, id, n) }
	badSum := d(3, 64)
	badSum[udpHdrEnd] ^= 1
	otherPort := udpDatagram(t, 5001, 3, 64)
	frag := d(3, 64)
	frag[6] |= 0x20 // more fragments
	packet.IPv4(frag).UpdateChecksum()
	partial := d(3, 64)
	binary.BigEndian.PutUint16(partial[26:], packet.PseudoHeaderChecksum(packet.ProtoUDP, netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), 72))
	partialOff := Offload{NeedsCsum: true, CsumStart: 20, CsumOffset: 6}
	tests := []struct {
		name string
		bufs [][]byte
		offl []Offload
		want int
	}{
		{"five alike", [][]byte{d(1, 64), d(2, 64), d(3, 64), d(4, 64), d(5, 64)}, nil, 5},
		{"a shorter last ends the run", [][]byte{d(1, 64), d(2, 64), d(3, 10), d(4, 64)}, nil, 3},
		{"a longer one does not join", [][]byte{d(1, 64), d(2, 64), d(3, 100)}, nil, 2},
		{"IDs must count up", [][]byte{d(1, 64), d(2, 64), d(9, 64)}, nil, 2},
		{"another flow", [][]byte{d(1, 64), d(2, 64), otherPort}, nil, 2},
		{"a bad checksum", [][]byte{d(1, 64), d(2, 64), badSum}, nil, 2},
		{"a bad first checksum", [][]byte{badSum, d(4, 64)}, nil, 1},
		{"a fragment", [][]byte{d(1, 64), d(2, 64), frag}, nil, 2},
		{"a partial checksum joins", [][]byte{d(1, 64), d(2, 64), partial}, []Offload{{}, {}, partialOff}, 3},
		{"a super-packet does not", [][]byte{d(1, 64), d(2, 64)}, []Offload{{}, {GSO: GSOUDPL4, GSOSize: 64, NeedsCsum: true, CsumStart: 20, CsumOffset: 6}}, 1},
		{"one alone", [][]byte{d(1, 64)}, nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := udpGRORun(tc.bufs, tc.offl, 0); got != tc.want {
				t.Fatalf("run of %d, want %d", got, tc.want)
			}
		})
	}
	var many [][]byte
	for i := 0; i < 100; i++ {
		many = append(many, d(uint16(i+1), 64))
	}
	if got := udpGRORun(many, nil, 0); got != maxUDPCoalesce {
		t.Fatalf("run of %d, want the cap %d", got, maxUDPCoalesce)
	}
}

// TestUDPGRORoundTrip: the super-packet a run becomes, cut as the kernel
// cuts it, gives back the datagrams byte for byte, with offset headroom
// and an ID that wraps.
func TestUDPGRORoundTrip(t *testing.T) {
	const offset = OffloadHeadroom
	var run, want [][]byte
	for k, n := range []int{200, 200, 200, 200, 37} {
		dg := udpDatagram(t, 5000, uint16(0xfffe+k), n)
		want = append(want, dg)
		run = append(run, append(make([]byte, offset), dg...))
	}
	if got := udpGRORun(run, nil, offset); got != len(run) {
		t.Fatalf("run of %d", got)
	}
	var hdr [udpHdrEnd]byte
	h := udpGROHeader(hdr[:], run, offset)
	super := append([]byte(nil), hdr[:]...)
	for _, b := range run {
		super = append(super, b[offset+udpHdrEnd:]...)
	}
	o, ok := offloadOf(h)
	if !ok || o.GSO != GSOUDPL4 || o.GSOSize != 200 {
		t.Fatalf("offload %+v", o)
	}
	segs := make([][]byte, 8)
	for k := range segs {
		segs[k] = make([]byte, 2048)
	}
	sizes := make([]int, 8)
	n, err := SplitOffload(super, o, segs, sizes)
	if err != nil || n != len(want) {
		t.Fatalf("split: %d, %v", n, err)
	}
	for k := range want {
		if !bytes.Equal(segs[k][:sizes[k]], want[k]) {
			t.Fatalf("datagram %d changed:\n got %x\nwant %x", k, segs[k][:sizes[k]], want[k])
		}
	}
}

// FuzzUDPGRO: any packets either stay alone or coalesce into a
// super-packet that splits back into exactly them.
func FuzzUDPGRO(f *testing.F) {
	f.Add(udpDatagram(f, 1, 1, 30), udpDatagram(f, 1, 2, 30), udpDatagram(f, 1, 3, 5))
	f.Add(udpDatagram(f, 1, 1, 30), udpDatagram(f, 2, 2, 30), []byte{0x45})
	segs := make([][]byte, 4)
	for k := range segs {
		segs[k] = make([]byte, 70000)
	}
	sizes := make([]int, 4)
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		bufs := [][]byte{a, b, c}
		n := udpGRORun(bufs, nil, 0)
		if n < 1 || n > 3 {
			t.Fatalf("run of %d", n)
		}
		if n == 1 {
			return
		}
		var hdr [udpHdrEnd]byte
		h := udpGROHeader(hdr[:], bufs[:n], 0)
		super := append([]byte(nil), hdr[:]...)
		for _, p := range bufs[:n] {
			super = append(super, p[udpHdrEnd:]...)
		}
		o, _ := offloadOf(h)
		m, err := SplitOffload(super, o, segs, sizes)
		if err != nil || m != n {
			t.Fatalf("split %d of %d: %v", m, n, err)
		}
		for k := 0; k < n; k++ {
			if !bytes.Equal(segs[k][:sizes[k]], bufs[k]) {
				t.Fatalf("datagram %d changed", k)
			}
		}
	})
}
