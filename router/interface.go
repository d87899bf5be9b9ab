package router

import (
	"net/netip"
	"sync/atomic"
	"time"

	"natlab/port"
)

// DefaultMTU is the MTU of an interface whose port does not say otherwise.
const DefaultMTU = 1500

// Interface is one router interface: a physical GigabitEthernet0/N that a
// port may be bound to, or a Loopback<N>.
//
// Configuration fields are guarded by the router's config lock; the packet
// path reads them only through the compiled snapshot. Counters are atomics.
type Interface struct {
	r        *Router
	name     string
	index    int
	loopback bool
	loopNum  int
	parent   *Interface // a subinterface's main interface
	subNum   int        // the N of a subinterface's .N

	// 802.1Q (r.mu): a subinterface's VLAN, 0 until encapsulation dot1Q.
	vlan   uint16
	native bool

	// Configuration (r.mu).
	addr      netip.Prefix
	shutdown  bool
	desc      string
	mtu       int // 0: the port's MTU, else DefaultMTU
	noUnreach bool
	verify    VerifySource
	// ARP on Ethernet ports: `arp timeout` (0: default), `no ip proxy-arp`.
	arpTimeout time.Duration
	noProxyARP bool
	port       port.Port
	queues     []port.Port // port's queues (port first); one for a single-queue port
	workers    []*worker   // their readers, by queue
	linker     port.Linker
	lineUp     bool // as of the last rebuild
	// Secondary addresses (`ip address A M secondary`), in the order configured.
	secondary []netip.Prefix
	// Settings IOS keeps and shows (ifsettings.go).
	set ifSettings

	c        counters
	icmpLast atomic.Int64 // unix nanos of the last rate-limited ICMP error
}

func newInterface(r *Router, name string, index, loopNum int) *Interface {
	return &Interface{
		r:        r,
		name:     name,
		index:    index,
		loopback: loopNum >= 0,
		loopNum:  loopNum,
		// Physical interfaces boot shut down, as on IOS; loopbacks come up
		// as soon as they are created.
		shutdown: loopNum < 0,
	}
}

// before orders interfaces as IOS lists them: chassis interfaces, each
// followed by its subinterfaces by number, then loopbacks by number.
func (i *Interface) before(o *Interface) bool {
	if i.loopback != o.loopback {
		return !i.loopback
	}
	if i.loopback {
		return i.loopNum < o.loopNum
	}
	a, b := i.main(), o.main()
	if a != b {
		return a.index < b.index
	}
	return i.parent == nil && o.parent != nil || i.parent != nil && o.parent != nil && i.subNum < o.subNum
}

// main is the interface itself, or a subinterface's parent.
func (i *Interface) main() *Interface {
	if i.parent != nil {
		return i.parent
	}
	return i
}

// Name is the canonical IOS name, e.g. "GigabitEthernet0/1".
func (i *Interface) Name() string { return i.name }

// Index is a stable small integer (chassis interfaces 0..N-1, then
// loopbacks), so features can keep per-interface state in slices. The index
// of a removed loopback may be given to a loopback created later.
func (i *Interface) Index() int { return i.index }

// IsLoopback reports whether this is a Loopback<N>.
func (i *Interface) IsLoopback() bool { return i.loopback }

// SetAddress sets the primary address (`ip address A.B.C.D M.M.M.M`); the
// zero Prefix removes it (`no ip address`). Validation (mask, overlap with
// other interfaces) is the CLI's job.
func (i *Interface) SetAddress(p netip.Prefix) {
	i.r.configure(func() { i.addr = p })
	i.announce()
}

// Address returns the configured address, or the zero Prefix.
func (i *Interface) Address() netip.Prefix { return locked(i, func() netip.Prefix { return i.addr }) }

// SetShutdown sets the administrative state (`shutdown`/`no shutdown`) and
// pushes it to the port's link (a shut TUN loses carrier).
func (i *Interface) SetShutdown(down bool) {
	i.r.configure(func() {
		i.shutdown = down
		if i.linker != nil {
			i.linker.SetLinkUp(!down)
		}
	})
}

// Shutdown reports the administrative state.
func (i *Interface) Shutdown() bool { return locked(i, func() bool { return i.shutdown }) }

// SetDescription sets the `description` line.
func (i *Interface) SetDescription(s string) {
	i.r.mu.Lock()
	i.desc = s
	i.r.mu.Unlock()
}

// Description returns the `description` line.
func (i *Interface) Description() string { return locked(i, func() string { return i.desc }) }

// Bound reports whether a port is attached. Loopbacks are always bound.
func (i *Interface) Bound() bool {
	return locked(i, func() bool { return i.loopback || i.port != nil })
}

// Port returns the attached port, or nil.
func (i *Interface) Port() port.Port { return locked(i, func() port.Port { return i.port }) }

// LineUp reports whether the interface passes packets: not shut down, bound,
// and its port's link up. A loopback is up unless shut down.
func (i *Interface) LineUp() bool { return locked(i, i.computeLineUp) }

func (i *Interface) computeLineUp() bool {
	if i.shutdown {
		return false
	}
	if i.loopback {
		return true
	}
	if i.parent != nil && i.parent.shutdown {
		return false
	}
	if i.port == nil {
		return false
	}
	return i.linker == nil || i.linker.LinkUp()
}

// SetUnreachables sets `ip unreachables` (the default) or `no ip
// unreachables`: whether the router answers packets received on this
// interface with ICMP unreachables (no route, port, protocol, ACL deny).
func (i *Interface) SetUnreachables(on bool) {
	i.r.configure(func() { i.noUnreach = !on })
}

// Unreachables reports the `ip unreachables` setting.
func (i *Interface) Unreachables() bool { return locked(i, func() bool { return !i.noUnreach }) }

// SetMTU sets the IP MTU (`ip mtu N`); 0 restores the default (the port's
// MTU, or 1500).
func (i *Interface) SetMTU(n int) {
	i.r.configure(func() { i.mtu = n })
}

// ConfiguredMTU is the `ip mtu` setting, 0 when none.
func (i *Interface) ConfiguredMTU() int { return locked(i, func() int { return i.mtu }) }

// MTU is the IP MTU: configured, else the port's, else 1500.
func (i *Interface) MTU() int { return locked(i, i.mtuLocked) }

func (i *Interface) mtuLocked() int {
	switch {
	case i.mtu > 0:
		return i.mtu
	}
	return i.hwMTULocked()
}

// HardwareMTU is the interface's MTU as show interfaces prints it: the
// port's, 1514 for a loopback, else 1500. `ip mtu` does not change it.
func (i *Interface) HardwareMTU() int { return locked(i, i.hwMTULocked) }

func (i *Interface) hwMTULocked() int {
	switch {
	case i.port != nil && i.port.MTU() > 0:
		return i.port.MTU()
	case i.loopback:
		return 1514 // what IOS shows for loopbacks
	}
	return DefaultMTU
}

// Counters is a copy of an interface's counters.
type Counters struct {
	InPackets, InBytes   uint64
	OutPackets, OutBytes uint64
	// InErrors counts malformed packets: short, bad version, bad header
	// length, bad total length, bad header checksum.
	InErrors uint64
	// InDrops counts well-formed packets dropped after input: martian
	// source, no route, TTL expired, multicast, a loopback subnet, input
	// hooks (ACL, NAT). A shut interface receives nothing and counts
	// nothing.
	InDrops uint64
	// OutDrops counts packets dropped on output: output hooks, MTU, a
	// port that took only part of a batch.
	OutDrops uint64
	// OutErrors counts packets a port's Write failed to send.
	OutErrors uint64
	// InBroadcasts counts packets to a broadcast address.
	InBroadcasts uint64
	// InMulticasts counts packets to a multicast address (dropped: the
	// router does no multicast routing).
	InMulticasts uint64
	// InUnknownProto counts packets of a protocol the router does not
	// route (IPv6): "unknown protocol drops" in show interfaces.
	InUnknownProto uint64
	// LastInput and LastOutput are zero until a packet passes.
	LastInput, LastOutput time.Time
	// Cleared is when ClearCounters last ran; zero for never.
	Cleared time.Time
}

type counters struct {
	inPackets, inBytes, outPackets, outBytes atomic.Uint64
	inErrors, inDrops, outDrops, inBcast     atomic.Uint64
	inUnknown, inMcast, outErrors            atomic.Uint64
	verifyDrops, verifySuppressed            atomic.Uint64
	lastIn, lastOut, cleared                 atomic.Int64
}

func unixTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Counters reads the counters.
func (i *Interface) Counters() Counters {
	c := &i.c
	return Counters{
		InPackets:      c.inPackets.Load(),
		InBytes:        c.inBytes.Load(),
		OutPackets:     c.outPackets.Load(),
		OutBytes:       c.outBytes.Load(),
		InErrors:       c.inErrors.Load(),
		InDrops:        c.inDrops.Load(),
		OutDrops:       c.outDrops.Load(),
		InBroadcasts:   c.inBcast.Load(),
		InUnknownProto: c.inUnknown.Load(),
		InMulticasts:   c.inMcast.Load(),
		OutErrors:      c.outErrors.Load(),
		LastInput:      unixTime(c.lastIn.Load()),
		LastOutput:     unixTime(c.lastOut.Load()),
		Cleared:        unixTime(c.cleared.Load()),
	}
}

// ClearCounters zeroes the packet counters (`clear counters`). Last input
// and output times survive, as on IOS.
func (i *Interface) ClearCounters() {
	c := &i.c
	c.inPackets.Store(0)
	c.inBytes.Store(0)
	c.outPackets.Store(0)
	c.outBytes.Store(0)
	c.inErrors.Store(0)
	c.inDrops.Store(0)
	c.outDrops.Store(0)
	c.inBcast.Store(0)
	c.inUnknown.Store(0)
	c.inMcast.Store(0)
	c.outErrors.Store(0)
	c.verifyDrops.Store(0)
	c.verifySuppressed.Store(0)
	c.cleared.Store(i.r.clock().UnixNano())
}

// locked returns read's result under the router's configuration lock.
func locked[T any](i *Interface, read func() T) T {
	i.r.mu.Lock()
	defer i.r.mu.Unlock()
	return read()
}

// configure runs a config change under the lock, makes it take effect
// (commitLocked) and reports link changes.
func (r *Router) configure(f func()) {
	r.configureIf(func() bool { f(); return true })
}

// configureIf is configure for a change that may turn out to change
// nothing: f reports whether it did.
func (r *Router) configureIf(f func() bool) {
	r.mu.Lock()
	var changes []linkChange
	if f() {
		changes = r.commitLocked()
	}
	r.mu.Unlock()
	r.notify(changes)
}
