package router

import (
	"net/netip"
	"slices"
)

// The routing rules written as plainly as possible, as the model that
// compileRoutes must agree with (TestCompileMatchesReference): every lookup
// is a scan over all routes, statics are installed in literal rounds over
// the configuration, the RIB is built one route at a time, and the FIB's
// answer for an address is worked out from the RIB directly.

// referenceRIB is the RIB in show ip route order, with what each line
// does.
func referenceRIB(r *Router, ifaces []ifaceState) []ribRoute {
	connected := connectedRoutes(ifaces)
	var rib []ribRoute
	best := map[netip.Prefix]int{}
	// Per prefix the lowest distance wins; equal ones are all kept.
	for _, c := range append(slices.Clone(connected), referenceStatics(r, ifaces, connected)...) {
		d, ok := best[c.entry.Prefix]
		switch {
		case !ok || c.entry.Distance < d:
			best[c.entry.Prefix] = c.entry.Distance
			rib = slices.DeleteFunc(rib, func(x ribRoute) bool { return x.entry.Prefix == c.entry.Prefix })
			rib = append(rib, c)
		case c.entry.Distance == d:
			rib = append(rib, c)
		}
	}
	rib = appendLocals(rib, ifaces, connected)
	slices.SortStableFunc(rib, func(a, b ribRoute) int {
		if c := a.entry.Prefix.Addr().Compare(b.entry.Prefix.Addr()); c != 0 {
			return c
		}
		return a.entry.Prefix.Bits() - b.entry.Prefix.Bits()
	})
	return rib
}

// referenceStatics installs statics in rounds: in each, every static not
// installed yet, in configuration order, joins when its next hop resolves
// through the longest installed route (a connected one wins a tie, then
// the static configured first), until a round installs nothing.
func referenceStatics(r *Router, ifaces []ifaceState, connected []ribRoute) []ribRoute {
	installed := make([]*ribRoute, len(r.statics))
	resolve := func(a netip.Addr) (fibEntry, bool) {
		var best *ribRoute
		for _, set := range [][]*ribRoute{pointers(connected), installed} {
			for _, c := range set {
				if c != nil && c.entry.Prefix.Contains(a) && (best == nil || c.entry.Prefix.Bits() > best.entry.Prefix.Bits()) {
					best = c
				}
			}
		}
		switch {
		case best == nil:
			return fibEntry{}, false
		case best.entry.Code == 'C':
			return fibEntry{out: best.fwd.out, nextHop: a}, true
		}
		return fibEntry{kind: best.fwd.kind, out: best.fwd.out, nextHop: best.fwd.nextHop}, true
	}
	for changed := true; changed; {
		changed = false
		for k, sr := range r.statics {
			if installed[k] != nil || sr.Distance == 255 {
				continue
			}
			via, ok := resolve(sr.NextHop)
			if sr.Interface != "" && sr.Interface != NullInterface {
				i := r.ifaceLocked(sr.Interface)
				ok = i != nil && (ifaces[i.index].up || sr.Permanent)
				if ok {
					via = fibEntry{out: int32(i.index), nextHop: sr.NextHop}
				}
			}
			if sr.Interface == NullInterface {
				via, ok = fibEntry{kind: fibNull}, true
			}
			if !ok {
				continue
			}
			if ifaces[via.out].iface.loopback {
				via.kind = fibNull
			}
			installed[k] = &ribRoute{entry: RouteEntry{Code: 'S', Prefix: sr.Prefix, Distance: max(1, int(sr.Distance)),
				NextHop: sr.NextHop, Interface: sr.Interface}, fwd: via}
			changed = true
		}
	}
	var out []ribRoute
	for _, c := range installed {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

func pointers(routes []ribRoute) []*ribRoute {
	out := make([]*ribRoute, len(routes))
	for k := range routes {
		out[k] = &routes[k]
	}
	return out
}

// referenceLookup is what the FIB must answer for a: an address of the
// router first, then a directed broadcast of a connected subnet, then the
// first RIB line of the longest prefix covering a; rib points at the first
// RIB line of the prefix that matched.
func referenceLookup(ifaces []ifaceState, rib []ribRoute, a netip.Addr) (fibEntry, bool) {
	firstLine := func(p netip.Prefix) int32 {
		return int32(slices.IndexFunc(rib, func(c ribRoute) bool { return c.entry.Prefix == p }))
	}
	// Interfaces in index order, each's primary then its secondaries: the
	// first wins when two share an address.
	addrs := func(st *ifaceState) []netip.Prefix {
		if st.iface == nil || !st.up {
			return nil
		}
		var out []netip.Prefix
		if st.addr.IsValid() {
			out = append(out, st.addr)
		}
		return append(out, st.secondary...)
	}
	for k := range ifaces {
		for _, p := range addrs(&ifaces[k]) {
			if p.Addr() == a {
				return fibEntry{kind: fibLocal, out: int32(k), rib: firstLine(netip.PrefixFrom(a, 32))}, true
			}
		}
	}
	for k := range ifaces {
		st := &ifaces[k]
		for _, p := range addrs(st) {
			if !st.iface.loopback && p.Bits() <= 30 && a == broadcast(p) {
				return fibEntry{kind: fibBroadcast, out: int32(k), rib: firstLine(p.Masked())}, true
			}
		}
	}
	best := -1
	for k, c := range rib {
		if c.entry.Code != 'L' && c.entry.Prefix.Contains(a) && (best < 0 || c.entry.Prefix.Bits() > rib[best].entry.Prefix.Bits()) {
			best = k
		}
	}
	if best < 0 {
		return fibEntry{}, false
	}
	e := rib[best].fwd
	e.rib = int32(best)
	return e, true
}
