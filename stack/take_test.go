package stack

import (
	"testing"

	"natlab/packet"
)

func seg(dport uint16, data []byte) []byte {
	b := make([]byte, 40+len(data))
	return b[:packet.BuildTCP(b, pc.Addr(), rInside.Addr(), 40000, dport, 1, 0, packet.TCPSyn, 65535, 1, 64, data)]
}

func TestTake(t *testing.T) {
	good := seg(22, nil)
	withOpts := func() []byte { // IHL 6: one word of IP options
		b := make([]byte, len(good)+4)
		copy(b, good[:20])
		copy(b[24:], good[20:])
		b[0] = 0x46
		return b
	}()
	udp := append([]byte(nil), good...)
	udp[9] = 17
	ip6 := append([]byte(nil), good...)
	ip6[0] = 0x65
	badIHL := append([]byte(nil), good...)
	badIHL[0] = 0x44
	for _, c := range []struct {
		name string
		pkt  []byte
		want bool
	}{
		{"listened port", good, true},
		{"listened port behind IP options", withOpts, true},
		{"large (reassembled) segment", seg(22, make([]byte, 9000)), true},
		{"other port", seg(23, nil), false},
		{"not TCP", udp, false},
		{"not IPv4", ip6, false},
		{"IHL below 5", badIHL, false},
		{"truncated TCP header", good[:30], false},
		{"truncated IP header", good[:10], false},
		{"empty", nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newQueue(4)
			s.hold(22)
			if got := s.take(c.pkt); got != c.want {
				t.Fatalf("take = %v, want %v", got, c.want)
			}
			if !c.want {
				if len(s.in) != 0 {
					t.Fatal("a refused segment was queued")
				}
				return
			}
			bp := <-s.in
			if string(*bp) != string(c.pkt) {
				t.Fatal("queued copy differs")
			}
		})
	}
}

// A full queue drops (and counts) instead of blocking the router; the
// segment still counts as taken, so the router sends no reset for it.
func TestTakeQueueFull(t *testing.T) {
	s := newQueue(2)
	s.hold(22)
	for i := 0; i < 5; i++ {
		if !s.take(seg(22, nil)) {
			t.Fatal("refused")
		}
	}
	if st := s.Stats(); st.Taken != 2 || st.Dropped != 3 || len(s.in) != 2 {
		t.Fatalf("stats %+v, queued %d", st, len(s.in))
	}
	s.release(22)
	if s.take(seg(22, nil)) || s.owns(22) {
		t.Fatal("a released port is still taken")
	}
}

func TestTakeNoAllocs(t *testing.T) {
	s := newQueue(4)
	s.hold(22)
	pkt := seg(22, make([]byte, 1400))
	allocs := testing.AllocsPerRun(1000, func() {
		s.take(pkt)
		s.putBuf(<-s.in)
	})
	if allocs != 0 {
		t.Errorf("take allocates %v times per segment", allocs)
	}
}

func FuzzTake(f *testing.F) {
	f.Add(seg(22, nil))
	f.Add(seg(22, []byte("hello")))
	f.Add(seg(23, nil))
	f.Add([]byte{0x4f, 0, 0, 0, 0, 0, 0, 0, 0, 6})
	s := newQueue(1)
	s.hold(22)
	f.Fuzz(func(t *testing.T, b []byte) {
		took := s.take(b)
		if took && (len(b) < 40 || b[0]>>4 != 4 || b[9] != 6) {
			t.Fatalf("took a malformed segment %x", b)
		}
		select {
		case bp := <-s.in:
			if string(*bp) != string(b) {
				t.Fatal("queued copy differs")
			}
			s.putBuf(bp)
		default:
		}
	})
}
