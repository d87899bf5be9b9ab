package router

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"natlab/port"
)

// Options configure a Router.
type Options struct {
	// Interfaces is how many GigabitEthernet0/N the chassis has; 0 means 4.
	Interfaces int
	// Clock replaces time.Now (tests drive timeouts with it).
	Clock func() time.Time
	// ICMPRateLimit is the minimum interval between ICMP unreachables sent
	// per interface (IOS `ip icmp rate-limit unreachable`, default 500 ms).
	// Negative disables the limit.
	ICMPRateLimit time.Duration
	// MAC is the burned-in address of GigabitEthernet0/0; interface k has
	// MAC + k*0x10, as IOL numbers them. Zero means DefaultMAC.
	MAC [6]byte
}

// DefaultMAC is the first interface's MAC when Options.MAC is zero.
var DefaultMAC = [6]byte{0x52, 0x54, 0x00, 0x12, 0x34, 0x00}

// DefaultICMPRateLimit is IOS's default unreachable rate limit.
const DefaultICMPRateLimit = 500 * time.Millisecond

// Router is the forwarding engine: the chassis of interfaces, the routing
// table, the per-packet pipeline and router-originated traffic.
type Router struct {
	mac       [6]byte
	clock     func() time.Time
	chassis   int
	icmpLimit atomic.Int64 // nanoseconds; <0 off

	// mu guards the configuration below and serializes snapshot rebuilds.
	// Packet goroutines never take it.
	mu          sync.Mutex
	ifaces      []*Interface // by Index; nil for removed loopbacks
	statics     []StaticRoute
	staticIndex map[staticKey]int // position in statics
	hooks       [numHookPoints][]hookEntry
	hookSeq     int
	aclEval     ACLEvaluator
	arpAlias    func(ifIndex int, a netip.Addr) bool
	onLink      func(i *Interface, up bool)
	onAttach    func(i *Interface, p port.Port)
	closed      bool
	// updating counts open BeginUpdate calls; stale says a change since the
	// last published snapshot waits for EndUpdate.
	updating int
	stale    bool

	snap atomic.Pointer[snapshot]

	// Router-originated traffic.
	ipID      atomic.Uint32
	echoID    atomic.Uint32
	tracePort atomic.Uint32
	waitMu    sync.Mutex                // serializes changes to waiters
	waiters   atomic.Pointer[listeners] // read lock-free by the packet path
	localICMP atomic.Int64              // rate limit slot for errors about router-originated packets
	frags     reassembler               // datagrams to the router arriving in fragments
	localTCP  atomic.Pointer[LocalTCP]  // the router's TCP stack (SetLocalTCP)
	localUDP  atomic.Pointer[LocalUDP]  // UDP services of the router (SetLocalUDP)

	wg sync.WaitGroup
}

// New builds a router with GigabitEthernet0/0 .. 0/(N-1), all shut down and
// unbound, as a freshly booted IOS router.
func New(opts Options) *Router {
	n := opts.Interfaces
	if n <= 0 {
		n = 4
	}
	if opts.MAC == ([6]byte{}) {
		opts.MAC = DefaultMAC
	}
	r := &Router{
		mac:         opts.MAC,
		clock:       opts.Clock,
		chassis:     n,
		staticIndex: make(map[staticKey]int),
	}
	if r.clock == nil {
		r.clock = time.Now
	}
	lim := opts.ICMPRateLimit
	if lim == 0 {
		lim = DefaultICMPRateLimit
	}
	r.icmpLimit.Store(int64(lim))
	r.waiters.Store(&listeners{})
	r.echoID.Store(uint32(time.Now().UnixNano()))
	r.tracePort.Store(uint32(time.Now().UnixNano()))
	for i := 0; i < n; i++ {
		r.ifaces = append(r.ifaces, newInterface(r, "GigabitEthernet0/"+strconv.Itoa(i), i, -1))
	}
	r.rebuildLocked()
	return r
}

// SetICMPRateLimit changes the unreachable rate limit (IOS `ip icmp
// rate-limit unreachable MS`); d < 0 disables it.
func (r *Router) SetICMPRateLimit(d time.Duration) { r.icmpLimit.Store(int64(d)) }

// ICMPRateLimit returns the unreachable rate limit.
func (r *Router) ICMPRateLimit() time.Duration { return time.Duration(r.icmpLimit.Load()) }

// AddressOf returns the address of the interface with the given index as
// the packet path sees it (the published snapshot), or the zero Prefix. It
// takes no lock, so features may call it for every packet (NAT's
// `interface IF overload`).
func (r *Router) AddressOf(index int) netip.Prefix {
	s := r.snap.Load()
	if index < 0 || index >= len(s.ifaces) {
		return netip.Prefix{}
	}
	return s.ifaces[index].addr
}

// NameOf returns the name of the interface with the given index from the
// published snapshot, or "". Like AddressOf it takes no lock, for features
// on the packet path (FTP inspection finds a new control connection's
// rules by the name of its arriving interface).
func (r *Router) NameOf(index int) string {
	s := r.snap.Load()
	if index < 0 || index >= len(s.ifaces) || s.ifaces[index].iface == nil {
		return ""
	}
	return s.ifaces[index].iface.name
}

// HoldConfig takes the configuration lock and returns its release. While
// it is held no configuration can change; the packet path, which reads only
// the published snapshot, must go on forwarding. Tests use it to prove that
// (a packet that needed the lock would wait until the release).
func (r *Router) HoldConfig() (release func()) {
	r.mu.Lock()
	return r.mu.Unlock
}

// BeginUpdate starts a run of configuration changes that the packet path
// sees only when the run ends (EndUpdate): each change still takes effect
// in the configuration at once (Interfaces, StaticRoutes, Address and so
// on, and link-change notices), but the routing table is compiled and
// published once, at the end, instead of once per change. Loading a
// startup-config of thousands of lines so costs one compile, not thousands.
// Until then the packet path, Routes and Lookup see the configuration as it
// was. Runs nest; the outermost EndUpdate publishes.
func (r *Router) BeginUpdate() {
	r.mu.Lock()
	r.updating++
	r.mu.Unlock()
}

// EndUpdate ends a BeginUpdate run and, at the outermost one, publishes
// the configuration to the packet path if it changed.
func (r *Router) EndUpdate() {
	r.mu.Lock()
	if r.updating == 0 {
		r.mu.Unlock()
		return
	}
	r.updating--
	var changes []linkChange
	if r.updating == 0 && r.stale {
		changes = r.rebuildLocked()
	}
	r.mu.Unlock()
	r.notify(changes)
}

// Interfaces returns the interfaces in chassis order, then loopbacks by
// number.
func (r *Router) Interfaces() []*Interface {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Interface
	for _, i := range r.ifaces {
		if i != nil {
			out = append(out, i)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		return out[a].before(out[b])
	})
	return out
}

// Interface returns the interface with the canonical name (e.g.
// "GigabitEthernet0/1", "Loopback0"), or nil.
func (r *Router) Interface(name string) *Interface {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ifaceLocked(name)
}

func (r *Router) ifaceLocked(name string) *Interface {
	for _, i := range r.ifaces {
		if i != nil && i.name == name {
			return i
		}
	}
	return nil
}

// Loopback returns Loopback<n>, creating it (up, as IOS creates loopbacks)
// when missing. n must be 0..2147483647.
func (r *Router) Loopback(n int) *Interface {
	if n < 0 {
		return nil
	}
	name := "Loopback" + strconv.Itoa(n)
	r.mu.Lock()
	if i := r.ifaceLocked(name); i != nil {
		r.mu.Unlock()
		return i
	}
	i := newInterface(r, name, r.freeIndexLocked(), n)
	r.placeLocked(i)
	changes := r.commitLocked()
	r.mu.Unlock()
	r.notify(changes)
	return i
}

// RemoveInterface deletes a loopback or a subinterface (`no interface
// loopback N`). Static routes through it stay configured but are no longer
// installed.
func (r *Router) RemoveInterface(name string) error {
	r.mu.Lock()
	i := r.ifaceLocked(name)
	switch {
	case i == nil:
		r.mu.Unlock()
		return fmt.Errorf("no interface %s", name)
	case !i.loopback && i.parent == nil:
		r.mu.Unlock()
		return fmt.Errorf("%s is a physical interface and cannot be removed", name)
	}
	var old detached
	if i.parent != nil {
		old = r.unbindVLANLocked(i)
	}
	r.ifaces[i.index] = nil
	changes := r.commitLocked()
	r.mu.Unlock()
	closeDetached(old)
	r.notify(changes)
	return nil
}

// Bind attaches a port to a physical interface and starts reading from it.
// The interface's shutdown state is pushed to the port's link.
func (r *Router) Bind(name string, p port.Port) error {
	if p == nil {
		return errors.New("nil port")
	}
	r.mu.Lock()
	i := r.ifaceLocked(name)
	switch {
	case r.closed:
		r.mu.Unlock()
		return errors.New("router closed")
	case i == nil:
		r.mu.Unlock()
		return fmt.Errorf("no interface %s", name)
	case i.loopback:
		r.mu.Unlock()
		return fmt.Errorf("%s is a loopback and takes no port", name)
	case i.parent != nil:
		r.mu.Unlock()
		return fmt.Errorf("%s is a subinterface: it takes its port from encapsulation dot1Q", name)
	case i.port != nil:
		r.mu.Unlock()
		return fmt.Errorf("%s is already bound to %s", name, i.port.Name())
	}
	list := []attachment{r.attachLocked(i, p)}
	list = append(list, r.bindSubinterfacesLocked(i)...)
	changes := r.commitLocked()
	r.mu.Unlock()
	r.attached(list)
	r.notify(changes)
	return nil
}

// attachment is a port attached to an interface whose goroutines start
// once the OnAttach callback has seen it.
type attachment struct {
	i     *Interface
	p     port.Port
	start func()
}

// attachLocked makes p i's port; the returned attachment starts reading it.
func (r *Router) attachLocked(i *Interface, p port.Port) attachment {
	i.port = p
	if l, ok := p.(port.Linker); ok {
		i.linker = l
		l.SetLinkUp(!i.shutdown)
	}
	// A multi-queue port gets a worker per queue; each worker writes to
	// the egress ports' queue of its own number, so queues never share a
	// file descriptor.
	queues := []port.Port{p}
	if mq, ok := p.(port.MultiQueue); ok && len(mq.Queues()) > 1 {
		queues = mq.Queues()
	}
	i.queues = queues
	workers := make([]*worker, len(queues))
	for k, qp := range queues {
		workers[k] = newWorker(r, i, qp, k)
	}
	i.workers = workers
	w := workers[0]
	linker := i.linker
	r.wg.Add(len(workers))
	return attachment{i: i, p: p, start: func() {
		for _, w := range workers {
			go w.run()
		}
		if linker != nil {
			if ev := linker.Events(); ev != nil {
				r.wg.Add(1)
				go r.watchLink(ev, w.done)
			}
		}
	}}
}

// watchLink rebuilds the snapshot when a port reports a carrier change.
func (r *Router) watchLink(ev <-chan port.Event, done <-chan struct{}) {
	defer r.wg.Done()
	for {
		select {
		case _, ok := <-ev:
			if !ok {
				return
			}
			r.mu.Lock()
			if r.closed {
				// Ports going away as the router closes are not news.
				r.mu.Unlock()
				return
			}
			changes := r.commitLocked()
			r.mu.Unlock()
			r.notify(changes)
		case <-done:
			return
		}
	}
}

// Close closes every bound port and waits for the packet goroutines.
func (r *Router) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	var ports []port.Port
	for _, i := range r.ifaces {
		if i != nil && i.port != nil {
			ports = append(ports, i.port)
		}
	}
	r.mu.Unlock()
	var errs []error
	for _, p := range ports {
		if err := p.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	r.wg.Wait()
	return errors.Join(errs...)
}

// OnLinkChange registers f to be called when an interface's LineUp
// changes, from the goroutine that caused the change (a config setter or a
// port's link watcher), after the new state is in effect and with no lock
// held. The CLI logs %LINK-3-UPDOWN / %LINEPROTO-5-UPDOWN from it.
func (r *Router) OnLinkChange(f func(i *Interface, up bool)) {
	r.mu.Lock()
	r.onLink = f
	r.mu.Unlock()
}

// linkChange is one LineUp transition found by a rebuild.
type linkChange struct {
	i  *Interface
	up bool
}

func (r *Router) notify(changes []linkChange) {
	if len(changes) == 0 {
		return
	}
	r.mu.Lock()
	f := r.onLink
	r.mu.Unlock()
	for _, c := range changes {
		if c.up {
			c.i.announce()
		}
		if f != nil {
			f(c.i, c.up)
		}
	}
}

// OnAttach registers f to be called with every port the router attaches to
// an interface (Bind, and the VLAN ports of subinterfaces), with no lock
// held, before packets flow: the device gives Ethernet ports their ARP host
// there.
func (r *Router) OnAttach(f func(i *Interface, p port.Port)) {
	r.mu.Lock()
	r.onAttach = f
	r.mu.Unlock()
}

// attached runs the OnAttach callback for ports attached under the lock.
func (r *Router) attached(list []attachment) {
	r.mu.Lock()
	f := r.onAttach
	r.mu.Unlock()
	for _, a := range list {
		if f != nil {
			f(a.i, a.p)
		}
		a.start()
	}
}
