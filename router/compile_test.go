package router

import (
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"testing"
)

// TestCompileMatchesReference compiles random configurations (nested and
// repeated prefixes, recursive next hops, chains listed backwards, routes
// through loopbacks, down interfaces and missing ones) with compileRoutes
// and with referenceCompile, a direct transcription of the rules, and
// compares the RIB and what the FIB says for every address that matters.
func TestCompileMatchesReference(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for n := range 400 {
		r, ifaces := randomRoutingConfig(rnd, 1+rnd.IntN(60))
		got := &snapshot{ifaces: ifaces}
		r.compileRoutes(got)
		want := &snapshot{ifaces: ifaces}
		referenceCompile(r, want)
		if !reflect.DeepEqual(got.rib, want.rib) {
			t.Fatalf("config %d: RIB\n got %+v\nwant %+v\nstatics %+v", n, got.rib, want.rib, r.statics)
		}
		for _, a := range interestingAddrs(r, ifaces) {
			ge, gok := got.fib.lookup(a)
			we, wok := want.fib.lookup(a)
			if gok != wok || gok && *ge != *we {
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
		ifaces[k] = ifaceState{iface: i, addr: i.addr, up: rnd.IntN(4) > 0, mtu: 1500}
	}
	names := []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2", "Loopback0", "Loopback1", "Loopback7"}
	for range count {
		sr := StaticRoute{Prefix: randPrefix(), Distance: []uint8{0, 1, 1, 1, 2, 5, 255}[rnd.IntN(7)]}
		switch rnd.IntN(8) {
		case 0:
			sr.Interface = names[rnd.IntN(len(names))]
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

// referenceCompile builds the RIB (connected, local, installed statics) and the
// FIB from it.
func referenceCompile(r *Router, s *snapshot) {
	type cand struct {
		re  RouteEntry
		fib fibEntry
	}
	var connected []cand
	for k := range s.ifaces {
		st := &s.ifaces[k]
		if st.iface == nil || !st.up || !st.addr.IsValid() {
			continue
		}
		kind := fibForward
		if st.iface.loopback {
			kind = fibNull
		}
		connected = append(connected, cand{
			RouteEntry{Code: 'C', Prefix: st.addr.Masked(), Interface: st.iface.name},
			fibEntry{kind: kind, out: int32(k)},
		})
	}

	// Statics are installed in rounds: a route whose next hop resolves
	// through what is installed so far joins, until nothing changes, so a
	// next hop may resolve through another static (IOS recursive lookup).
	type staticCand struct {
		sr        StaticRoute
		installed bool
		out       int32
		hop       netip.Addr
	}
	statics := make([]staticCand, len(r.statics))
	for k, sr := range r.statics {
		statics[k].sr = sr
	}
	// resolve finds the longest installed route (other than self) covering
	// a; it returns the outgoing interface and the on-link next hop. A
	// static found here was itself resolved in an earlier round, so its
	// out/hop already point at a connected subnet.
	resolve := func(a netip.Addr, self int) (int32, netip.Addr, bool) {
		best, bestBits, bestIsStatic := -1, -1, false
		for k, c := range connected {
			if c.re.Prefix.Contains(a) && c.re.Prefix.Bits() > bestBits {
				best, bestBits = k, c.re.Prefix.Bits()
			}
		}
		for k, c := range statics {
			if k != self && c.installed && c.sr.Prefix.Contains(a) && c.sr.Prefix.Bits() > bestBits {
				best, bestBits, bestIsStatic = k, c.sr.Prefix.Bits(), true
			}
		}
		switch {
		case best < 0:
			return 0, netip.Addr{}, false
		case !bestIsStatic:
			if connected[best].fib.kind != fibForward {
				return 0, netip.Addr{}, false
			}
			return connected[best].fib.out, a, true
		}
		c := statics[best]
		return c.out, c.hop, true
	}
	for changed := true; changed; {
		changed = false
		for k := range statics {
			c := &statics[k]
			if c.installed {
				continue
			}
			sr := c.sr
			if sr.Distance == 255 {
				continue // distance 255: configured but never installed, as IOS
			}
			if sr.Interface != "" {
				i := r.ifaceLocked(sr.Interface)
				if i == nil || !s.ifaces[i.index].up {
					continue
				}
				c.out, c.hop = int32(i.index), sr.NextHop
				c.installed = true
				changed = true
				continue
			}
			if out, hop, ok := resolve(sr.NextHop, k); ok {
				c.out, c.hop = out, hop
				c.installed = true
				changed = true
			}
		}
	}

	// Per prefix, the lowest distance wins (connected 0 beats any static);
	// equal-distance statics are all shown, the first configured forwards.
	var rib []cand
	best := map[netip.Prefix]int{}
	add := func(c cand) {
		d, ok := best[c.re.Prefix]
		switch {
		case !ok || c.re.Distance < d:
			best[c.re.Prefix] = c.re.Distance
			rib = slices.DeleteFunc(rib, func(x cand) bool { return x.re.Prefix == c.re.Prefix })
			rib = append(rib, c)
		case c.re.Distance == d:
			rib = append(rib, c)
		}
	}
	for _, c := range connected {
		add(c)
	}
	for _, c := range statics {
		if !c.installed {
			continue
		}
		d := int(c.sr.Distance)
		if d == 0 {
			d = 1
		}
		re := RouteEntry{Code: 'S', Prefix: c.sr.Prefix, Distance: d, NextHop: c.sr.NextHop, Interface: c.sr.Interface}
		kind := fibForward
		if out := &s.ifaces[c.out]; out.iface != nil && out.iface.loopback {
			kind = fibNull
		}
		add(cand{re, fibEntry{kind: kind, out: c.out, nextHop: c.hop}})
	}
	// Local /32s: IOS 15 shows an L route per interface address (none for
	// a /32 address, whose C route says the same).
	var locals []cand
	for _, c := range connected {
		st := &s.ifaces[c.fib.out]
		a := st.addr.Addr()
		if st.addr.Bits() < 32 {
			locals = append(locals, cand{
				RouteEntry{Code: 'L', Prefix: netip.PrefixFrom(a, 32), Interface: st.iface.name},
				fibEntry{kind: fibLocal, out: c.fib.out},
			})
		}
	}
	rib = append(rib, locals...)
	slices.SortStableFunc(rib, func(a, b cand) int {
		if c := a.re.Prefix.Addr().Compare(b.re.Prefix.Addr()); c != 0 {
			return c
		}
		return a.re.Prefix.Bits() - b.re.Prefix.Bits()
	})
	s.rib = make([]RouteEntry, len(rib))
	for k := range rib {
		s.rib[k] = rib[k].re
	}

	// The FIB: router addresses first (they win over any route), then
	// directed broadcasts, then routes by prefix in RIB order (the first
	// entry of a prefix is the preferred one).
	ribIndex := func(p netip.Prefix) int32 {
		for k := range s.rib {
			if s.rib[k].Prefix == p {
				return int32(k)
			}
		}
		return -1
	}
	for _, c := range connected {
		st := &s.ifaces[c.fib.out]
		a := st.addr.Addr()
		s.fib.insert(netip.PrefixFrom(a, 32), fibEntry{kind: fibLocal, out: c.fib.out, rib: ribIndex(netip.PrefixFrom(a, 32))})
	}
	for _, c := range connected {
		st := &s.ifaces[c.fib.out]
		if b := st.addr.Bits(); b <= 30 && !st.iface.loopback {
			bc := addrBits(st.addr.Addr()) | ^maskBits(uint8(b))
			s.fib.insert(netip.PrefixFrom(addrFromBits(bc), 32), fibEntry{kind: fibBroadcast, out: c.fib.out, rib: ribIndex(c.re.Prefix)})
		}
	}
	for k, c := range rib {
		if c.re.Code == 'L' {
			continue
		}
		e := c.fib
		e.rib = int32(k)
		s.fib.insert(c.re.Prefix, e)
	}
	s.fib.compile()
}
