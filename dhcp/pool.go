package dhcp

import (
	"net/netip"
	"time"
)

// DefaultLease is IOS's lease when a pool has no `lease` line: one day.
const DefaultLease = 24 * time.Hour

// Infinite is the Lease of `lease infinite`.
const Infinite time.Duration = -1

// Limits that keep the tables bounded whatever the clients do.
const (
	MaxBindings  = 4096 // bindings and outstanding offers, all pools
	MaxConflicts = 1024
	MaxPools     = 256
	MaxExcluded  = 256
	// maxScan bounds one search for a free address in a large pool.
	maxScan = 65536
	// offerHold is how long an offered address stays reserved for the
	// client that was offered it (state Selecting).
	offerHold = 2 * time.Minute
)

// Pool is one `ip dhcp pool NAME`.
type Pool struct {
	Name    string
	Network netip.Prefix // zero until `network`
	// ByLength remembers `network A /N` so the line renders as typed.
	ByLength bool
	Routers  []netip.Addr
	DNS      []netip.Addr
	Domain   string
	Lease    time.Duration // 0 is the default (one day); Infinite
	// next is where the search for a free address resumes (IOS's
	// "Current index").
	next netip.Addr
}

// lease is the pool's lease length; Infinite stays negative.
func (p *Pool) lease() time.Duration {
	if p.Lease == 0 {
		return DefaultLease
	}
	return p.Lease
}

// first and last are the pool's first and last host addresses.
func (p *Pool) first() netip.Addr { return p.Network.Masked().Addr().Next() }
func (p *Pool) last() netip.Addr  { return broadcast(p.Network).Prev() }

// size is the number of host addresses.
func (p *Pool) size() int {
	if !p.Network.IsValid() {
		return 0
	}
	bits := 32 - p.Network.Bits()
	if bits < 2 {
		return 0
	}
	return 1<<bits - 2
}

// contains reports whether a is a host address of the pool's network.
func (p *Pool) contains(a netip.Addr) bool {
	return p.Network.IsValid() && p.Network.Contains(a) && a != p.Network.Masked().Addr() && a != broadcast(p.Network)
}

// Range is one `ip dhcp excluded-address A [B]`.
type Range struct{ Low, High netip.Addr }

func (r Range) contains(a netip.Addr) bool { return r.Low.Compare(a) <= 0 && a.Compare(r.High) <= 0 }

// Binding is a leased (Active) or offered (Selecting) address.
type Binding struct {
	Addr netip.Addr
	// ID is the client identifier as `show ip dhcp binding` prints it.
	ID        string
	MAC       [6]byte
	Expires   time.Time // zero: infinite
	Active    bool
	Interface string
	Pool      string
}

// Conflict is an address found in use before it was offered.
type Conflict struct {
	Addr   netip.Addr
	Method string // "Ping", "Gratuitous ARP"
	When   time.Time
}

// Stats are the counters of `show ip dhcp server statistics`.
type Stats struct {
	Malformed                                     uint64
	RecvBootRequest, RecvDiscover, RecvRequest    uint64
	RecvDecline, RecvRelease, RecvInform          uint64
	SentBootReply, SentOffer, SentAck, SentNak    uint64
	Expired                                       uint64
	RelayedRequests, RelayedReplies, RelayDropped uint64
}

func broadcast(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= ^uint32(0) >> p.Bits()
	if p.Bits() == 0 {
		n = ^uint32(0)
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// maskOf is the dotted mask of a prefix length.
func maskOf(bits int) netip.Addr {
	n := ^uint32(0) << (32 - bits)
	if bits == 0 {
		n = 0
	}
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// maskBits is the prefix length of a dotted mask, false when it is not
// contiguous.
func maskBits(m netip.Addr) (int, bool) {
	if !m.Is4() {
		return 0, false
	}
	a := m.As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	bits := 0
	for n&0x80000000 != 0 {
		bits++
		n <<= 1
	}
	return bits, n == 0
}
