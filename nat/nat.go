package nat

import (
	"net/netip"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"natlab/router"
)

// Role is what `ip nat inside|outside` makes of an interface.
type Role uint8

const (
	RoleNone Role = iota
	RoleInside
	RoleOutside
)

// Flow is what a source list is evaluated against.
type Flow struct {
	Proto            uint8
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16
	ICMPType         uint8
	TCPFlags         uint8
	Fragment         bool
}

// ListEvaluator evaluates an access-list (numbered as a decimal string, or
// named) against a flow: first match, implicit deny; found is false when no
// such list exists (IOS then translates nothing for the mapping).
type ListEvaluator interface {
	Evaluate(list string, f *Flow) (permit, found bool)
}

// Options configure a NAT core.
type Options struct {
	Clock          func() time.Time             // default time.Now
	Lists          ListEvaluator                // source lists; nil: no dynamic mapping matches
	InterfaceAddr  func(name string) netip.Addr // current address of an interface (for `interface IF`)
	InterfaceIndex func(name string) int        // stable small index of an interface, -1 if none
}

// snapshot is what the packet path reads without locks.
type snapshot struct {
	roles    []Role // by interface index
	timeouts Timeouts
	// globals are the inside-global addresses known at compile time
	// (static rules, pools); globalIfs the interfaces whose address is
	// one. A packet from the inside to one of them is hairpinned.
	globals   map[uint32]struct{}
	globalIfs []string
	pools     [][2]uint32
	active    bool // any rule at all
	outside   bool // any outside source rule
}

// NAT is the translation engine and its configuration.
type NAT struct {
	clock  atomic.Pointer[func() time.Time]
	lists  ListEvaluator
	ifAddr func(string) netip.Addr
	ifIdx  func(string) int

	snap atomic.Pointer[snapshot]

	// mu guards the configuration and every table change: new
	// translations, expiry, clearing. Hits only read the session index.
	mu             sync.Mutex
	cfg            config
	roles          map[string]Role
	in, out        sessionIndex
	patByLocal     map[bindKey]*Binding
	patByGlobal    map[bindKey]*Binding
	simpleByLocal  map[uint32]*Binding
	simpleByGlobal map[uint32]*Binding
	ports          map[allocKey]*portSet
	sessions       int
	seq            uint64
	peak           int
	peakAt         int64
	expired        uint64
	frags          fragCache

	hits, misses atomic.Uint64
	hairpins     atomic.Int64 // sessions marked hairpin

	debug atomic.Bool
	logf  atomic.Pointer[func(string)]

	router *router.Router // nil in tests of the core
	stop   chan struct{}
}

type bindKey struct {
	addr  uint32
	port  uint16
	proto uint8
}

// New returns a NAT with no rules.
func New(o Options) *NAT {
	n := &NAT{
		lists:          o.Lists,
		ifAddr:         o.InterfaceAddr,
		ifIdx:          o.InterfaceIndex,
		roles:          make(map[string]Role),
		patByLocal:     make(map[bindKey]*Binding),
		patByGlobal:    make(map[bindKey]*Binding),
		simpleByLocal:  make(map[uint32]*Binding),
		simpleByGlobal: make(map[uint32]*Binding),
		ports:          make(map[allocKey]*portSet),
	}
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	n.clock.Store(&clock)
	if n.ifAddr == nil {
		n.ifAddr = func(string) netip.Addr { return netip.Addr{} }
	}
	if n.ifIdx == nil {
		n.ifIdx = func(string) int { return -1 }
	}
	n.cfg.timeouts = DefaultTimeouts
	n.in.init()
	n.out.init()
	n.mu.Lock()
	n.publish()
	n.mu.Unlock()
	return n
}

func (n *NAT) now() time.Time { return (*n.clock.Load())() }

func (n *NAT) nowNano() int64 { return n.now().UnixNano() }

// SetRole sets `ip nat inside|outside` (RoleNone for the `no` form).
func (n *NAT) SetRole(ifname string, r Role) {
	n.mu.Lock()
	if r == RoleNone {
		delete(n.roles, ifname)
	} else {
		n.roles[ifname] = r
	}
	n.publish()
	n.mu.Unlock()
}

// RoleOf returns the role of an interface.
func (n *NAT) RoleOf(ifname string) Role {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.roles[ifname]
}

// roleByIndex is the packet path's view of the roles.
func (n *NAT) roleByIndex(i int) Role {
	s := n.snap.Load()
	if i < 0 || i >= len(s.roles) {
		return RoleNone
	}
	return s.roles[i]
}

// publish compiles the configuration into a new snapshot. Caller holds mu.
func (n *NAT) publish() {
	s := &snapshot{timeouts: n.cfg.timeouts, globals: make(map[uint32]struct{})}
	for name, r := range n.roles {
		i := n.ifIdx(name)
		if i < 0 {
			continue
		}
		for len(s.roles) <= i {
			s.roles = append(s.roles, RoleNone)
		}
		s.roles[i] = r
	}
	for _, r := range n.cfg.statics {
		if r.Interface != "" {
			s.globalIfs = append(s.globalIfs, r.Interface)
		} else {
			s.globals[addr4(r.Global)] = struct{}{}
		}
	}
	for _, m := range n.cfg.mappings {
		if m.Interface != "" {
			s.globalIfs = append(s.globalIfs, m.Interface)
		}
	}
	for _, p := range n.cfg.pools {
		s.pools = append(s.pools, [2]uint32{p.start, p.end})
	}
	s.active = len(n.cfg.statics)+len(n.cfg.outside)+len(n.cfg.mappings) > 0
	s.outside = len(n.cfg.outside) > 0
	n.snap.Store(s)
}

// isGlobal reports whether a is an inside-global address of this router.
func (n *NAT) isGlobal(s *snapshot, a uint32) bool {
	if _, ok := s.globals[a]; ok {
		return true
	}
	for _, p := range s.pools {
		if a >= p[0] && a <= p[1] {
			return true
		}
	}
	for _, name := range s.globalIfs {
		if g := n.ifAddr(name); g.Is4() && addr4(g) == a {
			return true
		}
	}
	return false
}

// sessionTimeout is the idle timer of a session in its current state.
func sessionTimeout(s *Session, t *Timeouts) time.Duration {
	switch s.proto {
	case ProtoTCP:
		return t.tcpTimeout(s.tcpState.Load())
	case ProtoUDP:
		if s.outGlobal.port == 53 || s.inLocal.port == 53 {
			return t.DNS
		}
		return t.UDP
	default:
		return t.ICMP
	}
}

// Sweep removes the translations whose timer ran out at now. A router
// calls it every second; tests call it with a fake clock.
func (n *NAT) Sweep() {
	n.mu.Lock()
	lines := n.sweepLocked()
	n.mu.Unlock()
	// Logged after unlocking: the logger may take the CLI's lock, whose
	// holder may be waiting for mu.
	for _, l := range lines {
		n.log(l)
	}
}

func (n *NAT) sweepLocked() (lines []string) {
	now := n.nowNano()
	t := &n.cfg.timeouts
	var dead []*Session
	n.in.each(func(s *Session) {
		d := sessionTimeout(s, t)
		if d >= 0 && s.lastUsed.Load()+int64(d) <= now {
			dead = append(dead, s)
		}
	})
	sort.Slice(dead, func(i, j int) bool { return dead[i].seq < dead[j].seq })
	for _, s := range dead {
		lines = n.expiryLine(lines, s.inGlobal, s.inLocal, s.proto, true)
		n.removeSession(s, now)
		n.expired++
	}
	for _, b := range n.simpleByLocal {
		if b.refs == 0 && t.Timeout >= 0 && b.lastUsed.Load()+int64(t.Timeout) <= now {
			lines = n.expiryLine(lines, b.global, b.local, 0, false)
			n.removeBinding(b)
			n.expired++
		}
	}
	for _, b := range n.patByLocal {
		if b.refs == 0 && b.holdTill <= now {
			n.removeBinding(b)
		}
	}
	n.frags.expire(now)
	return lines
}

// Run sweeps expired translations every interval until stop is closed.
func (n *NAT) Run(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			n.Sweep()
		}
	}
}

// removeSession drops a session from both indexes and releases its
// binding. Caller holds mu.
func (n *NAT) removeSession(s *Session, now int64) {
	n.in.del(s.inKey(), s)
	n.out.del(s.outKey(), s)
	n.sessions--
	if s.hairpin.Load() {
		n.hairpins.Add(-1)
	}
	if s.mapID != 0 {
		n.mapRef(s.mapID, -1)
	}
	b := s.binding
	if b == nil {
		return
	}
	b.refs--
	if lu := s.lastUsed.Load(); lu > b.lastUsed.Load() {
		b.lastUsed.Store(lu)
	}
	if b.kind == bindPAT && b.refs == 0 && b.holdTill <= now {
		n.removeBinding(b)
	}
}

// removeBinding forgets a dynamic binding and frees its global port or
// address. Caller holds mu and has removed its sessions.
func (n *NAT) removeBinding(b *Binding) {
	switch b.kind {
	case bindPAT:
		lk := bindKey{b.local.addr, b.local.port, b.proto}
		gk := bindKey{b.global.addr, b.global.port, b.proto}
		if n.patByLocal[lk] == b {
			delete(n.patByLocal, lk)
		}
		if n.patByGlobal[gk] == b {
			delete(n.patByGlobal, gk)
		}
		n.releasePort(b.proto, b.global.addr, b.global.port)
	case bindSimple:
		if n.simpleByLocal[b.local.addr] == b {
			delete(n.simpleByLocal, b.local.addr)
			n.sessions--
			if b.mapID != 0 {
				n.mapRef(b.mapID, -1)
			}
		}
		if n.simpleByGlobal[b.global.addr] == b {
			delete(n.simpleByGlobal, b.global.addr)
		}
	}
}

func (n *NAT) releasePort(proto uint8, addr uint32, port uint16) {
	ak := allocKey{addr, proto}
	if ps := n.ports[ak]; ps != nil {
		ps.remove(port)
		if ps.used == 0 {
			delete(n.ports, ak)
		}
	}
}

func (n *NAT) mapRef(id, d int) {
	for _, m := range n.cfg.mappings {
		if m.ID == id {
			m.refs += d
			return
		}
	}
}

// removeSessionsWhere removes every session for which match is true.
// Caller holds mu.
func (n *NAT) removeSessionsWhere(match func(*Session) bool) int {
	var victims []*Session
	n.in.each(func(s *Session) {
		if match(s) {
			victims = append(victims, s)
		}
	})
	now := n.nowNano()
	for _, s := range victims {
		n.removeSession(s, now)
	}
	return len(victims)
}

// ClearAll is `clear ip nat translation *`: every dynamic translation
// goes, static rules stay.
func (n *NAT) ClearAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.removeSessionsWhere(func(*Session) bool { return true })
	for _, b := range n.simpleByLocal {
		n.removeBinding(b)
	}
	for _, b := range n.patByLocal {
		n.removeBinding(b)
	}
	n.frags.clear()
}

// ClearStatistics is `clear ip nat statistics`.
func (n *NAT) ClearStatistics() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hits.Store(0)
	n.misses.Store(0)
	n.expired = 0
	n.peak = n.activeLocked()
	n.peakAt = n.nowNano()
	for _, p := range n.cfg.pools {
		p.misses = 0
	}
}

// activeLocked is the number of translations `show ip nat statistics`
// calls active. Caller holds mu.
func (n *NAT) activeLocked() int {
	return len(n.cfg.statics) + len(n.cfg.outside) + n.sessions
}

// notePeak records a new peak. Caller holds mu.
func (n *NAT) notePeak(now int64) {
	if a := n.activeLocked(); a > n.peak {
		n.peak, n.peakAt = a, now
	}
}

// SetLogger installs the function debug lines are written with
// (ios Engine.Log).
func (n *NAT) SetLogger(f func(string)) { n.logf.Store(&f) }

// SetDebug turns `debug ip nat` on or off.
func (n *NAT) SetDebug(on bool) { n.debug.Store(on) }

// Debug reports whether `debug ip nat` is on.
func (n *NAT) Debug() bool { return n.debug.Load() }

func (n *NAT) log(msg string) {
	if f := n.logf.Load(); f != nil && *f != nil {
		(*f)(msg)
	}
}

// PoolStats is one pool's line in `show ip nat statistics`.
type PoolStats struct {
	Name      string
	PrefixLen int
	Start     netip.Addr
	End       netip.Addr
	Total     int
	Allocated int
	Misses    uint64
}

// MappingStats is one dynamic mapping in `show ip nat statistics`.
type MappingStats struct {
	Mapping
	Refcount int
	Pool     *PoolStats
}

// Statistics is what `show ip nat statistics` prints.
type Statistics struct {
	Active, Static, Dynamic, Extended int
	Peak                              int
	PeakAt                            time.Time
	Hits, Misses                      uint64
	Expired                           uint64
	Inside, Outside                   []string
	Mappings                          []MappingStats
	Pools                             []PoolStats
}

// Statistics returns the counters and mappings.
func (n *NAT) Statistics() Statistics {
	n.mu.Lock()
	defer n.mu.Unlock()
	st := Statistics{
		Active:  n.activeLocked(),
		Static:  len(n.cfg.statics) + len(n.cfg.outside),
		Dynamic: n.sessions,
		Hits:    n.hits.Load(),
		Misses:  n.misses.Load(),
		Expired: n.expired,
		Peak:    n.peak,
	}
	if n.peakAt != 0 {
		st.PeakAt = time.Unix(0, n.peakAt)
	}
	st.Extended = n.in.count()
	for _, r := range n.cfg.statics {
		if r.Proto != 0 {
			st.Extended++
		}
	}
	for name, r := range n.roles {
		if r == RoleInside {
			st.Inside = append(st.Inside, name)
		} else {
			st.Outside = append(st.Outside, name)
		}
	}
	for _, p := range n.cfg.pools {
		ps := PoolStats{Name: p.Name, PrefixLen: p.PrefixLen, Start: p.Start, End: p.End, Total: int(p.end-p.start) + 1, Misses: p.misses}
		for a := p.start; a <= p.end && a >= p.start; a++ {
			if n.simpleByGlobal[a] != nil || n.ports[allocKey{a, ProtoTCP}] != nil ||
				n.ports[allocKey{a, ProtoUDP}] != nil || n.ports[allocKey{a, ProtoICMP}] != nil {
				ps.Allocated++
			}
		}
		st.Pools = append(st.Pools, ps)
	}
	for _, m := range n.cfg.mappings {
		ms := MappingStats{Mapping: m.Mapping, Refcount: m.refs}
		for i := range st.Pools {
			if st.Pools[i].Name == m.Pool {
				ms.Pool = &st.Pools[i]
			}
		}
		st.Mappings = append(st.Mappings, ms)
	}
	return st
}
