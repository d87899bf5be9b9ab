package nat

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"natlab/packet"
)

// StaticRule is one `ip nat inside source static ...` line.
type StaticRule struct {
	Proto      packet.Proto // 0: address only; TCP or UDP for the port forms
	Local      netip.Addr   // inside local
	LocalPort  uint16
	Global     netip.Addr // inside global; invalid when Interface is set
	GlobalPort uint16
	Interface  string // `interface IF`: the global address is that interface's
	Extendable bool
}

// OutsideStatic is one `ip nat outside source static GLOBAL LOCAL` line:
// the outside host Global appears to the inside as Local.
type OutsideStatic struct {
	Global, Local netip.Addr
	Extendable    bool
}

// Pool is one `ip nat pool` line.
type Pool struct {
	Name       string
	Start, End netip.Addr
	PrefixLen  int
	ByPrefix   bool // typed as prefix-length (rendered the same way)
}

// Mapping is one `ip nat inside source list ACL {pool NAME | interface IF} [overload]`.
type Mapping struct {
	ID        int // IOS "[Id: N]", assigned in configuration order
	List      string
	Pool      string
	Interface string
	Overload  bool
}

type pool struct {
	Pool
	start, end uint32
	misses     uint64
}

type mapping struct {
	Mapping
	seq  uint64
	refs int // active translations created by it
}

// config is everything `ip nat` configures; guarded by NAT.mu.
type config struct {
	statics   staticTable
	outside   outsideTable
	pools     []*pool
	mappings  []*mapping
	timeouts  Timeouts
	limits    limits
	nextMapID int
	ruleSeq   uint64
	// ifRefs counts the rules that name each interface (`interface IF`):
	// the names the snapshot resolves to indexes.
	ifRefs map[string]int
}

func (c *config) init() {
	c.statics.init()
	c.outside.init()
	c.ifRefs = make(map[string]int)
	c.timeouts = DefaultTimeouts
	c.limits.hosts = make(map[[4]byte]*limitRule)
}

func (c *config) refInterface(name string, d int) {
	if name == "" {
		return
	}
	if c.ifRefs[name] += d; c.ifRefs[name] <= 0 {
		delete(c.ifRefs, name)
	}
}

func addr4(a netip.Addr) [4]byte { return a.As4() }

func prefixMask(n int) uint32 {
	if n <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - n)
}

// MaskLen converts a dotted netmask to a prefix length; ok is false for a
// non-contiguous mask.
func MaskLen(m netip.Addr) (int, bool) {
	if !m.Is4() {
		return 0, false
	}
	v := be32(m.As4())
	n := 0
	for n < 32 && v&(1<<(31-n)) != 0 {
		n++
	}
	return n, v == prefixMask(n)
}

func (c *config) pool(name string) *pool {
	for _, p := range c.pools {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// errorf builds an error whose text the CLI prints verbatim.
func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// ErrNotFound is returned when a `no` form names a rule that is not configured.
var ErrNotFound = errors.New("%Translation not found")

// AddStatic adds an inside source static rule with the IOS checks.
func (n *NAT) AddStatic(r StaticRule) error {
	if !r.Local.Is4() || (r.Interface == "" && !r.Global.Is4()) {
		return errorf("%% Invalid address")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	same, err := n.cfg.statics.check(&r)
	if err != nil || same != nil {
		return err
	}
	n.cfg.ruleSeq++
	sr := newStaticRule(r, n.cfg.ruleSeq, n.nowNano())
	n.cfg.statics.add(sr)
	n.cfg.refInterface(r.Interface, 1)
	if r.Interface == "" {
		n.globals.add(sr.global)
	}
	n.notePeak(sr.binding.created)
	n.publish()
	return nil
}

// RemoveStatic removes an inside source static rule and the translations
// that go through it.
func (n *NAT) RemoveStatic(r StaticRule) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	o := n.cfg.statics.find(&r)
	if o == nil {
		return ErrNotFound
	}
	n.removeSessionsWhere(func(s *Session) bool { return s.binding == o.binding })
	n.cfg.statics.remove(o)
	n.cfg.refInterface(o.Interface, -1)
	if o.Interface == "" {
		n.globals.remove(o.global)
	}
	n.publish()
	return nil
}

// AddOutsideStatic adds an outside source static rule.
func (n *NAT) AddOutsideStatic(r OutsideStatic) error {
	if !r.Local.Is4() || !r.Global.Is4() {
		return errorf("%% Invalid address")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	same, err := n.cfg.outside.check(&r)
	if err != nil || same {
		return err
	}
	n.cfg.ruleSeq++
	n.cfg.outside.add(&outsideRule{OutsideStatic: r, seq: n.cfg.ruleSeq, global: addr4(r.Global), local: addr4(r.Local)})
	n.notePeak(n.nowNano())
	n.publish()
	return nil
}

// RemoveOutsideStatic removes an outside source static rule and the
// translations that use it.
func (n *NAT) RemoveOutsideStatic(r OutsideStatic) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	o := n.cfg.outside.find(addr4(r.Global), addr4(r.Local))
	if o == nil {
		return ErrNotFound
	}
	g, l := o.global, o.local
	n.removeSessionsWhere(func(s *Session) bool { return s.outGlobal.addr == g && s.outLocal.addr == l && g != l })
	n.cfg.outside.remove(o)
	n.publish()
	return nil
}

// AddPool defines (or redefines) a pool.
func (n *NAT) AddPool(p Pool) error {
	if !p.Start.Is4() || !p.End.Is4() || p.PrefixLen < 1 || p.PrefixLen > 32 {
		return errorf("%% Invalid address")
	}
	s, e := be32(p.Start.As4()), be32(p.End.As4())
	m := prefixMask(p.PrefixLen)
	if s&m != e&m {
		return errorf("%%Start and end addresses on different subnets")
	}
	if e < s {
		return errorf("%%End address less than starting address")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if old := n.cfg.pool(p.Name); old != nil {
		if old.Pool == p {
			return nil
		}
		if n.poolInUse(old) {
			return errorf("%%Pool %s in use, cannot redefine", p.Name)
		}
		old.Pool, old.start, old.end = p, s, e
		n.publish()
		return nil
	}
	n.cfg.pools = append(n.cfg.pools, &pool{Pool: p, start: s, end: e})
	n.publish()
	return nil
}

func (n *NAT) poolInUse(p *pool) bool {
	for _, m := range n.cfg.mappings {
		if m.Pool == p.Name && m.refs > 0 {
			return true
		}
	}
	return false
}

// RemovePool removes a pool that no mapping uses.
func (n *NAT) RemovePool(name string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, p := range n.cfg.pools {
		if p.Name != name {
			continue
		}
		for _, m := range n.cfg.mappings {
			if m.Pool == name {
				return errorf("%%Pool %s in use, cannot destroy", name)
			}
		}
		n.cfg.pools = append(n.cfg.pools[:i], n.cfg.pools[i+1:]...)
		n.publish()
		return nil
	}
	return errorf("%%Pool %s not found", name)
}

// AddMapping adds `ip nat inside source list ...`. A mapping for the same
// list replaces the old one when that one is not in use, as IOS does.
func (n *NAT) AddMapping(m Mapping) error {
	if m.List == "" || (m.Pool == "") == (m.Interface == "") {
		return errorf("%% Incomplete command.")
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, o := range n.cfg.mappings {
		if o.List != m.List {
			continue
		}
		if o.Pool == m.Pool && o.Interface == m.Interface && o.Overload == m.Overload {
			return nil
		}
		if o.refs > 0 {
			return errorf("%%Dynamic mapping in use, cannot change")
		}
		n.cfg.refInterface(o.Interface, -1)
		n.cfg.refInterface(m.Interface, 1)
		o.Pool, o.Interface, o.Overload = m.Pool, m.Interface, m.Overload
		n.publish()
		return nil
	}
	n.cfg.nextMapID++
	n.cfg.ruleSeq++
	m.ID = n.cfg.nextMapID
	n.cfg.mappings = append(n.cfg.mappings, &mapping{Mapping: m, seq: n.cfg.ruleSeq})
	n.cfg.refInterface(m.Interface, 1)
	n.publish()
	return nil
}

// RemoveMapping removes a dynamic mapping that has no active translations.
func (n *NAT) RemoveMapping(m Mapping) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i, o := range n.cfg.mappings {
		if o.List == m.List && o.Pool == m.Pool && o.Interface == m.Interface && o.Overload == m.Overload {
			if o.refs > 0 {
				return errorf("%%Dynamic mapping in use, cannot remove")
			}
			n.cfg.mappings = append(n.cfg.mappings[:i], n.cfg.mappings[i+1:]...)
			n.cfg.refInterface(o.Interface, -1)
			n.publish()
			return nil
		}
	}
	return errorf("%%Dynamic mapping not found")
}

// SetTimeout sets one `ip nat translation` timer by its keyword
// (timeout, tcp-timeout, ...); d < 0 is `never`. reset restores the default.
func (n *NAT) SetTimeout(name string, d time.Duration, reset bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.cfg.timeouts.field(name)
	if p == nil {
		return errorf("%% Unknown timer %s", name)
	}
	if reset {
		d = *DefaultTimeouts.field(name)
	}
	*p = d
	n.publish()
	return nil
}

// SetMaxEntries sets `ip nat translation max-entries` (0 removes the limit).
func (n *NAT) SetMaxEntries(max int) {
	n.mu.Lock()
	n.cfg.timeouts.MaxEntries = max
	n.publish()
	n.mu.Unlock()
}

// Timeouts returns the configured timers.
func (n *NAT) Timeouts() Timeouts {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cfg.timeouts
}
