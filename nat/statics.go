package nat

import (
	"slices"

	"natlab/packet"
)

// The static rules are kept in configuration order, which IOS applies
// (the oldest matching rule wins), and indexed for the lookups that
// translations and configuration checks make, so that neither a new
// translation nor a new rule walks thousands of rules.

// ordered is a multimap whose values keep insertion order: the first value
// of a key is the oldest rule.
type ordered[K comparable, V comparable] map[K][]V

func (m ordered[K, V]) add(k K, v V) { m[k] = append(m[k], v) }

func (m ordered[K, V]) remove(k K, v V) {
	l := m[k]
	if i := slices.Index(l, v); i >= 0 {
		l = slices.Delete(l, i, i+1)
	}
	if len(l) == 0 {
		delete(m, k)
	} else {
		m[k] = l
	}
}

type staticRule struct {
	StaticRule
	seq     uint64
	local   [4]byte
	global  [4]byte  // when Interface is empty
	binding *Binding // refs counts the sessions through the rule
}

func newStaticRule(r StaticRule, seq uint64, now int64) *staticRule {
	sr := &staticRule{StaticRule: r, seq: seq, local: addr4(r.Local)}
	if r.Interface == "" {
		sr.global = addr4(r.Global)
	}
	sr.binding = &Binding{kind: bindStatic, proto: r.Proto, static: sr, created: now,
		local: endpoint{sr.local, r.LocalPort}}
	return sr
}

func (s *StaticRule) same(o *StaticRule) bool {
	return s.Proto == o.Proto && s.Local == o.Local && s.LocalPort == o.LocalPort &&
		s.Global == o.Global && s.GlobalPort == o.GlobalPort && s.Interface == o.Interface
}

func (s *StaticRule) globalText() string {
	if s.Interface != "" {
		return s.Interface
	}
	return s.Global.String()
}

func (s *StaticRule) localKey() bindKey {
	return bindKey{addr4(s.Local), s.LocalPort, s.Proto}
}

// globalSide names a rule's global side as configured: a fixed address
// or an interface, a port and a protocol.
type globalSide struct {
	iface string
	bindKey
}

func (s *StaticRule) globalSide() globalSide {
	g := globalSide{iface: s.Interface, bindKey: bindKey{port: s.GlobalPort, proto: s.Proto}}
	if s.Interface == "" {
		g.addr = addr4(s.Global)
	}
	return g
}

// staticTable is the inside source static rules.
type staticTable struct {
	rules    []*staticRule // configuration order
	byLocal  ordered[bindKey, *staticRule]
	bySide   ordered[globalSide, *staticRule]
	byGlobal ordered[bindKey, *staticRule] // rules with a fixed global address
	onIf     []*staticRule                 // rules whose global address is an interface's
	locals   map[[4]byte]int               // rules per local address, any protocol
}

func (t *staticTable) init() {
	t.byLocal = make(ordered[bindKey, *staticRule])
	t.bySide = make(ordered[globalSide, *staticRule])
	t.byGlobal = make(ordered[bindKey, *staticRule])
	t.locals = make(map[[4]byte]int)
}

func (t *staticTable) add(r *staticRule) {
	t.rules = append(t.rules, r)
	t.byLocal.add(r.localKey(), r)
	t.bySide.add(r.globalSide(), r)
	if r.Interface != "" {
		t.onIf = append(t.onIf, r)
	} else {
		t.byGlobal.add(bindKey{r.global, r.GlobalPort, r.Proto}, r)
	}
	t.locals[r.local]++
}

func (t *staticTable) remove(r *staticRule) {
	t.rules = slices.DeleteFunc(t.rules, func(o *staticRule) bool { return o == r })
	t.byLocal.remove(r.localKey(), r)
	t.bySide.remove(r.globalSide(), r)
	if r.Interface != "" {
		t.onIf = slices.DeleteFunc(t.onIf, func(o *staticRule) bool { return o == r })
	} else {
		t.byGlobal.remove(bindKey{r.global, r.GlobalPort, r.Proto}, r)
	}
	if t.locals[r.local]--; t.locals[r.local] <= 0 {
		delete(t.locals, r.local)
	}
}

// find returns the configured rule identical to r, or nil.
func (t *staticTable) find(r *StaticRule) *staticRule {
	for _, o := range t.byLocal[r.localKey()] {
		if o.same(r) {
			return o
		}
	}
	return nil
}

// check applies the IOS rules to a new static entry r. An identical entry
// is returned (r's extendable added to it). Unless r is extendable, its
// local endpoint and its global side must not be another entry's; the
// oldest entry that shares either decides, as IOS walks its list.
func (t *staticTable) check(r *StaticRule) (*staticRule, error) {
	if r.Extendable {
		if o := t.find(r); o != nil {
			o.Extendable = true
			return o, nil
		}
		return nil, nil
	}
	var first *staticRule
	local := false
	if l := t.byLocal[r.localKey()]; len(l) > 0 {
		first, local = l[0], true
	}
	if l := t.bySide[r.globalSide()]; len(l) > 0 && (first == nil || l[0].seq < first.seq) {
		first, local = l[0], false
	}
	switch {
	case first == nil:
		return nil, nil
	case first.same(r):
		return first, nil
	case local:
		return nil, errorf("%% %s already mapped (%s -> %s)", r.Local, first.Local, first.globalText())
	default:
		return nil, errorf("%% similar static entry (%s -> %s) already exists", r.Local, r.globalText())
	}
}

// staticGlobal is the current global address of a static rule. Caller
// holds mu.
func (n *NAT) staticGlobal(r *staticRule) ([4]byte, bool) {
	if r.Interface != "" {
		return n.interfaceAddr(r.Interface)
	}
	return r.global, true
}

// staticFrom is the oldest static rule for the inside local endpoint
// (proto 0 and port 0: the address rules) that has a global address now,
// and that address. Caller holds mu.
func (n *NAT) staticFrom(proto packet.Proto, local [4]byte, port uint16) (*staticRule, [4]byte) {
	for _, r := range n.cfg.statics.byLocal[bindKey{local, port, proto}] {
		if g, ok := n.staticGlobal(r); ok {
			return r, g
		}
	}
	return nil, [4]byte{}
}

// staticTo is the oldest static rule whose global endpoint is global:port
// now (proto 0 and port 0: the address rules). Caller holds mu.
func (n *NAT) staticTo(proto packet.Proto, global [4]byte, port uint16) *staticRule {
	var first *staticRule
	if l := n.cfg.statics.byGlobal[bindKey{global, port, proto}]; len(l) > 0 {
		first = l[0]
	}
	for _, r := range n.cfg.statics.onIf {
		if first != nil && r.seq > first.seq {
			break
		}
		if r.Proto != proto || r.GlobalPort != port {
			continue
		}
		if g, ok := n.interfaceAddr(r.Interface); ok && g == global {
			return r
		}
	}
	return first
}

// staticUses reports whether a static rule of any protocol has the
// global address a now. Caller holds mu.
func (n *NAT) staticUses(a [4]byte) bool {
	if n.globals.has(a) {
		return true
	}
	for _, r := range n.cfg.statics.onIf {
		if g, ok := n.interfaceAddr(r.Interface); ok && g == a {
			return true
		}
	}
	return false
}

// addressGlobal is the address-only translation of an inside address: a
// static rule, or a dynamic pool binding, and the binding that makes it;
// the address itself when none does. Caller holds mu.
func (n *NAT) addressGlobal(local [4]byte) ([4]byte, *Binding, bool) {
	if r, g := n.staticFrom(0, local, 0); r != nil {
		return g, r.binding, true
	}
	if b := n.simpleByLocal[local]; b != nil {
		return b.global.addr, b, true
	}
	return local, nil, false
}

// addressLocal is the reverse of addressGlobal. Caller holds mu.
func (n *NAT) addressLocal(global [4]byte) ([4]byte, *Binding, bool) {
	if r := n.staticTo(0, global, 0); r != nil {
		return r.local, r.binding, true
	}
	if b := n.simpleByGlobal[global]; b != nil {
		return b.local.addr, b, true
	}
	return global, nil, false
}

// outsideRule is one outside source static rule.
type outsideRule struct {
	OutsideStatic
	seq           uint64
	global, local [4]byte
}

// outsideTable is the outside source static rules, in configuration
// order and by either address.
type outsideTable struct {
	rules    []*outsideRule
	byGlobal ordered[[4]byte, *outsideRule]
	byLocal  ordered[[4]byte, *outsideRule]
}

func (t *outsideTable) init() {
	t.byGlobal = make(ordered[[4]byte, *outsideRule])
	t.byLocal = make(ordered[[4]byte, *outsideRule])
}

func (t *outsideTable) add(r *outsideRule) {
	t.rules = append(t.rules, r)
	t.byGlobal.add(r.global, r)
	t.byLocal.add(r.local, r)
}

func (t *outsideTable) remove(r *outsideRule) {
	t.rules = slices.DeleteFunc(t.rules, func(o *outsideRule) bool { return o == r })
	t.byGlobal.remove(r.global, r)
	t.byLocal.remove(r.local, r)
}

func (t *outsideTable) find(global, local [4]byte) *outsideRule {
	for _, o := range t.byGlobal[global] {
		if o.local == local {
			return o
		}
	}
	return nil
}

// check applies the IOS rules to a new outside entry r: an identical one
// may already be there (same); unless r is extendable, its global and
// local addresses must not be another entry's. The oldest entry that
// shares either decides, as IOS walks its list.
func (t *outsideTable) check(r *OutsideStatic) (same bool, err error) {
	g, l := addr4(r.Global), addr4(r.Local)
	if r.Extendable {
		return t.find(g, l) != nil, nil
	}
	var first *outsideRule
	if og := t.byGlobal[g]; len(og) > 0 {
		first = og[0]
	}
	if ol := t.byLocal[l]; len(ol) > 0 && (first == nil || ol[0].seq < first.seq) {
		first = ol[0]
	}
	switch {
	case first == nil:
		return false, nil
	case first.global == g && first.local == l:
		return true, nil
	case first.global == g:
		return false, errorf("%% %s already mapped (%s -> %s)", r.Global, first.Global, first.Local)
	default:
		return false, errorf("%% similar static entry (%s -> %s) already exists", r.Global, r.Local)
	}
}

// outsideToGlobal translates an outside local address to its outside
// global address (itself when no rule applies). Caller holds mu.
func (n *NAT) outsideToGlobal(a [4]byte) ([4]byte, bool) {
	if l := n.cfg.outside.byLocal[a]; len(l) > 0 {
		return l[0].global, true
	}
	return a, false
}

// outsideToLocal translates an outside global address to its outside
// local address (itself when no rule applies). Caller holds mu.
func (n *NAT) outsideToLocal(a [4]byte) ([4]byte, bool) {
	if l := n.cfg.outside.byGlobal[a]; len(l) > 0 {
		return l[0].local, true
	}
	return a, false
}
