package router

import (
	"net/netip"
	"testing"

	"natlab/packet"
	"natlab/port"
)

// TestVerifyUnicastSource: uRPF on Gi0/1 (the outside) over mem ports, one
// packet from the outside a case: forwarded to pc1 or dropped and counted.
func TestVerifyUnicastSource(t *testing.T) {
	spoofed := mustAddr("192.168.1.50") // an inside address arriving outside
	permitSpoofed := func(name string, p *packet.Parsed) (bool, bool) {
		return name == "10" && p.Src == spoofed, name == "10"
	}
	cases := []struct {
		name       string
		verify     VerifySource
		dflt       bool // a default route via isp
		src, dst   netip.Addr
		pass       bool
		suppressed bool
	}{
		{"rx: connected source", VerifySource{Mode: VerifyRx}, false, isp, pc1, true, false},
		{"rx: static route's source", VerifySource{Mode: VerifyRx}, false, farAway, pc1, true, false},
		{"rx: source behind another interface", VerifySource{Mode: VerifyRx}, false, spoofed, pc1, false, false},
		{"rx: the router's own address", VerifySource{Mode: VerifyRx}, false, r1Inside.Addr(), pc1, false, false},
		{"rx: the outside subnet's broadcast", VerifySource{Mode: VerifyRx}, false, mustAddr("203.0.113.255"), pc1, false, false},
		{"rx: no route to the source", VerifySource{Mode: VerifyRx}, false, unroutable, pc1, false, false},
		{"rx: only the default route", VerifySource{Mode: VerifyRx}, true, unroutable, pc1, false, false},
		{"rx allow-default", VerifySource{Mode: VerifyRx, AllowDefault: true}, true, unroutable, pc1, true, false},
		{"rx allow-default: behind another interface", VerifySource{Mode: VerifyRx, AllowDefault: true}, true, spoofed, pc1, false, false},
		{"rx: spoofed to the router itself", VerifySource{Mode: VerifyRx}, false, spoofed, r1Outside.Addr(), false, false},
		{"rx ACL permits", VerifySource{Mode: VerifyRx, ACL: "10"}, false, spoofed, pc1, true, true},
		{"rx ACL denies", VerifySource{Mode: VerifyRx, ACL: "10"}, false, unroutable, pc1, false, false},
		{"rx ACL that does not exist", VerifySource{Mode: VerifyRx, ACL: "99"}, false, spoofed, pc1, false, false},
		{"any: source behind another interface", VerifySource{Mode: VerifyAny}, false, spoofed, pc1, true, false},
		{"any: no route", VerifySource{Mode: VerifyAny}, false, unroutable, pc1, false, false},
		{"any: only the default route", VerifySource{Mode: VerifyAny}, true, unroutable, pc1, false, false},
		{"off", VerifySource{}, false, spoofed, pc1, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newLab(t)
			l.r.SetACLEvaluator(permitSpoofed)
			l.r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("198.51.100.0/24"), NextHop: isp})
			if c.dflt {
				l.r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), NextHop: isp})
			}
			l.gi(1).SetVerifySource(c.verify)
			if c.dst == pc1 {
				l.outside.Inject(udpPkt(c.src, c.dst, 1, 2, 64, nil))
			} else {
				l.outside.Inject(echoPkt(c.src, c.dst, 1, 1, 64))
			}
			if c.pass {
				if _, p := expect(t, l.inside); p.Src != c.src {
					t.Fatalf("got %v", p.String())
				}
			} else {
				expectNone(t, l.inside)
			}
			settle()
			want := VerifyCounters{}
			switch {
			case c.suppressed:
				want.Suppressed = 1
			case !c.pass:
				want.Drops = 1
			}
			if got := l.gi(1).VerifyCounters(); got != want {
				t.Errorf("counters %+v, want %+v", got, want)
			}
		})
	}
}

// TestVerifyNoAllocsNoLock: the uRPF check, passing, dropping and asking
// the ACL, allocates nothing and works while the configuration lock is
// held.
func TestVerifyNoAllocsNoLock(t *testing.T) {
	l := hookedLab(t)
	l.r.SetACLEvaluator(func(name string, p *packet.Parsed) (bool, bool) { return p.Src == farAway, true })
	l.gi(0).SetVerifySource(VerifySource{Mode: VerifyRx, ACL: "10"})
	s := l.r.snap.Load()
	in := l.gi(0)
	q := newTxQueue(1)
	buf := make([]byte, 2048)
	dst := make([]byte, 2048)
	now := l.clock.Now().UnixNano()
	for _, c := range []struct {
		name string
		pkt  []byte
		out  bool
	}{
		{"verified", tcpPkt(pc1, isp, 64, make([]byte, 512)), true},
		{"spoofed", tcpPkt(unroutable, isp, 64, nil), false},
		{"permitted by the ACL", tcpPkt(farAway, isp, 64, nil), true},
	} {
		allocs := testing.AllocsPerRun(1000, func() {
			n := copy(buf, c.pkt)
			l.r.receive(s, in, buf[:n], port.Offload{}, now, q)
			q.flush(l.r, s, now)
			if c.out {
				if _, err := l.outside.ReadInto(dst); err != nil {
					t.Fatal(err)
				}
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per packet", c.name, allocs)
		}
	}
	if got := in.VerifyCounters(); got.Drops != 1001 || got.Suppressed != 1001 {
		t.Errorf("counters %+v", got)
	}
	release := l.r.HoldConfig()
	defer release()
	l.inside.Inject(tcpPkt(unroutable, isp, 64, nil))
	l.inside.Inject(tcpPkt(pc1, isp, 64, nil))
	if _, p := expect(t, l.outside); p.Src != pc1 {
		t.Errorf("got %v", p.String())
	}
}
