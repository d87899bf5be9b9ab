package router

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"sync"
	"testing"
	"time"

	"natlab/packet"
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

// TestLargePings: the router fragments its own large echoes and reassembles
// the fragmented replies; a large echo to the router is reassembled and
// answered in fragments.
func TestLargePings(t *testing.T) {
	l := newLab(t)
	startResponder(t, l.outside, isp, isp)
	l.gi(1).SetMTU(1400)
	if got := pingMarks(l.r, isp, PingOptions{Count: 3, Size: 3000, Timeout: time.Second}); got != "!!!" {
		t.Errorf("large ping from the router: %q", got)
	}
	if got := pingMarks(l.r, r1Outside.Addr(), PingOptions{Count: 1, Size: 5000, Timeout: time.Second}); got != "!" {
		t.Errorf("large ping to itself: %q", got)
	}
	// From the PC side: 3000-byte echo in three fragments, out of order.
	big := make([]byte, 3000)
	n := packet.BuildEcho(big, packet.ICMPEcho, pc1, r1Inside.Addr(), 9, 1, 4242, 64, 3000-28, nil)
	big = big[:n]
	frags := fragmentForTest(big, 1200)
	for _, k := range []int{2, 0, 1} {
		l.inside.Inject(frags[k])
	}
	var got []byte
	for {
		b, p := expect(t, l.inside)
		ip := packet.IPv4(b)
		if ip.FragmentOffset() != len(got) {
			t.Fatalf("reply fragment at %d, have %d", ip.FragmentOffset(), len(got))
		}
		got = append(got, b[p.IHL:]...)
		if ip.Flags()&packet.IPv4FlagMoreFragments == 0 {
			break
		}
	}
	if len(got) != len(big)-20 || got[0] != packet.ICMPEchoReply || !bytes.Equal(got[8:], big[28:]) {
		t.Errorf("reply of %d bytes, type %d", len(got), got[0])
	}
}

// fragmentForTest splits an IPv4 packet with a 20-byte header into
// fragments of at most mtu bytes.
func fragmentForTest(b []byte, mtu int) [][]byte {
	var out [][]byte
	data := b[20:]
	step := (mtu - 20) &^ 7
	for off := 0; off < len(data); off += step {
		end := min(off+step, len(data))
		f := append(append([]byte(nil), b[:20]...), data[off:end]...)
		binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
		fo := uint16(off / 8)
		if end < len(data) {
			fo |= packet.IPv4FlagMoreFragments
		}
		binary.BigEndian.PutUint16(f[6:], fo)
		packet.IPv4(f).UpdateChecksum()
		out = append(out, f)
	}
	return out
}

func TestProbesStop(t *testing.T) {
	l := newLab(t)
	stop := make(chan struct{})
	time.AfterFunc(50*time.Millisecond, func() { close(stop) })
	start := time.Now()
	got := pingMarks(l.r, unroutable, PingOptions{Count: 100, Timeout: time.Second, Stop: stop})
	if got != "." || time.Since(start) > 2*time.Second {
		t.Errorf("ping after stop: %q in %v", got, time.Since(start))
	}
	stop2 := make(chan struct{})
	time.AfterFunc(50*time.Millisecond, func() { close(stop2) })
	hops, done := trace(l.r, unroutable, TraceOptions{Timeout: time.Second, Stop: stop2})
	if !done || len(hops) != 1 || hops[0].mark != '*' {
		t.Errorf("traceroute after stop: %v done=%v", hops, done)
	}
}
