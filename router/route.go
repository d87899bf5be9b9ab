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
}

func (s StaticRoute) sameRoute(o StaticRoute) bool {
	return s.Prefix == o.Prefix && s.NextHop == o.NextHop && s.Interface == o.Interface
}

// AddStaticRoute adds a static route, or replaces the distance of an
// identical (prefix, next hop, interface) one, as IOS does.
func (r *Router) AddStaticRoute(s StaticRoute) {
	s.Prefix = s.Prefix.Masked()
	r.configure(func() {
		for k := range r.statics {
			if r.statics[k].sameRoute(s) {
				r.statics[k].Distance = s.Distance
				return
			}
		}
		r.statics = append(r.statics, s)
	})
}

// RemoveStaticRoute removes the route matching prefix, next hop and
// interface (distance ignored) and reports whether there was one.
func (r *Router) RemoveStaticRoute(s StaticRoute) bool {
	s.Prefix = s.Prefix.Masked()
	found := false
	r.configure(func() {
		n := len(r.statics)
		r.statics = slices.DeleteFunc(r.statics, func(x StaticRoute) bool { return x.sameRoute(s) })
		found = len(r.statics) != n
	})
	return found
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
