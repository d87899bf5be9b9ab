package dhcp

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Env is what the service needs from the router. Every function must be
// safe to call from any goroutine.
type Env struct {
	// SendOn sends an IPv4 datagram out of the named interface to an
	// on-link next hop (a limited broadcast to a client that has no
	// address yet).
	SendOn func(ifname string, nextHop netip.Addr, pkt []byte) bool
	// SendLocal sends a router-originated datagram through the routing
	// table (to a relay agent, to a server behind a relay).
	SendLocal func(pkt []byte) bool
	// Ping reports whether dst answers an echo within timeout; it blocks.
	Ping func(dst netip.Addr, timeout time.Duration) bool
	// Address is an interface's primary address (zero when none or
	// unknown).
	Address func(ifname string) netip.Prefix
	// InterfaceOf is the interface whose primary address is a, "" when
	// none (a relayed reply's giaddr).
	InterfaceOf func(a netip.Addr) string
	// MAC is an interface's hardware address (the client's chaddr).
	MAC func(ifname string) [6]byte
	// Own reports whether a is one of the router's addresses (never
	// offered).
	Own func(a netip.Addr) bool
	// SetAddress gives an `ip address dhcp` interface its leased address,
	// or takes it away (zero prefix).
	SetAddress func(ifname string, p netip.Prefix)
	// SetDefault installs the default route via gw at distance 254
	// (invalid gw removes it).
	SetDefault func(ifname string, gw netip.Addr)
	// Log writes a syslog message ("%DHCPD-4-PING_CONFLICT: ...").
	Log func(msg string)
	// Hostname is the router's hostname.
	Hostname func() string
	// Clock is the time source; nil is time.Now.
	Clock func() time.Time
}

// queueLen bounds the datagrams waiting for the worker; more are dropped as
// a busy server would.
const queueLen = 128

type job struct {
	ifname string
	src    netip.Addr
	dst    netip.Addr
	dport  uint16
	msg    []byte
}

// Service is the DHCP server, relay and client of one router.
type Service struct {
	env   Env
	mu    sync.Mutex
	pools map[string]*Pool
	order []string // pools in configuration order
	excl  []Range
	binds map[netip.Addr]*Binding
	confl map[netip.Addr]*Conflict
	stats Stats
	// helpers are the `ip helper-address` lines per interface.
	helpers map[string][]netip.Addr
	clients map[string]*client
	// PingTimeout is the wait of each conflict-detection echo (IOS `ip dhcp
	// ping timeout`, 500 ms); PingPackets how many (IOS 2; 0 disables).
	PingTimeout time.Duration
	PingPackets int

	jobs chan job
	// draining is set while a goroutine works the queue; it exits when the
	// queue is empty, so an idle service holds no goroutine.
	draining atomic.Bool
	closed   atomic.Bool
	ipID     atomic.Uint32
}

// New makes a service with no pool, helper or client.
func New(env Env) *Service {
	if env.Clock == nil {
		env.Clock = time.Now
	}
	s := &Service{
		env:     env,
		pools:   map[string]*Pool{},
		binds:   map[netip.Addr]*Binding{},
		confl:   map[netip.Addr]*Conflict{},
		helpers: map[string][]netip.Addr{},
		clients: map[string]*client{},
		jobs:    make(chan job, queueLen),

		PingTimeout: 500 * time.Millisecond,
		PingPackets: 2,
	}
	return s
}

// Close stops the clients' timers; datagrams are no longer taken.
func (s *Service) Close() {
	s.closed.Store(true)
	s.mu.Lock()
	for _, c := range s.clients {
		c.stopLocked()
	}
	s.mu.Unlock()
}

// Take is the router's taker of UDP datagrams to ports 67 and 68: pkt is the
// whole IPv4 datagram that arrived on interface ifname, valid only during the
// call. It copies what it keeps and never blocks.
func (s *Service) Take(ifname string, pkt []byte) bool {
	if len(pkt) < 20 || s.closed.Load() {
		return false
	}
	ihl := int(pkt[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(pkt[2:]))
	if ihl < 20 || total > len(pkt) || total < ihl+8 || pkt[9] != 17 {
		return false
	}
	dport := binary.BigEndian.Uint16(pkt[ihl+2:])
	if dport != ServerPort && dport != ClientPort {
		return false
	}
	if dport == ClientPort && !s.hasClient(ifname) {
		return false
	}
	j := job{
		ifname: ifname,
		src:    netip.AddrFrom4([4]byte(pkt[12:16])),
		dst:    netip.AddrFrom4([4]byte(pkt[16:20])),
		dport:  dport,
		msg:    append([]byte(nil), pkt[ihl+8:total]...),
	}
	select {
	case s.jobs <- j:
	default:
	}
	if s.draining.CompareAndSwap(false, true) {
		go s.drain()
	}
	return true
}

// drain handles queued datagrams until none is left.
func (s *Service) drain() {
	for {
		for {
			select {
			case j := <-s.jobs:
				if !s.closed.Load() {
					s.handle(j)
				}
				continue
			default:
			}
			break
		}
		s.draining.Store(false)
		// A datagram queued after the last receive and before the store
		// would wait for the next one: take it now if nobody else does.
		if len(s.jobs) == 0 || !s.draining.CompareAndSwap(false, true) {
			return
		}
	}
}

// handle dispatches one datagram: a client's reply, a relayed reply, a
// request to relay, a request for the server.
func (s *Service) handle(j job) {
	m, err := Parse(j.msg)
	if err != nil {
		s.mu.Lock()
		s.stats.Malformed++
		s.mu.Unlock()
		return
	}
	switch {
	case j.dport == ClientPort:
		s.clientInput(j.ifname, m)
	case m.Op == 2:
		s.relayReply(j.msg, m)
	case m.Op == 1 && s.relaying(j.ifname) && (!m.GIAddr.IsValid() || !s.env.Own(j.dst)):
		// A client's broadcast on an interface with a helper address,
		// or a request another agent relayed through this one.
		s.relayRequest(j.ifname, j.msg, m)
	case m.Op == 1:
		s.serve(j.ifname, j.src, m)
	}
}

func (s *Service) now() time.Time { return s.env.Clock() }

// build makes an IPv4/UDP datagram around a DHCP message.
func (s *Service) build(src, dst netip.Addr, sport, dport uint16, m *Message) []byte {
	payload := m.Append(make([]byte, 0, 548))
	return buildUDP(src, dst, sport, dport, uint16(s.ipID.Add(1)), payload)
}
