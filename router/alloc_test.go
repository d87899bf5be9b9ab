package router

import (
	"sync"
	"testing"

	"natlab/port"
)

// nullPort swallows what is written to it and never delivers anything.
type nullPort struct {
	once sync.Once
	done chan struct{}
}

func newNullPort() *nullPort { return &nullPort{done: make(chan struct{})} }

func (p *nullPort) Name() string   { return "null" }
func (p *nullPort) MTU() int       { return 1500 }
func (p *nullPort) BatchSize() int { return 64 }
func (p *nullPort) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	<-p.done
	return 0, port.ErrClosed
}
func (p *nullPort) Write(bufs [][]byte, offset int) (int, error) { return len(bufs), nil }
func (p *nullPort) Close() error {
	p.once.Do(func() { close(p.done) })
	return nil
}

// hookedLab is the lab with a no-op hook at every point, as a router with
// ACLs, NAT and inspection configured would run them.
func hookedLab(t testing.TB) *lab {
	l := newLab(t)
	for pt := HookInput; pt < numHookPoints; pt++ {
		l.r.AddHook(pt, 100, HookFunc(func(p *Packet) Verdict { return Accept }))
	}
	return l
}

// TestForwardNoAllocs feeds the pipeline a prepared buffer and writes the
// result to a mem port: a forwarded packet allocates nothing.
func TestForwardNoAllocs(t *testing.T) {
	l := hookedLab(t)
	s := l.r.snap.Load()
	in := l.gi(0)
	q := newTxQueue(1)
	pkt := tcpPkt(pc1, isp, 64, make([]byte, 512))
	buf := make([]byte, 2048)
	dst := make([]byte, 2048)
	now := l.clock.Now().UnixNano()
	allocs := testing.AllocsPerRun(1000, func() {
		n := copy(buf, pkt)
		l.r.receive(s, in, buf[:n], port.Offload{}, now, q)
		q.flush(l.r, s, now)
		if _, err := l.outside.ReadInto(dst); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("forwarding allocates %v times per packet", allocs)
	}
	// The same through the port goroutines: inject, forward, receive.
	allocs = testing.AllocsPerRun(1000, func() {
		l.inside.Inject(pkt)
		if _, err := l.outside.ReadInto(dst); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("mem port round trip allocates %v times per packet", allocs)
	}
}

// BenchmarkForward measures a packet through the whole router over mem
// ports: inject on Gi0/0, forward through five hook points, read on Gi0/1,
// with up to 256 packets in flight.
func BenchmarkForward(b *testing.B) {
	l := hookedLab(b)
	pkt := tcpPkt(pc1, isp, 64, make([]byte, 64))
	dst := make([]byte, 2048)
	const window = 256
	b.ReportAllocs()
	b.SetBytes(int64(len(pkt)))
	b.ResetTimer()
	inflight := 0
	for k := 0; k < b.N; k++ {
		if inflight == window {
			l.outside.ReadInto(dst)
			inflight--
		}
		for l.inside.Inject(pkt) != nil {
			l.outside.ReadInto(dst)
			inflight--
		}
		inflight++
	}
	for ; inflight > 0; inflight-- {
		l.outside.ReadInto(dst)
	}
}

// BenchmarkForwardPipeline measures the per-packet logic alone: decode,
// hooks, route lookup, TTL decrement, queue and a write to a port that
// discards.
func BenchmarkForwardPipeline(b *testing.B) {
	l := hookedLab(b)
	np := newNullPort()
	l.r.Bind("GigabitEthernet0/2", np)
	g2 := l.r.Interface("GigabitEthernet0/2")
	g2.SetAddress(mustPrefix("192.168.2.1/24"))
	g2.SetShutdown(false)
	s := l.r.snap.Load()
	in := l.gi(0)
	q := newTxQueue(64)
	pkt := tcpPkt(pc1, mustAddr("192.168.2.10"), 64, make([]byte, 64))
	bufs := make([][]byte, 64)
	for k := range bufs {
		bufs[k] = make([]byte, 2048)
	}
	now := l.clock.Now().UnixNano()
	b.ReportAllocs()
	b.ResetTimer()
	for k := 0; k < b.N; k += len(bufs) {
		batch := min(len(bufs), b.N-k)
		for j := 0; j < batch; j++ {
			n := copy(bufs[j], pkt)
			l.r.receive(s, in, bufs[j][:n], port.Offload{}, now, q)
		}
		q.flush(l.r, s, now)
	}
}
