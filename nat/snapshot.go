package nat

import (
	"net/netip"

	"natlab/packet"
)

// snapshot is the part of the configuration the packet path reads without
// locks. It is compiled by publish on every configuration change and never
// modified afterwards; its size depends on the interfaces, pools and
// mappings, not on the number of static rules (their global addresses are
// in NAT.globals), so that publishing stays cheap while a configuration of
// thousands of static lines loads.
type snapshot struct {
	roles    []Role // by interface index
	timeouts Timeouts
	// ifIndex resolves the interface names the rules use (`interface
	// IF`) to interface indexes, once per configuration change; -1 for a
	// name that names no interface (yet).
	ifIndex map[string]int
	// globalIfs are the indexes of the interfaces whose address is an
	// inside-global address (PAT on an interface, static `interface`
	// rules): a packet from the inside to one of them may be hairpinned.
	globalIfs []int
	pools     [][2]uint32
	active    bool // any rule at all
	outside   bool // any outside source rule
}

// publish compiles the configuration into a new snapshot. Caller holds mu.
func (n *NAT) publish() {
	s := &snapshot{timeouts: n.cfg.timeouts, ifIndex: make(map[string]int, len(n.cfg.ifRefs))}
	for name, r := range n.roles {
		i := n.ifIndex(name)
		if i < 0 {
			continue
		}
		for len(s.roles) <= i {
			s.roles = append(s.roles, RoleNone)
		}
		s.roles[i] = r
	}
	for name := range n.cfg.ifRefs {
		i := n.ifIndex(name)
		s.ifIndex[name] = i
		if i >= 0 {
			s.globalIfs = append(s.globalIfs, i)
		}
	}
	for _, p := range n.cfg.pools {
		s.pools = append(s.pools, [2]uint32{p.start, p.end})
	}
	s.active = len(n.cfg.statics.rules)+len(n.cfg.outside.rules)+len(n.cfg.mappings) > 0
	s.outside = len(n.cfg.outside.rules) > 0
	n.snap.Store(s)
}

// roleOf is the packet path's view of an interface's role.
func (s *snapshot) roleOf(index int) Role {
	if index < 0 || index >= len(s.roles) {
		return RoleNone
	}
	return s.roles[index]
}

// isGlobal reports whether a is an inside-global address of this router:
// a static rule's, a pool's, or the current address of an interface a rule
// names. It takes no lock.
func (n *NAT) isGlobal(s *snapshot, a [4]byte) bool {
	if n.globals.has(a) {
		return true
	}
	if s.inPool(a) {
		return true
	}
	for _, i := range s.globalIfs {
		if g := n.ifAddress(i); g.Is4() && g.As4() == a {
			return true
		}
	}
	return false
}

// mayTranslateIn reports whether a packet from the outside to dst can have
// a translation to make: dst is an inside-global address, or an outside
// rule may translate its source. Most unsolicited packets (to the router
// itself, scans) are answered here, without the lock.
func (n *NAT) mayTranslateIn(p *packet.Parsed) bool {
	s := n.snap.Load()
	return s.active && (s.outside || n.isGlobal(s, p.Dst.As4()))
}

// interfaceAddr is the current address of an interface a rule names. A
// name that named no interface when the configuration was compiled is
// resolved again (an interface created since). Caller holds mu.
func (n *NAT) interfaceAddr(name string) ([4]byte, bool) {
	i, ok := n.snap.Load().ifIndex[name]
	if ok && i < 0 {
		if i = n.ifIndex(name); i >= 0 {
			n.publish()
		}
	}
	if !ok || i < 0 {
		return [4]byte{}, false
	}
	a := n.ifAddress(i)
	if !a.Is4() {
		return [4]byte{}, false
	}
	return a.As4(), true
}

// AnswersARP reports whether the router answers ARP for a on the interface
// with index ifIndex: an inside-global address of a static rule or a pool,
// on an outside interface, as IOS installs them (its ip aliases). An
// interface's own address needs no alias. It takes no lock.
func (n *NAT) AnswersARP(ifIndex int, a netip.Addr) bool {
	s := n.snap.Load()
	if s == nil || !a.Is4() || s.roleOf(ifIndex) != RoleOutside {
		return false
	}
	b := a.As4()
	return n.globals.has(b) || s.inPool(b)
}

// inPool reports whether a is an address of a NAT pool.
func (s *snapshot) inPool(a [4]byte) bool {
	u := be32(a)
	for _, p := range s.pools {
		if u >= p[0] && u <= p[1] {
			return true
		}
	}
	return false
}
