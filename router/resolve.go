package router

import (
	"net/netip"
)

// prefixKey packs an IPv4 prefix into a map key that hashes faster than a
// netip.Prefix: the masked address above the length.
type prefixKey uint64

func keyOf(addr uint32, bits int) prefixKey {
	return prefixKey(addr&maskBits(uint8(bits)))<<6 | prefixKey(bits)
}

func prefixKeyOf(p netip.Prefix) prefixKey { return keyOf(addrBits(p.Addr()), p.Bits()) }

// resolveStatics decides which statics to install and where each leads:
// the result is indexed like r.statics.
//
// Statics are installed as if in rounds over the configuration: in each
// round, every static not installed yet joins when its next hop resolves
// through what is installed so far (the longest connected or installed
// static prefix covering it), until a round installs nothing. So a next hop
// may resolve through another static (IOS recursive lookup), never through
// the route itself, and statics that only resolve through each other are
// never installed. A static through an interface joins when the interface
// is up; one of distance 255 never does, as on IOS.
//
// Rereading every waiting static each round would cost a pass over the
// configuration per level of recursion. Instead a static whose next hop
// does not resolve waits until a prefix covering it is installed, and is
// then retried at the place the rounds would have retried it: nothing else
// can change its fate.
func (r *Router) resolveStatics(ifaces []ifaceState, connected []ribRoute) []staticState {
	res := newStaticResolver(r.statics, ifaces, connected)
	for k := range res.statics {
		res.try(attempt{round: 0, static: int32(k)})
	}
	for len(res.retries) > 0 {
		res.try(res.retries.pop())
	}
	return res.state
}

// staticResolver is the state of resolveStatics.
type staticResolver struct {
	statics   []StaticRoute
	state     []staticState // by index into statics
	ifaces    []ifaceState
	byName    map[string]int32 // interface index by name
	connected []ribRoute
	// conn is the first connected route of each prefix; installed is, of
	// the installed statics of each prefix, the one configured first:
	// together the routes a next hop resolves through.
	conn      map[prefixKey]int32
	installed map[prefixKey]int32
	// lengths are the prefix lengths of all those routes, longest first
	// (the only ones a longest match needs to try); staticLengths those of
	// the statics alone.
	lengths, staticLengths []int
	// waiters lists, under every prefix that would cover its next hop, a
	// static whose next hop did not resolve: installing that prefix
	// retries it.
	waiters map[prefixKey][]int32
	retries attemptQueue
}

// staticState is what resolveStatics found for a static: whether it is
// installed and, if so, the interface it leaves by (out) and the on-link
// next hop (hop; zero: the destination is on the link).
type staticState struct {
	installed bool
	out       int32
	hop       netip.Addr
	queued    bool // an attempt at it is pending
	waiting   bool // listed in waiters
}

// attempt is a try at installing a static: in the first round, or a retry
// in a later one.
type attempt struct {
	round  int
	static int32
}

func newStaticResolver(statics []StaticRoute, ifaces []ifaceState, connected []ribRoute) *staticResolver {
	res := &staticResolver{
		statics:   statics,
		state:     make([]staticState, len(statics)),
		ifaces:    ifaces,
		byName:    make(map[string]int32, len(ifaces)),
		connected: connected,
		conn:      make(map[prefixKey]int32, len(connected)),
		installed: make(map[prefixKey]int32, len(statics)),
		waiters:   make(map[prefixKey][]int32),
	}
	for k := range ifaces {
		if ifaces[k].iface != nil {
			res.byName[ifaces[k].iface.name] = int32(k)
		}
	}
	var used, usedByStatics [33]bool
	for k, c := range connected {
		key := prefixKeyOf(c.entry.Prefix)
		if _, ok := res.conn[key]; !ok {
			res.conn[key] = int32(k)
		}
		used[c.entry.Prefix.Bits()] = true
	}
	for k, sr := range statics {
		used[sr.Prefix.Bits()] = true
		usedByStatics[sr.Prefix.Bits()] = true
		res.state[k].queued = true // the first round tries every static
	}
	for bits := 32; bits >= 0; bits-- {
		if used[bits] {
			res.lengths = append(res.lengths, bits)
		}
		if usedByStatics[bits] {
			res.staticLengths = append(res.staticLengths, bits)
		}
	}
	return res
}

// try makes attempt t: it installs the static if it can, and otherwise
// lets a static through a next hop wait for a route to it.
func (res *staticResolver) try(t attempt) {
	st := &res.state[t.static]
	st.queued = false
	sr := &res.statics[t.static]
	switch {
	case sr.Distance == 255:
	case sr.Interface == NullInterface:
		res.install(t, nullOut, netip.Addr{})
	case sr.Interface != "":
		// A permanent route stays while its interface is down, as on IOS.
		if k, ok := res.byName[sr.Interface]; ok && (res.ifaces[k].up || sr.Permanent) {
			res.install(t, k, sr.NextHop)
		}
	case !sr.NextHop.Is4():
	default:
		if out, hop, ok := res.resolve(addrBits(sr.NextHop)); ok {
			res.install(t, out, hop)
		} else {
			res.wait(t.static)
		}
	}
}

// nullOut is the out of a route through Null0: it discards (fibNull).
const nullOut = -1

// resolve finds the longest connected or installed route covering a (a
// connected one wins over a static of the same length) and returns the
// outgoing interface and on-link next hop through it. A static found here
// was itself resolved before, so its out and hop already lead to a
// connected subnet.
func (res *staticResolver) resolve(a uint32) (int32, netip.Addr, bool) {
	for _, bits := range res.lengths {
		key := keyOf(a, bits)
		if k, ok := res.conn[key]; ok {
			// A next hop in a loopback's subnet resolves too, as on IOS; the
			// route then leads nowhere (appendStatics makes it fibNull).
			c := &res.connected[k]
			return c.fwd.out, addrFromBits(a), true
		}
		if k, ok := res.installed[key]; ok {
			st := &res.state[k]
			return st.out, st.hop, true
		}
	}
	return 0, netip.Addr{}, false
}

// wait lists static k under every static prefix length's cover of its next
// hop (once: the lists keep it while it waits).
func (res *staticResolver) wait(k int32) {
	st := &res.state[k]
	if st.waiting {
		return
	}
	st.waiting = true
	a := addrBits(res.statics[k].NextHop)
	for _, bits := range res.staticLengths {
		key := keyOf(a, bits)
		res.waiters[key] = append(res.waiters[key], k)
	}
}

// install installs the static of attempt t. If no installed static had its
// prefix before, the statics waiting for that prefix are retried (when one
// had, nothing that failed to resolve would resolve now).
func (res *staticResolver) install(t attempt, out int32, hop netip.Addr) {
	k := t.static
	st := &res.state[k]
	st.installed, st.out, st.hop = true, out, hop
	key := prefixKeyOf(res.statics[k].Prefix)
	if first, ok := res.installed[key]; ok {
		res.installed[key] = min(first, k)
		return
	}
	res.installed[key] = k
	for _, x := range res.waiters[key] {
		w := &res.state[x]
		if w.installed || w.queued {
			continue
		}
		// A static after this one is tried again in this round, one
		// before it in the next, as the rounds would.
		round := t.round
		if x < k {
			round++
		}
		w.queued = true
		res.retries.push(attempt{round: round, static: x})
	}
	delete(res.waiters, key)
}

// attemptQueue is a binary min-heap of attempts, in round order, then
// configuration order.
type attemptQueue []attempt

func (a attempt) before(b attempt) bool {
	if a.round != b.round {
		return a.round < b.round
	}
	return a.static < b.static
}

func (q *attemptQueue) push(a attempt) {
	h := append(*q, a)
	for k := len(h) - 1; k > 0; {
		parent := (k - 1) / 2
		if !h[k].before(h[parent]) {
			break
		}
		h[k], h[parent] = h[parent], h[k]
		k = parent
	}
	*q = h
}

func (q *attemptQueue) pop() attempt {
	h := *q
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	for k := 0; ; {
		least := k
		for _, c := range [2]int{2*k + 1, 2*k + 2} {
			if c < n && h[c].before(h[least]) {
				least = c
			}
		}
		if least == k {
			break
		}
		h[k], h[least] = h[least], h[k]
		k = least
	}
	*q = h
	return top
}
