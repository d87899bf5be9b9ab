package router

import (
	"net/netip"
	"sync/atomic"
	"testing"

	"natlab/packet"
	"natlab/port"
)

// tcpTo builds a TCP segment from src:40000 to dst:dport with flags.
func tcpTo(src, dst netip.Addr, dport uint16, flags uint8) []byte {
	b := make([]byte, 64)
	return b[:packet.BuildTCP(b, src, dst, 40000, dport, 1000, 0, flags, 65535, 1, 64, nil)]
}

// takePort installs a taker that takes segments to port and counts them,
// checking each is the whole datagram the host sent.
func takePort(t *testing.T, l *lab, port uint16) *atomic.Int32 {
	var n atomic.Int32
	l.r.SetLocalTCP(func(pkt []byte) bool {
		var p packet.Parsed
		if p.Decode(pkt) != packet.OK || p.IPProto != packet.ProtoTCP || int(p.TotalLen) != len(pkt) {
			t.Errorf("taker got a bad segment %x", pkt)
			return false
		}
		if p.DstPort != port {
			return false
		}
		n.Add(1)
		return true
	})
	return &n
}

func TestLocalTCPTaker(t *testing.T) {
	for _, c := range []struct {
		name  string
		dst   netip.Addr
		dport uint16
		flags uint8
		taken bool // the taker gets it, no reset
		reset bool // the router answers with a reset
	}{
		{"listened port, inside address", r1Inside.Addr(), 22, packet.TCPSyn, true, false},
		{"listened port, the other interface's address", r1Outside.Addr(), 22, packet.TCPSyn, true, false},
		{"port nobody listens on", r1Inside.Addr(), 80, packet.TCPSyn, false, true},
		{"reset to a closed port is not answered", r1Inside.Addr(), 80, packet.TCPRst, false, false},
		{"directed broadcast is never taken", netip.MustParseAddr("192.168.1.255"), 22, packet.TCPSyn, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newLab(t)
			n := takePort(t, l, 22)
			l.inside.Inject(tcpTo(pc1, c.dst, c.dport, c.flags))
			if c.reset {
				_, p := expect(t, l.inside)
				if p.TCPFlags&packet.TCPRst == 0 || p.Src != c.dst || p.SrcPort != c.dport {
					t.Fatalf("want a reset from %v:%d, got %v", c.dst, c.dport, p.String())
				}
			} else {
				expectNone(t, l.inside)
			}
			if got := n.Load() == 1; got != c.taken {
				t.Errorf("taken = %v, want %v", got, c.taken)
			}
		})
	}
}

// An input hook that drops the segment (an ACL applied in) keeps it from
// the taker: the taker runs after the input path.
func TestLocalTCPAfterInputACL(t *testing.T) {
	l := newLab(t)
	n := takePort(t, l, 22)
	l.r.AddHook(HookInput, 10, HookFunc(func(p *Packet) Verdict {
		if p.P.IPProto == packet.ProtoTCP && p.P.DstPort == 22 {
			return Drop
		}
		return Accept
	}))
	l.inside.Inject(tcpTo(pc1, r1Inside.Addr(), 22, packet.TCPSyn))
	expectNone(t, l.inside)
	if n.Load() != 0 {
		t.Fatal("a segment the input ACL dropped reached the taker")
	}
}

// Removing the taker brings the resets back.
func TestLocalTCPRemove(t *testing.T) {
	l := newLab(t)
	takePort(t, l, 22)
	l.r.SetLocalTCP(nil)
	l.inside.Inject(tcpTo(pc1, r1Inside.Addr(), 22, packet.TCPSyn))
	if _, p := expect(t, l.inside); p.TCPFlags&packet.TCPRst == 0 {
		t.Fatalf("want a reset, got %v", p.String())
	}
}

func TestSendLocal(t *testing.T) {
	l := newLab(t)
	seg := func(src, dst netip.Addr) []byte {
		b := make([]byte, 128)
		return b[:packet.BuildTCP(b, src, dst, 22, 40000, 1, 1001, packet.TCPSyn|packet.TCPAck, 65535, 7, 64, []byte("hello"))]
	}
	if !l.r.SendLocal(seg(r1Inside.Addr(), pc1)) {
		t.Fatal("SendLocal to a connected host: no route")
	}
	b, p := expect(t, l.inside)
	if p.Src != r1Inside.Addr() || p.Dst != pc1 || p.SrcPort != 22 || string(b[p.PayloadOff:p.TotalLen]) != "hello" {
		t.Fatalf("sent %v", p.String())
	}
	if l.r.SendLocal(seg(r1Inside.Addr(), unroutable)) {
		t.Error("SendLocal without a route reported true")
	}
	if l.r.SendLocal([]byte{0x45, 0, 0}) {
		t.Error("SendLocal of a truncated packet reported true")
	}
	// To the router's own address: delivered locally, so to the taker.
	n := takePort(t, l, 40000)
	if !l.r.SendLocal(seg(r1Inside.Addr(), r1Outside.Addr())) {
		t.Fatal("SendLocal to the router itself: no route")
	}
	if n.Load() != 1 {
		t.Error("a segment the router sent to itself did not reach the taker")
	}
	// An output hook sees it, as an output ACL would.
	var seen atomic.Int32
	l.r.AddHook(HookOutput, 10, HookFunc(func(p *Packet) Verdict {
		if p.P.IPProto == packet.ProtoTCP && p.P.SrcPort == 22 {
			seen.Add(1)
			return Drop
		}
		return Accept
	}))
	l.r.SendLocal(seg(r1Inside.Addr(), pc1))
	expectNone(t, l.inside)
	if seen.Load() != 1 {
		t.Error("the output hook did not see the router's segment")
	}
}

// SendLocal and the taker allocate nothing per segment.
func TestLocalTCPNoAllocs(t *testing.T) {
	l := newLab(t)
	s := l.r.snap.Load()
	q := newTxQueue(1)
	n := takePort(t, l, 22)
	in := tcpTo(pc1, r1Inside.Addr(), 22, packet.TCPAck)
	buf := make([]byte, 2048)
	now := l.clock.Now().UnixNano()
	allocs := testing.AllocsPerRun(1000, func() {
		k := copy(buf, in)
		l.r.receive(s, l.gi(0), buf[:k], port.Offload{}, now, q)
		q.flush(l.r, s, now)
	})
	if allocs != 0 || n.Load() < 1000 {
		t.Errorf("taking a segment allocates %v times (taken %d)", allocs, n.Load())
	}
	out := make([]byte, 128)
	out = out[:packet.BuildTCP(out, r1Inside.Addr(), pc1, 22, 40000, 1, 1, packet.TCPAck, 65535, 7, 64, nil)]
	pkt := make([]byte, len(out))
	dst := make([]byte, 2048)
	allocs = testing.AllocsPerRun(1000, func() {
		copy(pkt, out)
		if !l.r.SendLocal(pkt) {
			t.Fatal("no route")
		}
		if _, err := l.inside.ReadInto(dst); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("SendLocal allocates %v times per segment", allocs)
	}
}
