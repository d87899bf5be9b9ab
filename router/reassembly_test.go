package router

import (
	"bytes"
	"encoding/binary"
	"testing"

	"natlab/packet"
)

// bigEcho is an echo request from pc1 to the router with n bytes of ICMP
// payload in a pattern without zeros. Its checksum is computed as if the
// IP payload bytes [zero[0], zero[1]) were zeros, so that a reassembler
// that fills a hole there with zeros produces a valid echo.
func bigEcho(id uint16, n int, zero [2]int) []byte {
	data := make([]byte, n)
	for k := range data {
		data[k] = byte(k%251) + 1
	}
	sent := append([]byte(nil), data...)
	for k := max(zero[0]-8, 0); k < min(zero[1]-8, n); k++ {
		data[k] = 0
	}
	b := make([]byte, 28+n)
	b = b[:packet.BuildEcho(b, packet.ICMPEcho, pc1, r1Inside.Addr(), 9, 1, id, 64, 0, data)]
	copy(b[28:], sent)
	return b
}

// fragAt is the fragment of the datagram b (20-byte header) that carries
// payload bytes [off, end), with MF as more says. A rewritten fragment
// carries its data with every two 16-bit words swapped, as an attacker's
// rewrite that keeps the checksum. Bytes past the end of b are 0xaa.
func fragAt(b []byte, off, end int, more, rewrite bool) []byte {
	f := append([]byte(nil), b[:20]...)
	for k := off; k < end; k++ {
		if 20+k < len(b) {
			f = append(f, b[20+k])
		} else {
			f = append(f, 0xaa)
		}
	}
	for k := 20; rewrite && k+4 <= len(f); k += 4 {
		f[k], f[k+1], f[k+2], f[k+3] = f[k+2], f[k+3], f[k], f[k+1]
	}
	binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
	fo := uint16(off / 8)
	if more {
		fo |= packet.IPv4FlagMoreFragments
	}
	binary.BigEndian.PutUint16(f[6:], fo)
	packet.IPv4(f).UpdateChecksum()
	return f
}

type fragSpec struct {
	off, end      int
	more, rewrite bool
}

// TestReassemblyCoversEveryByteOnce: a datagram to the router is answered
// only when its fragments cover it exactly; holes, data past the end and
// overlaps get no answer, whatever order the fragments come in.
func TestReassemblyCoversEveryByteOnce(t *testing.T) {
	const n = 1008 // ICMP header and 1000 bytes
	cases := []struct {
		name   string
		frags  []fragSpec
		zero   [2]int // see bigEcho
		answer bool
	}{
		{"in order", []fragSpec{{0, 504, true, false}, {504, n, false, false}}, [2]int{}, true},
		{"last first", []fragSpec{{504, n, false, false}, {0, 504, true, false}}, [2]int{}, true},
		{"three, shuffled", []fragSpec{{608, n, false, false}, {0, 304, true, false}, {304, 608, true, false}}, [2]int{}, true},
		{"a duplicate", []fragSpec{{0, 504, true, false}, {0, 504, true, false}, {504, n, false, false}}, [2]int{}, true},
		{"a hole", []fragSpec{{0, 304, true, false}, {608, n, false, false}}, [2]int{304, 608}, false},
		{"a hole and data past the end", []fragSpec{{0, 304, true, false}, {1008, 1312, true, true}, {608, n, false, false}}, [2]int{304, 608}, false},
		{"data past the end after the last", []fragSpec{{0, 304, true, false}, {608, n, false, false}, {1008, 1312, true, true}, {304, 608, true, false}}, [2]int{}, false},
		{"an overlap that rewrites", []fragSpec{{0, 512, true, false}, {256, 768, true, true}, {512, n, false, false}}, [2]int{}, false},
		{"an overlap from below", []fragSpec{{512, n, false, false}, {256, 768, true, true}, {0, 512, true, false}}, [2]int{}, false},
		{"two different ends", []fragSpec{{504, n, false, false}, {504, 800, false, false}, {0, 504, true, false}}, [2]int{800, n}, false},
	}
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLab(t)
			echo := bigEcho(uint16(100+k), n-8, c.zero)
			for _, s := range c.frags {
				l.inside.Inject(fragAt(echo, s.off, s.end, s.more, s.rewrite))
			}
			if !c.answer {
				expectNone(t, l.inside)
				return
			}
			b, p := expect(t, l.inside)
			if p.ICMPType != packet.ICMPEchoReply || !bytes.Equal(b[p.PayloadOff:p.TotalLen], echo[28:]) {
				t.Fatalf("reply %v with payload %x", p.String(), b[p.PayloadOff:p.TotalLen])
			}
		})
	}
}

// fragPacket decodes a fragment into a Packet as the pipeline hands it to
// the reassembler.
func fragPacket(t testing.TB, b []byte) *Packet {
	p := &Packet{Buf: b}
	if r := p.P.Decode(b); r != packet.OK {
		t.Fatalf("fragment does not decode: %v", r)
	}
	return p
}

// TestReassemblyLimits: trains time out, and neither many trains nor large
// ones hold more than the limits; what is dropped is counted.
func TestReassemblyLimits(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		l := newLab(t)
		echo := bigEcho(1, 1000, [2]int{})
		l.inside.Inject(fragAt(echo, 0, 504, true, false))
		expectNone(t, l.inside)
		l.clock.Advance(reassemblyTimeout + 1)
		l.inside.Inject(fragAt(echo, 504, 1008, false, false))
		expectNone(t, l.inside)
		if s := l.r.ReassemblyStats(); s.Timeouts != 1 || s.Trains != 1 || s.Reassembled != 0 {
			t.Errorf("stats %+v, want one timeout and the last fragment's train", s)
		}
	})
	t.Run("many trains", func(t *testing.T) {
		var ra reassembler
		echo := bigEcho(0, 1000, [2]int{})
		for id := 0; id < 3*reassemblyMaxTrains; id++ {
			binary.BigEndian.PutUint16(echo[4:], uint16(id))
			ra.add(fragPacket(t, fragAt(echo, 0, 504, true, false)), 0)
			if s := ra.stats(); s.Trains > reassemblyMaxTrains {
				t.Fatalf("%d trains held", s.Trains)
			}
		}
		if s := ra.stats(); s.Evicted != 2*reassemblyMaxTrains {
			t.Errorf("evicted %d, want %d", s.Evicted, 2*reassemblyMaxTrains)
		}
		// The newest trains survived: the last one completes.
		whole := ra.add(fragPacket(t, fragAt(echo, 504, 1008, false, false)), 0)
		if !bytes.Equal(whole[20:], echo[20:]) {
			t.Error("the newest train did not complete")
		}
	})
	t.Run("bytes", func(t *testing.T) {
		var ra reassembler
		big := make([]byte, 20+60000)
		copy(big, bigEcho(0, 100, [2]int{})[:20])
		for id := 0; id < 10; id++ {
			binary.BigEndian.PutUint16(big[4:], uint16(id))
			for off := 0; off < 59000; off += 1480 {
				ra.add(fragPacket(t, fragAt(big, off, off+1480, true, false)), 0)
				if s := ra.stats(); s.Bytes > reassemblyMaxBytes {
					t.Fatalf("%d bytes held", s.Bytes)
				}
			}
		}
		if s := ra.stats(); s.Evicted == 0 || s.Trains > reassemblyMaxBytes/59000 {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("tiny fragments", func(t *testing.T) {
		var ra reassembler
		big := make([]byte, 20+60000)
		copy(big, bigEcho(0, 100, [2]int{})[:20])
		for off := 0; off < 59000; off += 8 {
			ra.add(fragPacket(t, fragAt(big, off, off+8, true, false)), 0)
		}
		if s := ra.stats(); s.Trains > 1 || s.Bytes > reassemblyMaxFragments*(8+fragOverhead+20) {
			t.Errorf("stats %+v", s)
		}
	})
	t.Run("counted", func(t *testing.T) {
		var ra reassembler
		echo := bigEcho(0, 1000, [2]int{})
		for _, s := range []fragSpec{{0, 512, true, false}, {0, 256, true, false}, {256, 768, true, false}, {0, 504, true, false}, {504, 1008, false, false}} {
			ra.add(fragPacket(t, fragAt(echo, s.off, s.end, s.more, s.rewrite)), 0)
		}
		want := ReassemblyStats{Reassembled: 1, Overlaps: 1, Duplicates: 1}
		if s := ra.stats(); s != want {
			t.Errorf("stats %+v, want %+v", s, want)
		}
	})
}
