package ftpinspect

import (
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
	"natlab/router"
)

// cbacBench is a session table with an outbound tcp rule on Gi0/1 and one
// open session, driven with router packets directly.
func cbacBench(tb testing.TB) (*cbac, *router.Packet, *router.Packet) {
	r := router.New(router.Options{Interfaces: 2})
	tb.Cleanup(func() { r.Close() })
	in0, in1 := r.Interface("GigabitEthernet0/0"), r.Interface("GigabitEthernet0/1")
	cb := &cbac{}
	cb.init(time.Now)
	cb.snap.Store(&cbacSnap{in: map[int]*ruleSet{}, out: map[int]*ruleSet{in1.Index(): {protos: []*rule{{proto: "tcp", timeout: 3600}}}}})
	mk := func(src, dst string, flags uint8, in, out *router.Interface) *router.Packet {
		b, n := buildSeg(netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst), 1, 1, flags, []byte("x"), nil)
		p := &router.Packet{Buf: b[:n], In: in, Out: out}
		if p.P.Decode(p.Buf) != packet.OK {
			tb.Fatal("bad packet")
		}
		return p
	}
	syn := mk("203.0.113.1:41000", "203.0.113.10:80", packet.TCPSyn, in0, in1)
	cb.create(syn)
	out := mk("203.0.113.1:41000", "203.0.113.10:80", packet.TCPAck, in0, in1)
	back := mk("203.0.113.10:80", "203.0.113.1:41000", packet.TCPAck, in1, in0)
	return cb, out, back
}

// TestCBACAllocs: packets of an existing session allocate nothing.
func TestCBACAllocs(t *testing.T) {
	cb, out, back := cbacBench(t)
	if a := testing.AllocsPerRun(100, func() {
		cb.create(out)
		back.Mark = 0
		cb.ret(back)
	}); a != 0 {
		t.Errorf("%v allocations per session packet pair", a)
	}
	if back.Mark == 0 {
		t.Error("return packet not marked")
	}
}

// BenchmarkCBACSessionPacket is the cost of one packet of an open session
// at each of the two hooks (create at HookInspect, return at HookInput).
func BenchmarkCBACSessionPacket(b *testing.B) {
	cb, out, back := cbacBench(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		cb.create(out)
		cb.ret(back)
	}
}
