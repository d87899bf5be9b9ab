package router

import (
	"encoding/binary"
	"testing"

	"natlab/packet"
)

// FuzzReassembly sends random fragment trains, in random order, for four
// datagrams at once, to a reassembler. Every fragment carries the bytes of
// its datagram at its offset, or those bytes inverted (a rewrite). The
// reassembler must never panic, must stay within its limits after every
// fragment, and every datagram it delivers must consist of bytes that were
// sent at those offsets of that datagram.
//
// The input is a list of 5-byte fragments: a flags byte (bits 0-1 the
// datagram, bit 2 MF, bit 3 rewrite, bit 4 advance the clock by 10 s), the
// offset in 8-byte units (2 bytes) and the length (2 bytes, up to 2047).
func FuzzReassembly(f *testing.F) {
	frag := func(flags byte, off, n int) []byte {
		return []byte{flags, byte(off / 8 >> 8), byte(off / 8), byte(n >> 8), byte(n)}
	}
	cat := func(fs ...[]byte) []byte {
		var b []byte
		for _, x := range fs {
			b = append(b, x...)
		}
		return b
	}
	f.Add(cat(frag(4, 0, 504), frag(0, 504, 500)))
	f.Add(cat(frag(0, 504, 500), frag(4, 0, 504)))
	f.Add(cat(frag(4, 0, 304), frag(0, 608, 400)))
	f.Add(cat(frag(4, 0, 512), frag(12, 256, 512), frag(0, 512, 496)))
	f.Add(cat(frag(4, 0, 504), frag(5, 0, 504), frag(1, 504, 10), frag(0, 504, 100)))
	f.Add(cat(frag(4, 0, 504), frag(20, 504, 8), frag(0, 504, 100)))
	f.Add(cat(frag(4, 0, 504), frag(0, 1008, 100), frag(4, 504, 504), frag(4, 0, 504)))

	f.Fuzz(func(t *testing.T, in []byte) {
		var ra reassembler
		var now int64
		// sent[d][k]: bit 0 if byte k of datagram d was sent as is, bit 1
		// if inverted.
		var sent [4][]uint8
		for d := range sent {
			sent[d] = make([]uint8, 0x10000+2048)
		}
		want := func(d, k int) byte { return byte(k*7+d*13) | 1 }
		for ; len(in) >= 5; in = in[5:] {
			flags := in[0]
			d := int(flags & 3)
			more, rewrite := flags&4 != 0, flags&8 != 0
			if flags&16 != 0 {
				now += 10e9
			}
			off := int(binary.BigEndian.Uint16(in[1:])&0x1fff) * 8
			n := int(binary.BigEndian.Uint16(in[3:])) & 2047
			b := make([]byte, 20+n)
			fo := uint16(off / 8)
			if more {
				fo |= packet.IPv4FlagMoreFragments
			}
			packet.IPv4(b).Encode(&packet.IPv4Fields{TotalLen: uint16(len(b)), ID: uint16(d), TTL: 64,
				Protocol: 253, Src: pc1, Dst: r1Inside.Addr()})
			binary.BigEndian.PutUint16(b[6:], fo)
			packet.IPv4(b).UpdateChecksum()
			for k := 0; k < n; k++ {
				b[20+k] = want(d, off+k)
				if rewrite {
					b[20+k] = ^b[20+k]
				}
			}
			p := &Packet{Buf: b}
			if p.P.Decode(b) != packet.OK || p.P.Frag == packet.NotFragment {
				continue
			}
			for k := off; k < off+n; k++ {
				sent[d][k] |= 1
				if rewrite {
					sent[d][k] |= 2
				}
			}
			whole := ra.add(p, now)
			checkReassembler(t, &ra)
			if whole == nil {
				continue
			}
			var wp packet.Parsed
			if wp.Decode(whole) != packet.OK || wp.Frag != packet.NotFragment || wp.TotalLen != len(whole) {
				t.Fatalf("bad datagram delivered: %x", whole[:20])
			}
			wd := int(binary.BigEndian.Uint16(whole[4:]))
			for k, c := range whole[20:] {
				ok := c == want(wd, k) && sent[wd][k]&1 != 0 || c == ^want(wd, k) && sent[wd][k]&2 != 0
				if !ok {
					t.Fatalf("datagram %d byte %d is %#x, which was never sent there", wd, k, c)
				}
			}
		}
	})
}

// checkReassembler checks the reassembler's invariants: within the
// limits, the bytes held add up, every train's parts sorted and disjoint.
func checkReassembler(t *testing.T, ra *reassembler) {
	t.Helper()
	if len(ra.trains) > reassemblyMaxTrains || ra.held > reassemblyMaxBytes {
		t.Fatalf("%d trains, %d bytes held", len(ra.trains), ra.held)
	}
	sum := 0
	for _, f := range ra.trains {
		sum += f.held
		covered := 0
		for i, part := range f.parts {
			covered += len(part.data)
			if i > 0 && part.off < f.parts[i-1].end() {
				t.Fatalf("parts overlap: %d < %d", part.off, f.parts[i-1].end())
			}
		}
		if covered != f.covered || len(f.parts) > reassemblyMaxFragments || f.total >= 0 && f.maxEnd() > f.total {
			t.Fatalf("train inconsistent: covered %d/%d, %d parts, end %d/%d", covered, f.covered, len(f.parts), f.maxEnd(), f.total)
		}
	}
	if sum != ra.held {
		t.Fatalf("held %d, trains hold %d", ra.held, sum)
	}
}
