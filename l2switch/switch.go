package l2switch

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"natlab/port"
)

// Defaults, as a Catalyst's.
const (
	DefaultAging      = 300 * time.Second
	DefaultMaxEntries = 8192
)

// Mode is how a port carries VLANs.
type Mode uint8

// Port modes.
const (
	Access Mode = iota // one VLAN, untagged on the wire
	Trunk              // tagged for every allowed VLAN, the native one untagged
)

func (m Mode) String() string {
	if m == Trunk {
		return "trunk"
	}
	return "access"
}

// Port is one port of a switch: a frame device and its mode.
type Port struct {
	Dev  port.Port
	Mode Mode
	// VLAN is an access port's VLAN, or a trunk's native VLAN; 0 means 1.
	VLAN uint16
	// Allowed lists the VLANs a trunk carries besides its native one; nil
	// means every VLAN (1-4094). Access ports ignore it.
	Allowed []uint16
}

// Option tunes New.
type Option func(*Switch)

// WithClock replaces time.Now (tests age entries with a fake clock).
func WithClock(now func() time.Time) Option { return func(s *Switch) { s.clock = now } }

// WithAging sets how long a station stays learnt after its last frame.
func WithAging(d time.Duration) Option { return func(s *Switch) { s.aging = d } }

// WithMaxEntries bounds the forwarding database.
func WithMaxEntries(n int) Option { return func(s *Switch) { s.maxEntries = n } }

// Switch forwards frames between its ports. See the package doc.
type Switch struct {
	ports      []*swPort
	fdb        *fdb
	clock      func() time.Time
	aging      time.Duration
	maxEntries int

	closeOnce sync.Once
	closed    atomic.Bool
	done      chan struct{}
	wg        sync.WaitGroup
}

// swPort is a port as the forwarding path sees it.
type swPort struct {
	dev     port.Port
	name    string
	trunk   bool
	pvid    uint16  // access VLAN, or the trunk's native VLAN: the VLAN of untagged frames
	carries vlanSet // the VLANs the port is a member of
	mtu     int
	c       counters
}

// New builds a switch over ports and starts one reader per port. Close
// stops it and closes the devices.
func New(ports []Port, opts ...Option) (*Switch, error) {
	s, err := build(ports, opts)
	if err != nil {
		return nil, err
	}
	for i := range s.ports {
		r := newReader(s, i)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			r.run()
		}()
	}
	return s, nil
}

// build makes the switch without starting its readers.
func build(ports []Port, opts []Option) (*Switch, error) {
	s := &Switch{clock: time.Now, aging: DefaultAging, maxEntries: DefaultMaxEntries, done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	if len(ports) == 0 {
		return nil, errors.New("l2switch: no ports")
	}
	if s.aging <= 0 || s.maxEntries <= 0 || s.maxEntries > 1<<20 || s.clock == nil {
		return nil, fmt.Errorf("l2switch: aging %v and table size %d must be positive (size at most %d), with a clock", s.aging, s.maxEntries, 1<<20)
	}
	for i, p := range ports {
		sp, err := newSwPort(p)
		if err != nil {
			return nil, fmt.Errorf("l2switch: port %d: %w", i, err)
		}
		s.ports = append(s.ports, sp)
	}
	s.fdb = newFDB(s.maxEntries, int64(s.aging))
	return s, nil
}

func newSwPort(p Port) (*swPort, error) {
	if p.Dev == nil {
		return nil, errors.New("no device")
	}
	v := p.VLAN
	if v == 0 {
		v = 1
	}
	if v > MaxVLAN {
		return nil, fmt.Errorf("%s: VLAN %d is not 1-%d", p.Dev.Name(), v, MaxVLAN)
	}
	sp := &swPort{dev: p.Dev, name: p.Dev.Name(), trunk: p.Mode == Trunk, pvid: v, mtu: p.Dev.MTU()}
	if sp.mtu <= 0 {
		return nil, fmt.Errorf("%s: MTU %d", sp.name, sp.mtu)
	}
	sp.carries.add(v)
	switch {
	case p.Mode != Access && p.Mode != Trunk:
		return nil, fmt.Errorf("%s: mode %d", sp.name, p.Mode)
	case !sp.trunk:
	case p.Allowed == nil:
		for id := uint16(1); id <= MaxVLAN; id++ {
			sp.carries.add(id)
		}
	default:
		for _, id := range p.Allowed {
			if id < 1 || id > MaxVLAN {
				return nil, fmt.Errorf("%s: allowed VLAN %d is not 1-%d", sp.name, id, MaxVLAN)
			}
			sp.carries.add(id)
		}
	}
	return sp, nil
}

// Close stops the readers and closes every device.
func (s *Switch) Close() error {
	var errs []error
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		close(s.done)
		for _, p := range s.ports {
			if err := p.dev.Close(); err != nil {
				errs = append(errs, err)
			}
		}
		s.wg.Wait()
	})
	return errors.Join(errs...)
}

// Entry is one learnt station.
type Entry struct {
	VLAN uint16
	MAC  [6]byte
	Port string
	Age  time.Duration // since its last frame
}

// MACString is the MAC in a Catalyst's dotted form, aabb.cc00.0100.
func (e Entry) MACString() string {
	m := e.MAC
	return fmt.Sprintf("%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// FDB lists the learnt stations that have not aged out, by VLAN and MAC
// (show mac address-table).
func (s *Switch) FDB() []Entry {
	now := s.clock().UnixNano()
	var out []Entry
	s.fdb.each(now, func(k fdbKey, p int, seen int64) {
		out = append(out, Entry{VLAN: k.vlan(), MAC: k.mac(), Port: s.ports[p].name, Age: time.Duration(now - seen)})
	})
	slices.SortFunc(out, func(a, b Entry) int {
		if a.VLAN != b.VLAN {
			return int(a.VLAN) - int(b.VLAN)
		}
		return slices.Compare(a.MAC[:], b.MAC[:])
	})
	return out
}

// FDBStats reports the table's entries (expired ones included until they
// are swept) and how many new stations it refused because it was full.
func (s *Switch) FDBStats() (entries int, refused uint64) {
	return s.fdb.size(), s.fdb.refused.Load()
}

// Expire removes the entries that have aged out now. The switch also does
// so when the table fills up; lookups never use an expired entry.
func (s *Switch) Expire() { s.fdb.sweep(s.clock().UnixNano()) }

// FlushPort forgets the stations learnt on port i (its link went down, or
// its device was replaced).
func (s *Switch) FlushPort(i int) {
	if i >= 0 && i < len(s.ports) {
		s.fdb.flushPort(i)
	}
}

// Stats returns every port's counters, in port order.
func (s *Switch) Stats() []Stats {
	out := make([]Stats, len(s.ports))
	for i, p := range s.ports {
		out[i] = p.c.snapshot(p.name)
	}
	return out
}
