package router

import (
	"cmp"
	"net/netip"
	"slices"
)

// ribRoute is a route on its way into the RIB: the line show ip route
// prints and what the FIB does with it.
type ribRoute struct {
	entry RouteEntry
	fwd   fibEntry
	addr  netip.Prefix // a connected route's interface address
}

// compileRoutes builds the RIB (connected, local, installed statics) and the
// FIB from it.
func (r *Router) compileRoutes(s *snapshot) {
	connected := connectedRoutes(s.ifaces)
	resolved := r.resolveStatics(s.ifaces, connected)
	routes := make([]ribRoute, 0, 2*len(connected)+len(r.statics))
	routes = append(routes, connected...)
	routes = appendStatics(routes, s.ifaces, r.statics, resolved)
	routes = appendLocals(routes, s.ifaces, connected)
	order := selectRoutes(routes, sortRoutes(routes))
	s.rib = make([]RouteEntry, len(order))
	fwd := make([]fibEntry, len(order))
	for k, at := range order {
		s.rib[k], fwd[k] = routes[at].entry, routes[at].fwd
	}
	buildFIB(&s.fib, s.ifaces, connected, s.rib, fwd)
}

// connectedRoutes are the subnets of the up interfaces with an address
// (the primary, then the secondaries), in interface order. A loopback's
// subnet leads nowhere (fibNull).
func connectedRoutes(ifaces []ifaceState) []ribRoute {
	var out []ribRoute
	for k := range ifaces {
		st := &ifaces[k]
		if st.iface == nil || !st.up {
			continue
		}
		kind := fibForward
		if st.iface.loopback {
			kind = fibNull
		}
		add := func(a netip.Prefix) {
			out = append(out, ribRoute{
				entry: RouteEntry{Code: 'C', Prefix: a.Masked(), Interface: st.iface.name},
				fwd:   fibEntry{kind: kind, out: int32(k)},
				addr:  a,
			})
		}
		if st.addr.IsValid() {
			add(st.addr)
		}
		for _, a := range st.secondary {
			add(a)
		}
	}
	return out
}

// appendStatics appends the installed statics as routes, in configuration
// order. One that leaves by a loopback leads nowhere (fibNull).
func appendStatics(routes []ribRoute, ifaces []ifaceState, statics []StaticRoute, resolved []staticState) []ribRoute {
	for k := range statics {
		st := &resolved[k]
		if !st.installed {
			continue
		}
		sr := &statics[k]
		kind, out := fibForward, st.out
		switch {
		case out == nullOut:
			kind, out = fibNull, 0
		case ifaces[out].iface != nil && ifaces[out].iface.loopback:
			kind = fibNull
		}
		routes = append(routes, ribRoute{
			entry: RouteEntry{Code: 'S', Prefix: sr.Prefix, Distance: sr.distance(), NextHop: sr.NextHop, Interface: sr.Interface},
			fwd:   fibEntry{kind: kind, out: out, nextHop: st.hop},
		})
	}
	return routes
}

// appendLocals appends the L /32s IOS 15 shows per interface address (none
// for a /32 address, whose C route says the same).
func appendLocals(routes []ribRoute, ifaces []ifaceState, connected []ribRoute) []ribRoute {
	for _, c := range connected {
		st := &ifaces[c.fwd.out]
		if c.addr.Bits() < 32 {
			routes = append(routes, ribRoute{
				entry: RouteEntry{Code: 'L', Prefix: netip.PrefixFrom(c.addr.Addr(), 32), Interface: st.iface.name},
				fwd:   fibEntry{kind: fibLocal, out: c.fwd.out},
			})
		}
	}
	return routes
}

// sortRoutes returns the positions of routes in the order show ip route
// lists them: by address, then prefix length; routes to one prefix keep
// their order.
func sortRoutes(routes []ribRoute) []int32 {
	type ranked struct {
		key prefixKey
		at  int32
	}
	ranks := make([]ranked, len(routes))
	for k := range routes {
		ranks[k] = ranked{prefixKeyOf(routes[k].entry.Prefix), int32(k)}
	}
	slices.SortFunc(ranks, func(a, b ranked) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.at, b.at)
	})
	order := make([]int32, len(routes))
	for k, r := range ranks {
		order[k] = r.at
	}
	return order
}

// selectRoutes keeps, of the routes to each prefix (order lists them
// sorted), those of the lowest distance (connected, 0, beats any static;
// equal-distance statics all stay, the first configured forwards) and the
// local ones. It returns the positions of the routes kept, in order.
func selectRoutes(routes []ribRoute, order []int32) []int32 {
	kept := order[:0]
	for len(order) > 0 {
		prefix := routes[order[0]].entry.Prefix
		n := 1
		for n < len(order) && routes[order[n]].entry.Prefix == prefix {
			n++
		}
		best := -1
		for _, at := range order[:n] {
			if e := &routes[at].entry; e.Code != 'L' && (best < 0 || e.Distance < best) {
				best = e.Distance
			}
		}
		for _, at := range order[:n] {
			if e := &routes[at].entry; e.Code == 'L' || e.Distance == best {
				kept = append(kept, at)
			}
		}
		order = order[n:]
	}
	return kept
}

// buildFIB compiles the forwarding table: router addresses first (they win
// over any route), then directed broadcasts, then the routes in RIB order
// (the first route to a prefix is the one that forwards). fwd[k] is what
// rib[k] does; every entry points back at the first RIB line of its prefix.
func buildFIB(fib *lpm, ifaces []ifaceState, connected []ribRoute, rib []RouteEntry, fwd []fibEntry) {
	ribIndex := func(p netip.Prefix) int32 {
		key := prefixKeyOf(p)
		k, found := slices.BinarySearchFunc(rib, key, func(e RouteEntry, key prefixKey) int {
			return cmp.Compare(prefixKeyOf(e.Prefix), key)
		})
		if !found {
			return -1
		}
		return int32(k)
	}
	fib.reserve(2*len(connected) + len(rib))
	for _, c := range connected {
		host := netip.PrefixFrom(c.addr.Addr(), 32)
		fib.insert(host, fibEntry{kind: fibLocal, out: c.fwd.out, rib: ribIndex(host)})
	}
	for _, c := range connected {
		st := &ifaces[c.fwd.out]
		if b := c.addr.Bits(); b <= 30 && !st.iface.loopback {
			bc := addrBits(c.addr.Addr()) | ^maskBits(uint8(b))
			fib.insert(netip.PrefixFrom(addrFromBits(bc), 32), fibEntry{kind: fibBroadcast, out: c.fwd.out, rib: ribIndex(c.entry.Prefix)})
		}
	}
	for k := range rib {
		if rib[k].Code == 'L' {
			continue
		}
		e := fwd[k]
		e.rib = int32(k)
		fib.insert(rib[k].Prefix, e)
	}
	fib.compile()
}

func addrFromBits(x uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)})
}
