package router

import (
	"net/netip"
	"slices"

	"natlab/port"
)

// snapshot is everything the packet path reads, compiled from the
// configuration and swapped atomically; it is never modified after
// publication.
type snapshot struct {
	ifaces []ifaceState // by Interface.Index; iface nil for a free slot
	fib    lpm
	rib    []RouteEntry // sorted for show ip route
	hooks  [numHookPoints][]Hook
}

// ifaceState is an interface as the packet path sees it.
type ifaceState struct {
	iface *Interface
	addr  netip.Prefix
	up    bool // LineUp
	mtu   int
	port  port.Port
	// noUnreach: `no ip unreachables` - send no unreachables about
	// packets received here.
	noUnreach bool
}

// rebuildLocked compiles a new snapshot from the configuration, publishes
// it, and returns the interfaces whose LineUp changed. r.mu is held.
func (r *Router) rebuildLocked() []linkChange {
	s := &snapshot{ifaces: make([]ifaceState, len(r.ifaces))}
	var changes []linkChange
	for k, i := range r.ifaces {
		if i == nil {
			continue
		}
		up := i.computeLineUp()
		if up != i.lineUp {
			i.lineUp = up
			changes = append(changes, linkChange{i, up})
		}
		s.ifaces[k] = ifaceState{iface: i, addr: i.addr, up: up, mtu: i.mtuLocked(), port: i.port, noUnreach: i.noUnreach}
	}
	r.compileRoutes(s)
	for p := range r.hooks {
		for _, h := range r.hooks[p] {
			s.hooks[p] = append(s.hooks[p], h.h)
		}
	}
	r.snap.Store(s)
	return changes
}

// compileRoutes builds the RIB (connected, local, installed statics) and the
// FIB from it.
func (r *Router) compileRoutes(s *snapshot) {
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

func addrFromBits(x uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
}
