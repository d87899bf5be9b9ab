package router

import (
	"net/netip"
	"slices"
)

// StaticRoute is an `ip route PREFIX MASK {NEXTHOP | INTERFACE [NEXTHOP]}
// [DISTANCE]` line.
type StaticRoute struct {
	Prefix    netip.Prefix // masked
	NextHop   netip.Addr   // zero when the route names only an interface
	Interface string       // canonical name, "" when the route names only a next hop
	Distance  uint8        // administrative distance; 0 means the default, 1
	Tag       uint32       // `tag T` (0: none)
	Name      string       // `name N`
	// Permanent routes stay installed when their interface goes down.
	Permanent bool
	// Dynamic routes are installed by the router itself (the default route
	// an `ip address dhcp` lease brings), never typed: the running-config
	// leaves them out and `no ip route` does not remove them.
	Dynamic bool
}

// NullInterface is Null0, the interface a route discards through.
const NullInterface = "Null0"

// distance is the administrative distance the route is installed with.
func (s StaticRoute) distance() int {
	if s.Distance == 0 {
		return 1
	}
	return int(s.Distance)
}

// staticKey is what makes two static routes the same route: IOS replaces
// the distance of an `ip route` line that repeats one.
type staticKey struct {
	prefix  netip.Prefix
	nextHop netip.Addr
	iface   string
	dynamic bool
}

func (s StaticRoute) key() staticKey { return staticKey{s.Prefix, s.NextHop, s.Interface, s.Dynamic} }

// AddStaticRoute adds a static route, or replaces the distance of an
// identical (prefix, next hop, interface) one, as IOS does.
func (r *Router) AddStaticRoute(s StaticRoute) {
	s.Prefix = s.Prefix.Masked()
	r.configure(func() {
		if k, ok := r.staticIndex[s.key()]; ok {
			// The same route typed again replaces its options, as on IOS.
			r.statics[k] = s
			return
		}
		r.staticIndex[s.key()] = len(r.statics)
		r.statics = append(r.statics, s)
	})
}

// RemoveStaticRoute removes the route matching prefix, next hop and
// interface (distance ignored) and reports whether there was one.
func (r *Router) RemoveStaticRoute(s StaticRoute) bool {
	s.Prefix = s.Prefix.Masked()
	return r.removeStatics(func(x StaticRoute) bool { return x.key() == s.key() }) > 0
}

// RemoveStaticRoutesTo removes every static route to prefix (`no ip route
// PREFIX MASK`) and reports how many there were.
func (r *Router) RemoveStaticRoutesTo(prefix netip.Prefix) int {
	prefix = prefix.Masked()
	return r.removeStatics(func(x StaticRoute) bool { return x.Prefix == prefix && !x.Dynamic })
}

// removeStatics removes the statics match selects, in one configuration
// change, and returns how many it removed.
func (r *Router) removeStatics(match func(StaticRoute) bool) int {
	removed := 0
	r.configureIf(func() bool {
		kept := r.statics[:0]
		for _, x := range r.statics {
			switch {
			case match(x):
				delete(r.staticIndex, x.key())
				removed++
				continue
			case removed > 0:
				r.staticIndex[x.key()] = len(kept)
			}
			kept = append(kept, x)
		}
		clear(r.statics[len(kept):])
		r.statics = kept
		return removed > 0
	})
	return removed
}

// StaticRoutes returns the configured static routes in config order.
func (r *Router) StaticRoutes() []StaticRoute {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.statics)
}

// RouteEntry is a line of `show ip route`.
type RouteEntry struct {
	Code      byte // 'C' connected, 'L' local, 'S' static
	Prefix    netip.Prefix
	Distance  int
	Metric    int
	NextHop   netip.Addr // static via a next hop
	Interface string     // connected, local, and statics that name one
}

// Routes returns the installed routes sorted by address then prefix length.
// A static with a next hop is installed only when the next hop resolves
// through an installed route on an up interface; equal-distance statics to
// one prefix are all listed (the first configured carries the traffic).
func (r *Router) Routes() []RouteEntry {
	return slices.Clone(r.snap.Load().rib)
}

// Lookup returns the route the router would use for dst. For a static via a
// next hop, Interface is the resolved outgoing interface.
func (r *Router) Lookup(dst netip.Addr) (RouteEntry, bool) {
	if !dst.Is4() {
		return RouteEntry{}, false
	}
	s := r.snap.Load()
	e, ok := s.fib.lookup(dst)
	if !ok || e.rib < 0 {
		return RouteEntry{}, false
	}
	re := s.rib[e.rib]
	if re.Interface == "" && int(e.out) < len(s.ifaces) && s.ifaces[e.out].iface != nil {
		re.Interface = s.ifaces[e.out].iface.name
	}
	return re, true
}
