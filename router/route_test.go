package router

import (
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"

	"natlab/packet"
	"natlab/port"
)

// staticLab is the lab with a /32 loopback and a static route for each
// way a static is installed or not.
func staticLab(t *testing.T) *lab {
	l := newLab(t)
	r := l.r
	r.Loopback(0).SetAddress(mustPrefix("10.255.0.1/32"))
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), NextHop: isp})
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("10.1.0.0/16"), Interface: "GigabitEthernet0/0"})
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("10.2.0.0/16"), NextHop: mustAddr("10.99.0.1")})             // resolves only through the default route
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("10.3.0.0/16"), NextHop: mustAddr("10.1.2.3"), Distance: 5}) // recursive via the 10.1/16 static
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("10.4.0.0/16"), Interface: "GigabitEthernet0/2"})            // interface down
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("192.168.1.0/24"), NextHop: isp})                            // loses to connected
	return l
}

func TestRoutes(t *testing.T) {
	r := staticLab(t).r
	want := []RouteEntry{
		{Code: 'S', Prefix: mustPrefix("0.0.0.0/0"), Distance: 1, NextHop: isp},
		{Code: 'S', Prefix: mustPrefix("10.1.0.0/16"), Distance: 1, Interface: "GigabitEthernet0/0"},
		{Code: 'S', Prefix: mustPrefix("10.2.0.0/16"), Distance: 1, NextHop: mustAddr("10.99.0.1")},
		{Code: 'S', Prefix: mustPrefix("10.3.0.0/16"), Distance: 5, NextHop: mustAddr("10.1.2.3")},
		{Code: 'C', Prefix: mustPrefix("10.255.0.1/32"), Interface: "Loopback0"},
		{Code: 'C', Prefix: mustPrefix("192.168.1.0/24"), Interface: "GigabitEthernet0/0"},
		{Code: 'L', Prefix: mustPrefix("192.168.1.1/32"), Interface: "GigabitEthernet0/0"},
		{Code: 'C', Prefix: mustPrefix("203.0.113.0/24"), Interface: "GigabitEthernet0/1"},
		{Code: 'L', Prefix: mustPrefix("203.0.113.1/32"), Interface: "GigabitEthernet0/1"},
	}
	if got := r.Routes(); !reflect.DeepEqual(got, want) {
		t.Errorf("Routes:\n got %+v\nwant %+v", got, want)
	}
	lookups := []struct {
		dst   string
		code  byte
		iface string
	}{
		{"8.8.8.8", 'S', "GigabitEthernet0/1"},
		{"10.1.9.9", 'S', "GigabitEthernet0/0"},
		{"10.3.0.1", 'S', "GigabitEthernet0/0"},
		{"10.2.0.1", 'S', "GigabitEthernet0/1"},
		{"192.168.1.77", 'C', "GigabitEthernet0/0"},
		{"192.168.1.1", 'L', "GigabitEthernet0/0"},
		{"10.255.0.1", 'C', "Loopback0"},
	}
	for _, c := range lookups {
		e, ok := r.Lookup(mustAddr(c.dst))
		if !ok || e.Code != c.code || e.Interface != c.iface {
			t.Errorf("Lookup(%s) = %+v %v", c.dst, e, ok)
		}
	}
}

func TestStaticRoutesCarryTraffic(t *testing.T) {
	l := staticLab(t)
	// 10.3/16 (recursive, via the 10.1/16 static) leaves by Gi0/0 with TTL
	// decremented.
	l.outside.Inject(udpPkt(isp, mustAddr("10.3.4.5"), 1, 2, 9, nil))
	_, p := expect(t, l.inside)
	if p.Dst != mustAddr("10.3.4.5") || p.TTL != 8 {
		t.Errorf("got %v", p.String())
	}
	// The default route carries unknown destinations out Gi0/1.
	l.inside.Inject(udpPkt(pc1, unroutable, 1, 2, 9, nil))
	if _, p := expect(t, l.outside); p.Dst != unroutable {
		t.Errorf("got %v", p.String())
	}
}

func TestStaticRouteChanges(t *testing.T) {
	r := staticLab(t).r
	// Distance replaced in place; removal ignores distance.
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), NextHop: isp, Distance: 7})
	if s := r.StaticRoutes(); len(s) != 6 || s[0].Distance != 7 {
		t.Errorf("StaticRoutes %+v", s)
	}
	if !r.RemoveStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), NextHop: isp}) {
		t.Error("remove failed")
	}
	if _, ok := r.Lookup(mustAddr("10.2.0.1")); ok {
		t.Error("10.2/16 installed without a way to its next hop")
	}
	if r.RemoveStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), NextHop: isp}) {
		t.Error("removed twice")
	}
	// The recursive route goes when what it resolves through goes.
	r.RemoveStaticRoute(StaticRoute{Prefix: mustPrefix("10.1.0.0/16"), Interface: "GigabitEthernet0/0"})
	if _, ok := r.Lookup(mustAddr("10.3.0.1")); ok {
		t.Error("10.3/16 still installed")
	}
}

func TestStaticNotThroughItself(t *testing.T) {
	r := New(Options{})
	defer r.Close()
	r.Loopback(0).SetAddress(mustPrefix("10.9.9.9/32"))
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("172.16.0.0/12"), Interface: "Loopback0", Distance: 255})
	if got := r.Routes(); len(got) != 1 {
		t.Errorf("distance 255 installed: %+v", got)
	}
	r.RemoveInterface("Loopback0")
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("0.0.0.0/0"), NextHop: mustAddr("10.0.0.1")})
	r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("10.0.0.0/8"), NextHop: mustAddr("10.0.0.2")})
	if got := r.Routes(); len(got) != 0 {
		t.Errorf("installed %+v", got)
	}
}

// slowLPM is the obviously correct longest-prefix match: a linear scan.
type slowLPM []netip.Prefix

func (s slowLPM) lookup(a netip.Addr) (netip.Prefix, bool) {
	var best netip.Prefix
	found := false
	for _, p := range s {
		if p.Contains(a) && (!found || p.Bits() > best.Bits()) {
			best, found = p, true
		}
	}
	return best, found
}

func randPrefix(r *rand.Rand) netip.Prefix {
	bits := []int{0, 8, 12, 16, 20, 22, 24, 25, 28, 30, 32}[r.IntN(11)]
	a := addrFromBits(r.Uint32() & 0xff0fffff) // cluster a little so prefixes overlap
	return netip.PrefixFrom(a, bits).Masked()
}

// TestLPMMatchesReference cross-checks the compiled FIB against a linear
// scan on random tables and random addresses.
func TestLPMMatchesReference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 50; round++ {
		var t1 lpm
		var ref slowLPM
		edges := []netip.Prefix{mustPrefix("0.0.0.0/32"), mustPrefix("255.255.255.255/32"), mustPrefix("255.255.255.0/24"), mustPrefix("0.0.0.0/1")}
		for k := 0; k < 1+rnd.IntN(300); k++ {
			p := randPrefix(rnd)
			if rnd.IntN(20) == 0 {
				p = edges[rnd.IntN(len(edges))]
			}
			// Duplicates stay in: the first inserted must win, and the
			// reference compares prefixes, so either copy would match.
			ref = append(ref, p)
			t1.insert(p, fibEntry{out: int32(len(ref) - 1)})
		}
		t1.compile()
		for k := 0; k < 2000; k++ {
			var a netip.Addr
			if k%5 == 4 {
				a = addrFromBits([]uint32{0, 1, 0xffffffff, 0x7fffffff, 0x80000000}[rnd.IntN(5)])
			} else if k%2 == 0 {
				// An address inside a random table prefix, to hit deep matches.
				p := ref[rnd.IntN(len(ref))]
				a = addrFromBits(addrBits(p.Addr()) | rnd.Uint32()&^maskBits(uint8(p.Bits())))
			} else {
				a = addrFromBits(rnd.Uint32())
			}
			want, wok := ref.lookup(a)
			e, ok := t1.lookup(a)
			if ok != wok || ok && ref[e.out] != want {
				got := netip.Prefix{}
				if ok {
					got = ref[e.out]
				}
				t.Fatalf("round %d lookup(%v) = %v %v, want %v %v", round, a, got, ok, want, wok)
			}
		}
	}
}

func TestLPMEdges(t *testing.T) {
	var empty lpm
	empty.compile()
	if _, ok := empty.lookup(mustAddr("1.2.3.4")); ok {
		t.Error("match in an empty table")
	}
	var t1 lpm
	t1.insert(mustPrefix("255.255.255.255/32"), fibEntry{out: 1})
	t1.insert(mustPrefix("0.0.0.0/0"), fibEntry{out: 2})
	t1.insert(mustPrefix("0.0.0.0/0"), fibEntry{out: 3}) // loses: inserted second
	t1.compile()
	for a, want := range map[string]int32{"255.255.255.255": 1, "255.255.255.254": 2, "0.0.0.0": 2} {
		if e, ok := t1.lookup(mustAddr(a)); !ok || e.out != want {
			t.Errorf("lookup(%s) = %v %v, want %d", a, e, ok, want)
		}
	}
}

func TestRoutesFollowConfig(t *testing.T) {
	r := New(Options{Interfaces: 2})
	defer r.Close()
	m, _ := port.NewMem("m", 1500)
	r.Bind("GigabitEthernet0/0", m)
	gi := r.Interface("GigabitEthernet0/0")
	gi.SetAddress(mustPrefix("10.0.0.1/30"))
	if len(r.Routes()) != 0 {
		t.Error("routes on a shut interface")
	}
	gi.SetShutdown(false)
	if len(r.Routes()) != 2 {
		t.Errorf("routes %+v", r.Routes())
	}
	gi.SetAddress(netip.Prefix{})
	if len(r.Routes()) != 0 {
		t.Errorf("routes after no ip address %+v", r.Routes())
	}
	// An unbound interface is down/down: no routes either.
	g1 := r.Interface("GigabitEthernet0/1")
	g1.SetAddress(mustPrefix("10.0.1.1/24"))
	g1.SetShutdown(false)
	if g1.LineUp() || len(r.Routes()) != 0 {
		t.Error("unbound interface up")
	}
	_ = packet.ProtoTCP
}

// BenchmarkLPMLookup looks up random addresses in a table of 10,000 random
// routes over 11 prefix lengths.
func BenchmarkLPMLookup(b *testing.B) {
	rnd := rand.New(rand.NewPCG(7, 8))
	var t lpm
	for k := 0; k < 10000; k++ {
		t.insert(randPrefix(rnd), fibEntry{out: int32(k)})
	}
	t.compile()
	addrs := make([]netip.Addr, 1024)
	for k := range addrs {
		addrs[k] = addrFromBits(rnd.Uint32() & 0xff0fffff)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		t.lookup(addrs[k&1023])
	}
}
