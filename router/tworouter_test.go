package router

import (
	"net/netip"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/port"
)

// wire joins two MemHosts: what one router sends arrives at the other, as a
// cable between two routers.
func wire(t *testing.T, a, b *port.MemHost) {
	stop := make(chan struct{})
	done := make(chan struct{}, 2)
	pump := func(from, to *port.MemHost) {
		defer func() { done <- struct{}{} }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if p := from.Recv(5 * time.Millisecond); p != nil {
				to.Inject(p)
			}
		}
	}
	go pump(a, b)
	go pump(b, a)
	t.Cleanup(func() { close(stop); <-done; <-done })
}

// TestTwoRouters: R1 Gi0/1 10.0.12.1/30 -- 10.0.12.2/30 Gi0/0 R2 Gi0/1
// 172.16.0.1/24 -- host 172.16.0.10. Traceroute from R1 walks R2 to the
// host; traceroute to R2's far address ends at R2 with port unreachable.
func TestTwoRouters(t *testing.T) {
	clk := testclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r1 := New(Options{Clock: clk.Now})
	r2 := New(Options{Clock: clk.Now})
	t.Cleanup(func() { r1.Close(); r2.Close() })
	m1, h1 := port.NewMem("r1-gi1", 1500)
	m2, h2 := port.NewMem("r2-gi0", 1500)
	m3, h3 := port.NewMem("r2-gi1", 1500)
	wire(t, h1, h2)
	setup := func(r *Router, name string, p port.Port, addr string) {
		if err := r.Bind(name, p); err != nil {
			t.Fatal(err)
		}
		i := r.Interface(name)
		i.SetAddress(mustPrefix(addr))
		i.SetShutdown(false)
	}
	setup(r1, "GigabitEthernet0/1", m1, "10.0.12.1/30")
	setup(r2, "GigabitEthernet0/0", m2, "10.0.12.2/30")
	setup(r2, "GigabitEthernet0/1", m3, "172.16.0.1/24")
	host := mustAddr("172.16.0.10")
	startResponder(t, h3, netip.Addr{}, host)
	r1.AddStaticRoute(StaticRoute{Prefix: mustPrefix("172.16.0.0/16"), NextHop: mustAddr("10.0.12.2")})
	r2.AddStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), Interface: "GigabitEthernet0/0"})

	if got := pingMarks(r1, host, PingOptions{Timeout: time.Second}); got != "!!!!!" {
		t.Errorf("ping host: %q", got)
	}
	if got := pingMarks(r1, mustAddr("172.16.0.1"), PingOptions{Timeout: time.Second}); got != "!!!!!" {
		t.Errorf("ping R2's far interface: %q", got)
	}
	hops, _ := trace(r1, host, TraceOptions{Timeout: time.Second})
	want := []hop{{1, mustAddr("10.0.12.2"), 0}, {1, mustAddr("10.0.12.2"), 0}, {1, mustAddr("10.0.12.2"), 0},
		{2, host, 0}, {2, host, 0}, {2, host, 0}}
	if !equalHops(hops, want) {
		t.Errorf("traceroute host: %v", hops)
	}
	// R2 rate-limits its port unreachables (the fake clock stands still).
	hops, _ = trace(r1, mustAddr("172.16.0.1"), TraceOptions{Timeout: 50 * time.Millisecond})
	want = []hop{{1, mustAddr("172.16.0.1"), 0}, {1, netip.Addr{}, '*'}, {1, netip.Addr{}, '*'}}
	if !equalHops(hops, want) {
		t.Errorf("traceroute R2: %v", hops)
	}
	// Shutting R2's far side makes R2 answer host unreachable: !H.
	r2.Interface("GigabitEthernet0/1").SetShutdown(true)
	r2.RemoveStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), Interface: "GigabitEthernet0/0"})
	clk.Advance(time.Second)
	hops, _ = trace(r1, host, TraceOptions{Probes: 1, Timeout: time.Second})
	if want := []hop{{1, mustAddr("10.0.12.2"), 'H'}}; !equalHops(hops, want) {
		t.Errorf("traceroute after shutdown: %v", hops)
	}
}
