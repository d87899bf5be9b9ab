package packet

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"
)

// slowChecksum is RFC 1071 written the obvious way.
func slowChecksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i < len(b); i += 2 {
		w := uint32(b[i]) << 8
		if i+1 < len(b) {
			w |= uint32(b[i+1])
		}
		sum += w
		for sum > 0xffff {
			sum = sum&0xffff + sum>>16
		}
	}
	return uint16(sum)
}

func TestChecksumMatchesSlow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		b := make([]byte, r.IntN(200))
		for j := range b {
			b[j] = byte(r.Uint32())
		}
		if got, want := Checksum(b, 0), slowChecksum(b); got != want && !(got == 0xffff && want == 0) && !(got == 0 && want == 0xffff) {
			t.Fatalf("Checksum(%x) = %#x, want %#x", b, got, want)
		}
	}
}

func TestChecksumKnown(t *testing.T) {
	// RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
	if got := Checksum([]byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}, 0); got != 0xddf2 {
		t.Errorf("got %#x, want 0xddf2", got)
	}
	// A captured header: 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7.
	h := IPv4{0x45, 0, 0, 0x73, 0, 0, 0x40, 0, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0, 1, 0xc0, 0xa8, 0, 0xc7}
	if got := h.CalculateChecksum(); got != 0xb861 {
		t.Errorf("header checksum %#x, want 0xb861", got)
	}
	if !h.HeaderChecksumOK() {
		t.Error("HeaderChecksumOK = false")
	}
}

func randAddr(r *rand.Rand) netip.Addr {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], r.Uint32())
	return netip.AddrFrom4(a)
}

// TestIncrementalMatchesFull rewrites random fields of random packets with
// the incremental setters and compares every checksum with a full
// recomputation.
func TestIncrementalMatchesFull(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 1600)
	for i := 0; i < 5000; i++ {
		payload := make([]byte, r.IntN(300))
		for j := range payload {
			payload[j] = byte(r.Uint32())
		}
		src, dst := randAddr(r), randAddr(r)
		var n int
		switch r.IntN(3) {
		case 0:
			n = BuildTCP(buf, src, dst, uint16(r.Uint32()), uint16(r.Uint32()), r.Uint32(), r.Uint32(), uint8(r.Uint32()), 1000, uint16(r.Uint32()), uint8(r.Uint32()), payload)
		case 1:
			n = BuildUDP(buf, src, dst, uint16(r.Uint32()), uint16(r.Uint32()), uint16(r.Uint32()), uint8(r.Uint32()), 0, payload)
		case 2:
			n = BuildEcho(buf, ICMPEcho, src, dst, uint16(r.Uint32()), uint16(r.Uint32()), uint16(r.Uint32()), uint8(r.Uint32()), 0, payload)
		}
		b := buf[:n]
		var p Parsed
		if res := p.Decode(b); res != OK {
			t.Fatalf("decode: %v", res)
		}
		for k := 0; k < 4; k++ {
			switch r.IntN(6) {
			case 0:
				p.SetSrcAddr(b, randAddr(r))
			case 1:
				p.SetDstAddr(b, randAddr(r))
			case 2:
				p.SetSrcPort(b, uint16(r.Uint32()))
			case 3:
				p.SetDstPort(b, uint16(r.Uint32()))
			case 4:
				p.SetICMPID(b, uint16(r.Uint32()))
			case 5:
				p.SetTTL(b, uint8(r.Uint32()))
			}
		}
		if got, want := IPv4(b).Checksum(), IPv4(b).CalculateChecksum(); got != want {
			t.Fatalf("case %d: IP checksum %#x, full %#x", i, got, want)
		}
		if !p.TransportChecksumOK(b) {
			t.Fatalf("case %d: transport checksum does not verify: %x", i, b)
		}
		c := append([]byte(nil), b...)
		p.SetTransportChecksum(c)
		l4 := p.L4Off + map[Proto]int{ProtoTCP: tcpChecksum, ProtoUDP: udpChecksum, ProtoICMP: icmpChecksum}[p.IPProto]
		got, want := binary.BigEndian.Uint16(b[l4:]), binary.BigEndian.Uint16(c[l4:])
		if got != want {
			t.Fatalf("case %d (%v): incremental %#x, full %#x", i, p.IPProto, got, want)
		}
		var q Parsed
		if q.Decode(b) != OK || q != p {
			t.Fatalf("case %d: Parsed out of sync:\n got %+v\nwant %+v", i, p, q)
		}
	}
}

func TestUpdateChecksum16Edge(t *testing.T) {
	// The data sums to 0xffff after the change: RFC 1624's example where
	// equation 2 gives the wrong zero.
	data := []byte{0xcd, 0x7a, 0x55, 0x5a} // sums to 0x22d4
	sum := ^Checksum(data, 0)
	old := binary.BigEndian.Uint16(data[2:])
	binary.BigEndian.PutUint16(data[2:], 0x3285) // 0xcd7a+0x3285 = 0xffff
	if got, want := UpdateChecksum16(sum, old, 0x3285), ^Checksum(data, 0); got != want {
		t.Errorf("got %#x, want %#x", got, want)
	}
}

func TestUDPZeroChecksumStaysZero(t *testing.T) {
	b := make([]byte, 64)
	b = b[:BuildUDP(b, addrA, addrB, 1, 2, 3, 64, 4, nil)]
	UDP(b[20:]).SetChecksum(0)
	var p Parsed
	p.Decode(b)
	p.SetSrcAddr(b, addrB)
	p.SetSrcPort(b, 999)
	if UDP(b[20:]).Checksum() != 0 {
		t.Errorf("UDP checksum became %#x", UDP(b[20:]).Checksum())
	}
}

func BenchmarkChecksum1500(b *testing.B) {
	buf := make([]byte, 1500)
	b.SetBytes(1500)
	for b.Loop() {
		Checksum(buf, 0)
	}
}
