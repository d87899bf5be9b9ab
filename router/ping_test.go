package router

import (
	"net/netip"
	"sync"
	"testing"
	"time"
)

func pingMarks(r *Router, dst netip.Addr, o PingOptions) string {
	var s []byte
	r.Ping(dst, o, func(seq int, mark byte, rtt time.Duration) { s = append(s, mark) })
	return string(s)
}

func TestPing(t *testing.T) {
	l := newLab(t)
	rs := startResponder(t, l.outside, isp, isp)
	rs.unreach[farAway] = true
	l.r.Loopback(0).SetAddress(mustPrefix("10.255.0.1/32"))
	// The router's own pings pass the outbound hooks with In == nil.
	var mu sync.Mutex
	seen := 0
	l.r.AddHook(HookOutput, 100, HookFunc(func(p *Packet) Verdict {
		if p.In == nil && p.P.Dst == isp {
			mu.Lock()
			seen++
			mu.Unlock()
		}
		return Accept
	}))
	fast := PingOptions{Timeout: 200 * time.Millisecond}
	cases := []struct {
		name string
		dst  netip.Addr
		o    PingOptions
		want string
	}{
		{"reply", isp, fast, "!!!!!"},
		{"own address", r1Inside.Addr(), fast, "!!!!!"},
		{"other interface's address", r1Outside.Addr(), PingOptions{Count: 2}, "!!"},
		{"from loopback", isp, PingOptions{Count: 3, Source: mustAddr("10.255.0.1"), Timeout: time.Second}, "!!!"},
		{"no route", unroutable, PingOptions{Count: 2, Timeout: 20 * time.Millisecond}, ".."},
		{"silent host", mustAddr("203.0.113.99"), PingOptions{Count: 2, Timeout: 20 * time.Millisecond}, ".."},
		{"unreachable", farAway, PingOptions{Count: 3, Timeout: time.Second}, "UUU"},
		{"big, df", isp, PingOptions{Count: 1, Size: 1500, DF: true, Timeout: time.Second}, "!"},
	}
	l.r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("198.51.100.0/24"), NextHop: isp})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := pingMarks(l.r, c.dst, c.o); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	l.gi(1).SetMTU(1400)
	if got := pingMarks(l.r, isp, PingOptions{Count: 1, Size: 1500, DF: true, Timeout: 100 * time.Millisecond}); got != "M" {
		t.Errorf("oversize DF ping: %q", got)
	}
	if got := pingMarks(l.r, isp, PingOptions{Count: 1, Size: 1500, Timeout: time.Second}); got != "!" {
		t.Errorf("fragmented ping: %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen < 10 {
		t.Errorf("output hook saw %d router pings", seen)
	}
}

type hop struct {
	ttl  int
	from netip.Addr
	mark byte
}

func trace(r *Router, dst netip.Addr, o TraceOptions) ([]hop, bool) {
	var hops []hop
	done := false
	r.Traceroute(dst, o, func(ttl int, from netip.Addr, rtt time.Duration, mark byte) {
		hops = append(hops, hop{ttl, from, mark})
	}, func() { done = true })
	return hops, done
}

func TestTraceroute(t *testing.T) {
	l := newLab(t)
	rs := startResponder(t, l.outside, isp, farAway)
	rs.unreach[mustAddr("198.51.100.9")] = true
	l.r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("198.51.100.0/24"), NextHop: isp})

	t.Run("two hops", func(t *testing.T) {
		hops, done := trace(l.r, farAway, TraceOptions{Timeout: time.Second})
		want := []hop{{1, isp, 0}, {1, isp, 0}, {1, isp, 0}, {2, farAway, 0}, {2, farAway, 0}, {2, farAway, 0}}
		if !done || !equalHops(hops, want) {
			t.Errorf("got %v done=%v", hops, done)
		}
	})
	t.Run("host unreachable", func(t *testing.T) {
		hops, _ := trace(l.r, mustAddr("198.51.100.9"), TraceOptions{Timeout: time.Second})
		want := []hop{{1, isp, 'H'}, {1, isp, 'H'}, {1, isp, 'H'}}
		if !equalHops(hops, want) {
			t.Errorf("got %v", hops)
		}
	})
	t.Run("router itself", func(t *testing.T) {
		// Port unreachable from the router ends it at TTL 1; the second and
		// third are rate-limited (the fake clock stands still), as the last
		// hop of a traceroute to an IOS router shows '*'.
		hops, _ := trace(l.r, r1Inside.Addr(), TraceOptions{Timeout: 20 * time.Millisecond})
		want := []hop{{1, r1Inside.Addr(), 0}, {1, netip.Addr{}, '*'}, {1, netip.Addr{}, '*'}}
		if !equalHops(hops, want) {
			t.Errorf("got %v", hops)
		}
	})
	t.Run("no answers", func(t *testing.T) {
		hops, done := trace(l.r, unroutable, TraceOptions{MaxTTL: 2, Probes: 2, Timeout: 10 * time.Millisecond})
		if !done || len(hops) != 4 || hops[3].ttl != 2 || hops[3].mark != '*' {
			t.Errorf("got %v done=%v", hops, done)
		}
	})
}

func equalHops(a, b []hop) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}
