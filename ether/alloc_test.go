package ether

import (
	"net/netip"
	"testing"

	"natlab/port"
)

// TestZeroAllocs: a batch written to resolved neighbors (and broadcast),
// and received frames read back, allocate nothing once warm.
func TestZeroAllocs(t *testing.T) {
	r := newRig(t)
	r.l.input(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	r.sent()
	const batch = 8
	bufs := make([][]byte, batch)
	hops := make([]netip.Addr, batch)
	for i := range bufs {
		pkt := udp(routerIP, netip.MustParseAddr("8.8.8.8"), 1000)
		if i == 0 {
			pkt = udp(routerIP, netip.MustParseAddr("192.168.1.255"), 100)
		}
		bufs[i] = append(make([]byte, 16), pkt...)
		hops[i] = pc1IP
	}
	drain := make([]byte, 2048)
	wr := testing.AllocsPerRun(200, func() {
		if _, err := r.p.WriteNextHop(bufs, hops, 16); err != nil {
			t.Fatal(err)
		}
		for r.wire.Pending() > 0 {
			r.wire.ReadInto(drain)
		}
	})
	if wr != 0 {
		t.Errorf("write: %v allocs per batch", wr)
	}

	frame := ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, udp(pc1IP, routerIP, 1000))
	rb := make([][]byte, batch)
	for i := range rb {
		rb[i] = make([]byte, 1600)
	}
	sizes := make([]int, batch)
	// The ring's buffers are allocated on first use: go round it once.
	for i := 0; i < rxRing; i++ {
		r.l.input(frame)
		readIP(t, r.p)
	}
	rd := testing.AllocsPerRun(200, func() {
		for i := 0; i < batch; i++ {
			r.l.input(frame)
		}
		if n, err := r.p.Read(rb, sizes, 0); n != batch || err != nil {
			t.Fatalf("Read %d %v", n, err)
		}
	})
	if rd != 0 {
		t.Errorf("read: %v allocs per batch", rd)
	}
}

// BenchmarkForward: packets in through the device, Read, Write back out to
// a resolved neighbor: the whole Ethernet cost of a forwarded packet, with
// the reader goroutine and the in-memory wire.
func BenchmarkForward(b *testing.B) {
	r := newRig(b)
	r.l.input(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	r.sent()
	frame := ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, udp(pc1IP, netip.MustParseAddr("10.1.1.1"), 1000))
	const batch = 32
	bufs := make([][]byte, batch)
	for i := range bufs {
		bufs[i] = make([]byte, 1600)
	}
	sizes := make([]int, batch)
	hops := make([]netip.Addr, batch)
	for i := range hops {
		hops[i] = pc1IP
	}
	out := make([][]byte, batch)
	drain := make([]byte, 2048)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		k := min(batch, b.N-done)
		for i := 0; i < k; i++ {
			r.wire.Inject(frame)
		}
		got := 0
		for got < k {
			n, err := r.p.Read(bufs[got:k], sizes[got:k], 0)
			if err != nil {
				b.Fatal(err)
			}
			got += n
		}
		for i := 0; i < k; i++ {
			out[i] = bufs[i][:sizes[i]]
		}
		r.p.WriteNextHop(out[:k], hops[:k], 0)
		for i := 0; i < k; i++ {
			r.wire.ReadInto(drain)
		}
		done += k
	}
}

// nullDev is a frame device that discards what it is given and never
// delivers anything: it isolates the port's own cost.
type nullDev struct{ done chan struct{} }

func (d *nullDev) Name() string                              { return "null" }
func (d *nullDev) MTU() int                                  { return 1500 }
func (d *nullDev) BatchSize() int                            { return 32 }
func (d *nullDev) Write(b [][]byte, offset int) (int, error) { return len(b), nil }
func (d *nullDev) Close() error                              { close(d.done); return nil }
func (d *nullDev) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	<-d.done
	return 0, port.ErrClosed
}

// BenchmarkWriteNextHop: framing a batch of 32 packets of 1000 bytes to a
// resolved next hop, per packet.
func BenchmarkWriteNextHop(b *testing.B) {
	l := NewLink(&nullDev{done: make(chan struct{})}, routerMAC, nil)
	defer l.Close()
	p := l.Port()
	p.SetHost(&testHost{addr: netip.PrefixFrom(routerIP, 24)})
	l.input(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	const batch = 32
	bufs := make([][]byte, batch)
	hops := make([]netip.Addr, batch)
	for i := range bufs {
		bufs[i] = udp(routerIP, netip.MustParseAddr("10.1.1.1"), 1000)
		hops[i] = pc1IP
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		p.WriteNextHop(bufs, hops, 0)
	}
}
