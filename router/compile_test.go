package router

import (
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"
)

// TestCompileMatchesReference compiles random configurations (nested and
// repeated prefixes, recursive next hops, chains listed backwards, routes
// through loopbacks, down interfaces and missing ones) with compileRoutes
// and compares the RIB and what the FIB says for every address that matters
// with the reference model in reference_test.go.
func TestCompileMatchesReference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for n := range 400 {
		r, ifaces := randomRoutingConfig(rnd, 1+rnd.IntN(60))
		got := &snapshot{ifaces: ifaces}
		r.compileRoutes(got)
		want := referenceRIB(r, ifaces)
		wantRIB := make([]RouteEntry, len(want))
		for k := range want {
			wantRIB[k] = want[k].entry
		}
		if !reflect.DeepEqual(got.rib, wantRIB) {
			t.Fatalf("config %d: RIB\n got %+v\nwant %+v\nstatics %+v", n, got.rib, wantRIB, r.statics)
		}
		for _, a := range interestingAddrs(r, ifaces) {
			ge, gok := got.fib.lookup(a)
			we, wok := referenceLookup(ifaces, want, a)
			if gok != wok || gok && *ge != we {
				t.Fatalf("config %d: lookup(%s) = %+v %v, want %+v %v\nstatics %+v", n, a, ge, gok, we, wok, r.statics)
			}
		}
	}
}

// randomRoutingConfig is a router with random interface addresses and
// states and count static routes, all in 10.0.0.0/22 so that they nest,
// repeat and resolve through each other.
func randomRoutingConfig(rnd *rand.Rand, count int) (*Router, []ifaceState) {
	r := New(Options{Interfaces: 3})
	r.Loopback(0)
	r.Loopback(1)
	ifaces := make([]ifaceState, len(r.ifaces))
	bitsChoice := []int{0, 8, 16, 22, 23, 24, 25, 26, 28, 30, 32}
	randAddr := func() netip.Addr {
		return netip.AddrFrom4([4]byte{10, 0, byte(rnd.IntN(4)), byte(rnd.IntN(256))})
	}
	randPrefix := func() netip.Prefix {
		return netip.PrefixFrom(randAddr(), bitsChoice[rnd.IntN(len(bitsChoice))]).Masked()
	}
	for k, i := range r.ifaces {
		if rnd.IntN(5) > 0 {
			i.addr = netip.PrefixFrom(randAddr(), 22+rnd.IntN(11))
		}
		// Secondaries, also without a primary (a running-config lists them
		// first, so a load sees them before the primary).
		for range rnd.IntN(3) {
			i.secondary = append(i.secondary, netip.PrefixFrom(randAddr(), 22+rnd.IntN(11)))
		}
		ifaces[k] = ifaceState{iface: i, addr: i.addr, secondary: i.secondary, up: rnd.IntN(4) > 0, mtu: 1500}
	}
	names := []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2", "Loopback0", "Loopback1", "Loopback7"}
	for range count {
		sr := StaticRoute{Prefix: randPrefix(), Distance: []uint8{0, 1, 1, 1, 2, 5, 255}[rnd.IntN(7)]}
		switch rnd.IntN(10) {
		case 0:
			sr.Interface = names[rnd.IntN(len(names))]
		case 8:
			sr.Interface = NullInterface
		case 9:
			sr.Interface = names[rnd.IntN(len(names))]
			sr.Permanent = true
		case 1:
			sr.Interface = names[rnd.IntN(len(names))]
			sr.NextHop = randAddr()
		default:
			sr.NextHop = randAddr()
		}
		if _, ok := r.staticIndex[sr.key()]; !ok {
			r.staticIndex[sr.key()] = len(r.statics)
			r.statics = append(r.statics, sr)
		}
	}
	return r, ifaces
}

// interestingAddrs are the first and last addresses of every prefix in the
// configuration and their neighbours, and every next hop.
func interestingAddrs(r *Router, ifaces []ifaceState) []netip.Addr {
	var out []netip.Addr
	edges := func(p netip.Prefix) {
		lo := addrBits(p.Masked().Addr())
		hi := lo | ^maskBits(uint8(p.Bits()))
		for _, x := range []uint32{lo - 1, lo, hi, hi + 1} {
			out = append(out, addrFromBits(x))
		}
	}
	for _, st := range ifaces {
		if st.addr.IsValid() {
			edges(st.addr)
			out = append(out, st.addr.Addr())
		}
		for _, p := range st.secondary {
			edges(p)
			out = append(out, p.Addr())
		}
	}
	for _, sr := range r.statics {
		edges(sr.Prefix)
		if sr.NextHop.IsValid() {
			out = append(out, sr.NextHop)
		}
	}
	return out
}

// TestResolveChainListedBackwards: each static's next hop lies in the
// prefix of the one after it and only the last resolves through a
// connected subnet, so the rounds install one static per round, last
// first; every one ends up leaving by the connected interface.
func TestResolveChainListedBackwards(t *testing.T) {
	r := New(Options{Interfaces: 1})
	defer r.Close()
	r.ifaces[0].addr = mustPrefix("192.168.0.1/24")
	ifaces := []ifaceState{{iface: r.ifaces[0], addr: r.ifaces[0].addr, up: true}}
	const n = 2000
	for k := range n {
		nh := netip.AddrFrom4([4]byte{10, byte((k + 1) >> 8), byte(k + 1), 1})
		if k == n-1 {
			nh = mustAddr("192.168.0.2")
		}
		r.statics = append(r.statics, StaticRoute{Prefix: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(k >> 8), byte(k), 0}), 24), NextHop: nh})
	}
	for k, s := range r.resolveStatics(ifaces, connectedRoutes(ifaces)) {
		if !s.installed || s.out != 0 || s.hop != mustAddr("192.168.0.2") {
			t.Fatalf("%v: installed %v, resolved to %d %v", r.statics[k].Prefix, s.installed, s.out, s.hop)
		}
	}
}
