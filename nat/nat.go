package nat

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/router"
)

// Role is what `ip nat inside|outside` makes of an interface.
type Role uint8

const (
	RoleNone    Role = iota // not a NAT interface
	RoleInside              // ip nat inside
	RoleOutside             // ip nat outside
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

	debug    atomic.Bool
	detailed atomic.Bool
	logf     atomic.Pointer[func(string)]

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

// SetLogger installs the function debug lines are written with
// (ios Engine.Log).
func (n *NAT) SetLogger(f func(string)) { n.logf.Store(&f) }

// SetDebug turns `debug ip nat` on or off; detailed adds the arrival line
// of `debug ip nat detailed`.
func (n *NAT) SetDebug(on, detailed bool) {
	n.debug.Store(on)
	n.detailed.Store(on && detailed)
}

// Debug reports whether `debug ip nat` is on.
func (n *NAT) Debug() bool { return n.debug.Load() }

func (n *NAT) log(msg string) {
	if f := n.logf.Load(); f != nil && *f != nil {
		(*f)(msg)
	}
}
