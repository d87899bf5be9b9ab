package nat

import (
	"natlab/pktevent"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/packet"
)

// Role is what `ip nat inside|outside` makes of an interface.
type Role uint8

const (
	RoleNone    Role = iota // not a NAT interface
	RoleInside              // ip nat inside
	RoleOutside             // ip nat outside
)

// ListEvaluator evaluates an access-list (numbered as a decimal string, or
// named) against a decoded packet: first match, implicit deny; found is
// false when no such list exists (IOS then translates nothing for the
// mapping). *acl.ACLs satisfies it.
type ListEvaluator interface {
	Evaluate(list string, p *packet.Parsed) (permit, found bool)
}

// Options configure a NAT core.
type Options struct {
	Clock func() time.Time // default time.Now
	Lists ListEvaluator    // source lists; nil: no dynamic mapping matches
	// InterfaceIndex resolves an interface name to its stable small index
	// (-1: no such interface). NAT calls it when its configuration
	// changes, never per packet, so it may take locks.
	InterfaceIndex func(name string) int
	// InterfaceAddress is the current address of the interface with an
	// index (the zero Addr when it has none). The packet path calls it
	// (PAT on an interface, hairpin detection), so it must not block:
	// the router's AddressOf.
	InterfaceAddress func(index int) netip.Addr
}

// NAT is the translation engine and its configuration.
type NAT struct {
	clock     atomic.Pointer[func() time.Time]
	lists     ListEvaluator
	ifIndex   func(string) int
	ifAddress func(int) netip.Addr

	snap atomic.Pointer[snapshot]
	// globals are the fixed inside-global addresses of the static rules,
	// read by the packet path without a lock (hairpin detection).
	globals addrSet

	// mu guards the configuration and every table change: new
	// translations, expiry, clearing. Hits only read the session index.
	mu             sync.Mutex
	cfg            config
	roles          map[string]Role
	in, out        sessionIndex
	patByLocal     map[bindKey]*Binding
	patByGlobal    map[bindKey]*Binding
	simpleByLocal  map[[4]byte]*Binding
	simpleByGlobal map[[4]byte]*Binding
	ports          map[allocKey]*portSet
	sessions       int
	seq            uint64
	peak           int
	peakAt         int64
	expired        uint64
	// listPkt is the copy of a packet a source list is evaluated on, so
	// that the packet itself never escapes to the evaluator. Under mu.
	listPkt packet.Parsed
	frags   fragCache
	// hosts are the inside local hosts with dynamic entries; cand queues
	// every session for eviction; admitting is the per-host limit the
	// translation being made counts under (set by room). Under mu.
	hosts     map[[4]byte]*hostEntry
	cand      queue
	admitting *limitRule
	drops     dropCounters

	hits, misses atomic.Uint64
	hairpins     atomic.Int64 // sessions marked hairpin

	debug    atomic.Bool
	detailed atomic.Bool
	logf     atomic.Pointer[func(string)]
	events   *pktevent.Bus // set by SetEvents before traffic flows (events.go)

	stop chan struct{}
}

// New returns a NAT with no rules.
func New(o Options) *NAT {
	n := &NAT{
		lists:          o.Lists,
		ifIndex:        o.InterfaceIndex,
		ifAddress:      o.InterfaceAddress,
		roles:          make(map[string]Role),
		patByLocal:     make(map[bindKey]*Binding),
		patByGlobal:    make(map[bindKey]*Binding),
		simpleByLocal:  make(map[[4]byte]*Binding),
		simpleByGlobal: make(map[[4]byte]*Binding),
		ports:          make(map[allocKey]*portSet),
		hosts:          make(map[[4]byte]*hostEntry),
	}
	clock := o.Clock
	if clock == nil {
		clock = time.Now
	}
	n.clock.Store(&clock)
	if n.ifIndex == nil {
		n.ifIndex = func(string) int { return -1 }
	}
	if n.ifAddress == nil {
		n.ifAddress = func(int) netip.Addr { return netip.Addr{} }
	}
	n.cfg.init()
	n.globals.init()
	n.in.init()
	n.out.init()
	n.mu.Lock()
	n.publish()
	n.mu.Unlock()
	return n
}

func (n *NAT) now() time.Time { return (*n.clock.Load())() }

func (n *NAT) nowNano() int64 { return n.now().UnixNano() }

// SetClock replaces the clock (tests drive the timers with it).
func (n *NAT) SetClock(f func() time.Time) { n.clock.Store(&f) }

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

// RemoveInterface forgets the role of an interface that was deleted (`no
// interface Loopback0`) and resolves the interface names of the rules
// again, so that an interface created later under another name never
// inherits what NAT knew of this one. Rules naming the interface stay, as
// in IOS; they translate nothing until it exists again.
func (n *NAT) RemoveInterface(ifname string) {
	n.mu.Lock()
	delete(n.roles, ifname)
	n.publish()
	n.mu.Unlock()
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
