package router

import (
	"net/netip"

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
	// aclEval evaluates the access lists uRPF names.
	aclEval ACLEvaluator
	// arpAlias: addresses an interface answers ARP for (NAT globals).
	arpAlias func(ifIndex int, a netip.Addr) bool
	// segmenters are the hooks that must see a super-packet's segments
	// one by one (SegmentWanter).
	segmenters []SegmentWanter
}

// ifaceState is an interface as the packet path sees it.
type ifaceState struct {
	iface *Interface
	addr  netip.Prefix
	// secondary: the secondary addresses; the slice is the configuration's,
	// which is replaced, never modified in place, once published.
	secondary []netip.Prefix
	up        bool // LineUp
	mtu       int
	port      port.Port
	// queues are the port's queues as writers: the worker of queue k of
	// any interface writes to queue k mod len(queues).
	queues []txPort
	// noUnreach: `no ip unreachables` - send no unreachables about
	// packets received here.
	noUnreach bool
	verify    VerifySource
	// noProxyARP: `no ip proxy-arp`.
	noProxyARP bool
}

// commitLocked makes a configuration change take effect: it compiles and
// publishes a new snapshot, or, between BeginUpdate and EndUpdate, only
// notes the LineUp changes and leaves the compiling to EndUpdate. It
// returns the interfaces whose LineUp changed. r.mu is held.
func (r *Router) commitLocked() []linkChange {
	if r.updating > 0 {
		r.stale = true
		return r.lineChangesLocked()
	}
	return r.rebuildLocked()
}

// lineChangesLocked records every interface's LineUp and returns those that
// changed since the last call. r.mu is held.
func (r *Router) lineChangesLocked() []linkChange {
	var changes []linkChange
	for _, i := range r.ifaces {
		if i == nil {
			continue
		}
		if up := i.computeLineUp(); up != i.lineUp {
			i.lineUp = up
			changes = append(changes, linkChange{i, up})
		}
	}
	return changes
}

// rebuildLocked compiles a new snapshot from the configuration, publishes
// it, and returns the interfaces whose LineUp changed. r.mu is held.
func (r *Router) rebuildLocked() []linkChange {
	changes := r.lineChangesLocked()
	s := &snapshot{ifaces: make([]ifaceState, len(r.ifaces)), aclEval: r.aclEval, arpAlias: r.arpAlias}
	for k, i := range r.ifaces {
		if i != nil {
			s.ifaces[k] = ifaceState{iface: i, addr: i.addr, up: i.lineUp, mtu: i.mtuLocked(), port: i.port, noUnreach: i.noUnreach, verify: i.verify}
			s.ifaces[k].queues = txPorts(i.queues, i.workers)
			s.ifaces[k].noProxyARP = i.noProxyARP
			s.ifaces[k].secondary = i.secondary
		}
	}
	r.compileRoutes(s)
	for p := range r.hooks {
		for _, h := range r.hooks[p] {
			s.hooks[p] = append(s.hooks[p], h.h)
			if sw, ok := h.h.(SegmentWanter); ok {
				s.segmenters = append(s.segmenters, sw)
			}
		}
	}
	r.stale = false
	r.snap.Store(s)
	return changes
}
