package nat

import "net/netip"

// Result says what NAT did with a packet.
type Result uint8

const (
	Pass    Result = iota // nothing to translate: forward unchanged
	Hit                   // translated by an existing translation
	Created               // translated by a translation created for it (an IOS "miss")
	Drop                  // must not be forwarded: no translation could be made (pool exhausted, max-entries, PAT without ports) or malformed
)

// Outbound translates a packet going from an inside interface to an
// outside one (IOS: after routing). b is the whole IPv4 packet; it is
// rewritten in place.
func (n *NAT) Outbound(b []byte) Result {
	var f flow
	if !decode(b, &f) {
		return Drop
	}
	return n.outbound(b, &f, n.nowNano())
}

// Inbound translates a packet that arrived on an outside interface
// (IOS: before routing).
func (n *NAT) Inbound(b []byte) Result {
	var f flow
	if !decode(b, &f) {
		return Drop
	}
	return n.inbound(b, &f, n.nowNano())
}

// Hairpin translates a packet from an inside interface whose destination is
// an inside-global address of this router: the packet is translated as if
// it left through an outside interface and came back in (RFC 4787 REQ-9,
// "external source IP address and port"). It reports Pass when the
// destination is not an inside global.
func (n *NAT) Hairpin(b []byte) Result {
	var f flow
	if !decode(b, &f) {
		return Drop
	}
	return n.hairpin(b, &f, n.nowNano())
}

func (n *NAT) hairpin(b []byte, f *flow, now int64) Result {
	s := n.snap.Load()
	if !s.active || f.kind == kindICMPError {
		return Pass // errors about hairpinned flows are not translated (documented)
	}
	if !n.isGlobal(s, f.dst) {
		// The reply of a hairpinned flow whose client was not translated
		// comes back addressed to the client's own address.
		if n.hairpins.Load() == 0 || (f.kind != kindPorts && f.kind != kindQuery) {
			return Pass
		}
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		if ss := n.in.get(&k); ss == nil || !ss.hairpin.Load() {
			return Pass
		}
		return n.outbound(b, f, now)
	}
	if !n.comesBackIn(f, now) {
		return Pass // e.g. a ping to the router's own outside address
	}
	r1 := n.outbound(b, f, now)
	if r1 == Drop {
		return Drop
	}
	r2 := n.inbound(b, f, now)
	if r2 == Drop {
		return Drop
	}
	if r2 == Pass {
		return r1
	}
	if k := (Key{f.dst, f.src, f.dport, f.sport, f.proto}); f.kind == kindPorts || f.kind == kindQuery {
		// The session that made the inbound half is marked, for show.
		if ss := n.in.get(&k); ss != nil && !ss.hairpin.Swap(true) {
			n.hairpins.Add(1)
		}
	}
	if r1 == Created || r2 == Created {
		return Created
	}
	return Hit
}

// comesBackIn reports whether a packet from the inside to an inside-global
// address would be translated back in: an existing hairpinned flow, or a
// static or dynamic mapping of its destination. Only then is its source
// translated; otherwise it goes on untouched (to the router itself, say).
func (n *NAT) comesBackIn(f *flow, now int64) bool {
	if f.kind == kindPorts || f.kind == kindQuery {
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		if s := n.in.get(&k); s != nil {
			post := Key{s.inGlobal.addr, s.outGlobal.addr, s.inGlobal.port, s.outGlobal.port, s.proto}
			if n.out.get(&post) != nil {
				return true
			}
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	b, _ := n.insideIn(f, now)
	return b != nil
}

func (n *NAT) outbound(b []byte, f *flow, now int64) Result {
	switch f.kind {
	case kindPorts, kindQuery:
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		s := n.in.get(&k)
		res := Hit
		if s == nil {
			s, res = n.newOutbound(f, now)
			if s == nil {
				return res
			}
		} else {
			n.hits.Add(1)
		}
		pre := fragKey{f.src, f.dst, f.ipid, f.proto}
		rewriteHeaders(b, f, s.inGlobal.addr, s.inGlobal.port, s.outGlobal.addr, s.outGlobal.port)
		n.touch(s, f, true, now)
		if f.first {
			n.frags.add(pre, f.src, f.dst, now)
		}
		return res
	case kindICMPError:
		return n.icmpErrorOut(b, f)
	case kindLaterFrag:
		if src, dst, ok := n.frags.get(fragKey{f.src, f.dst, f.ipid, f.proto}, now); ok {
			rewriteHeaders(b, f, src, 0, dst, 0)
			n.hits.Add(1)
			return Hit
		}
		return n.addrOnlyOut(b, f, now)
	default:
		return n.addrOnlyOut(b, f, now)
	}
}

func (n *NAT) inbound(b []byte, f *flow, now int64) Result {
	switch f.kind {
	case kindPorts, kindQuery:
		k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
		s := n.out.get(&k)
		res := Hit
		if s == nil {
			s, res = n.newInbound(f, now)
			if s == nil {
				return res
			}
		} else {
			n.hits.Add(1)
		}
		pre := fragKey{f.src, f.dst, f.ipid, f.proto}
		rewriteHeaders(b, f, s.outLocal.addr, s.outLocal.port, s.inLocal.addr, s.inLocal.port)
		n.touch(s, f, false, now)
		if f.first {
			n.frags.add(pre, f.src, f.dst, now)
		}
		return res
	case kindICMPError:
		return n.icmpErrorIn(b, f)
	case kindLaterFrag:
		if src, dst, ok := n.frags.get(fragKey{f.src, f.dst, f.ipid, f.proto}, now); ok {
			rewriteHeaders(b, f, src, 0, dst, 0)
			n.hits.Add(1)
			return Hit
		}
		return n.addrOnlyIn(b, f, now)
	default:
		return n.addrOnlyIn(b, f, now)
	}
}

// touch refreshes a session's timer and follows the TCP state.
func (n *NAT) touch(s *Session, f *flow, fromInside bool, now int64) {
	if s.lastUsed.Load() != now {
		s.lastUsed.Store(now)
	}
	if f.proto == ProtoTCP && f.kind == kindPorts {
		st := s.tcpState.Load()
		if nst := nextTCPState(st, f.tcpFlags, fromInside == s.outbound); nst != st {
			s.tcpState.CompareAndSwap(st, nst)
		}
	}
}

func (f *flow) aclFlow() Flow {
	return Flow{
		Proto:    f.proto,
		Src:      addrFrom(f.src),
		Dst:      addrFrom(f.dst),
		SrcPort:  f.sport,
		DstPort:  f.dport,
		ICMPType: f.icmpType,
		TCPFlags: f.tcpFlags,
		Fragment: f.kind == kindLaterFrag,
	}
}

// permits evaluates a mapping's source list; a missing list matches nothing.
func (n *NAT) permits(list string, f *flow) bool {
	if n.lists == nil {
		return false
	}
	af := f.aclFlow()
	ok, found := n.lists.Evaluate(list, &af)
	return ok && found
}

// staticGlobal is the current global address of a static rule.
func (n *NAT) staticGlobal(r *staticRule) (uint32, bool) {
	if r.Interface != "" {
		a := n.ifAddr(r.Interface)
		if !a.Is4() {
			return 0, false
		}
		return addr4(a), true
	}
	return addr4(r.Global), true
}

// insideOut finds or makes the inside translation of a flow's source.
// It returns a nil binding when no rule translates the source, and
// Drop when one should but cannot. Caller holds mu.
func (n *NAT) insideOut(f *flow, now int64) (*Binding, endpoint, int, Result) {
	src := f.src
	ports := f.kind == kindPorts || f.kind == kindQuery
	for _, r := range n.cfg.statics {
		if r.Proto != 0 && ports && r.Proto == f.proto && addr4(r.Local) == src && r.LocalPort == f.sport {
			if g, ok := n.staticGlobal(r); ok {
				return r.binding, endpoint{g, r.GlobalPort}, 0, Created
			}
		}
	}
	for _, r := range n.cfg.statics {
		if r.Proto == 0 && addr4(r.Local) == src {
			if g, ok := n.staticGlobal(r); ok {
				return r.binding, endpoint{g, f.sport}, 0, Created
			}
		}
	}
	if b := n.simpleByLocal[src]; b != nil {
		return b, endpoint{b.global.addr, f.sport}, b.mapID, Created
	}
	if ports {
		if b := n.patByLocal[bindKey{src, f.sport, f.proto}]; b != nil {
			return b, b.global, b.mapID, Created
		}
	}
	for _, m := range n.cfg.mappings {
		if !n.permits(m.List, f) {
			continue
		}
		if !m.Overload && m.Pool != "" {
			b := n.newSimpleBinding(m, src, now)
			if b == nil {
				return nil, endpoint{}, 0, Drop
			}
			return b, endpoint{b.global.addr, f.sport}, m.ID, Created
		}
		if !ports {
			return nil, endpoint{}, 0, Drop // PAT cannot carry a flow without ports
		}
		b := n.newPATBinding(m, f.proto, endpoint{src, f.sport}, now)
		if b == nil {
			return nil, endpoint{}, 0, Drop
		}
		return b, b.global, m.ID, Created
	}
	return nil, endpoint{}, 0, Pass
}

// insideIn finds the inside translation for a packet from the outside to
// dst:dport. Caller holds mu.
func (n *NAT) insideIn(f *flow, now int64) (*Binding, endpoint) {
	dst := f.dst
	ports := f.kind == kindPorts || f.kind == kindQuery
	if ports {
		for _, r := range n.cfg.statics {
			if r.Proto == f.proto && r.GlobalPort == f.dport {
				if g, ok := n.staticGlobal(r); ok && g == dst {
					return r.binding, endpoint{addr4(r.Local), r.LocalPort}
				}
			}
		}
	}
	for _, r := range n.cfg.statics {
		if r.Proto == 0 {
			if g, ok := n.staticGlobal(r); ok && g == dst {
				return r.binding, endpoint{addr4(r.Local), f.dport}
			}
		}
	}
	if b := n.simpleByGlobal[dst]; b != nil {
		return b, endpoint{b.local.addr, f.dport}
	}
	if ports {
		// A PAT binding accepts inbound flows only while an expectation
		// holds it open (FTP data), from the expected peer.
		if b := n.patByGlobal[bindKey{dst, f.dport, f.proto}]; b != nil && b.holdTill > now && (b.peer == 0 || b.peer == f.src) {
			return b, b.local
		}
	}
	return nil, endpoint{}
}

func (n *NAT) outsideByLocal(a uint32) (uint32, bool) {
	for _, r := range n.cfg.outside {
		if r.local == a {
			return r.global, true
		}
	}
	return a, false
}

func (n *NAT) outsideByGlobal(a uint32) (uint32, bool) {
	for _, r := range n.cfg.outside {
		if r.global == a {
			return r.local, true
		}
	}
	return a, false
}

// full reports whether max-entries forbids another dynamic entry.
func (n *NAT) full() bool {
	m := n.cfg.timeouts.MaxEntries
	return m > 0 && n.sessions >= m
}

func (n *NAT) newOutbound(f *flow, now int64) (*Session, Result) {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
	if s := n.in.get(&k); s != nil {
		n.hits.Add(1)
		return s, Hit
	}
	if !n.snap.Load().active {
		return nil, Pass
	}
	og, outside := n.outsideByLocal(f.dst)
	if n.full() {
		if n.wouldTranslateOut(f) || outside {
			n.misses.Add(1)
			return nil, Drop
		}
		return nil, Pass
	}
	b, ig, mapID, res := n.insideOut(f, now)
	if res == Drop {
		n.misses.Add(1)
		return nil, Drop
	}
	if b == nil && !outside {
		return nil, Pass
	}
	if b == nil {
		ig = endpoint{f.src, f.sport}
	}
	s := &Session{
		proto:     f.proto,
		outbound:  true,
		inLocal:   endpoint{f.src, f.sport},
		inGlobal:  ig,
		outLocal:  endpoint{f.dst, f.dport},
		outGlobal: endpoint{og, f.dport},
		binding:   b,
		mapID:     mapID,
	}
	if f.kind == kindQuery {
		s.outGlobal.port = ig.port // the identifier is the "port" on all four
	}
	if f.proto == ProtoTCP {
		s.tcpState.Store(initialTCPState(f.tcpFlags))
	}
	n.insert(s, now)
	n.misses.Add(1)
	return s, Created
}

// wouldTranslateOut is true when some rule would translate the source.
func (n *NAT) wouldTranslateOut(f *flow) bool {
	for _, r := range n.cfg.statics {
		if addr4(r.Local) == f.src {
			return true
		}
	}
	if n.simpleByLocal[f.src] != nil {
		return true
	}
	for _, m := range n.cfg.mappings {
		if n.permits(m.List, f) {
			return true
		}
	}
	return false
}

func (n *NAT) newInbound(f *flow, now int64) (*Session, Result) {
	// Most unsolicited packets (to the router itself, scans) are for no
	// global address: answer them without the lock.
	if sn := n.snap.Load(); !sn.active || (!sn.outside && !n.isGlobal(sn, f.dst)) {
		return nil, Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	k := Key{f.src, f.dst, f.sport, f.dport, f.proto}
	if s := n.out.get(&k); s != nil {
		n.hits.Add(1)
		return s, Hit
	}
	if !n.snap.Load().active {
		return nil, Pass
	}
	b, il := n.insideIn(f, now)
	ol, outside := n.outsideByGlobal(f.src)
	if b == nil && !outside {
		return nil, Pass
	}
	if n.full() {
		n.misses.Add(1)
		return nil, Drop
	}
	if b == nil {
		il = endpoint{f.dst, f.dport}
	}
	s := &Session{
		proto:     f.proto,
		inLocal:   il,
		inGlobal:  endpoint{f.dst, f.dport},
		outLocal:  endpoint{ol, f.sport},
		outGlobal: endpoint{f.src, f.sport},
		binding:   b,
	}
	if b != nil {
		s.mapID = b.mapID
		if b.kind == bindPAT {
			b.holdTill = 0 // an expectation admits one connection
		}
	}
	if f.kind == kindQuery {
		s.outLocal.port = il.port
	}
	if f.proto == ProtoTCP {
		s.tcpState.Store(initialTCPState(f.tcpFlags))
	}
	n.insert(s, now)
	n.misses.Add(1)
	return s, Created
}

// insert adds a new session to both indexes. Caller holds mu.
func (n *NAT) insert(s *Session, now int64) {
	n.seq++
	s.seq = n.seq
	s.created = now
	s.lastUsed.Store(now)
	if s.binding != nil {
		s.binding.refs++
		s.binding.lastUsed.Store(now)
	}
	if s.mapID != 0 {
		n.mapRef(s.mapID, 1)
	}
	n.sessions++
	n.in.put(s.inKey(), s)
	n.out.put(s.outKey(), s)
	n.notePeak(now)
}

// newSimpleBinding takes the lowest free address of a pool for local.
// Caller holds mu.
func (n *NAT) newSimpleBinding(m *mapping, local uint32, now int64) *Binding {
	p := n.cfg.pool(m.Pool)
	if p == nil {
		return nil
	}
	if n.full() {
		return nil
	}
	for a := p.start; a <= p.end && a >= p.start; a++ {
		if n.simpleByGlobal[a] != nil || n.ports[allocKey{a, ProtoTCP}] != nil ||
			n.ports[allocKey{a, ProtoUDP}] != nil || n.ports[allocKey{a, ProtoICMP}] != nil || n.staticUses(a) {
			continue
		}
		n.seq++
		b := &Binding{kind: bindSimple, local: endpoint{local, 0}, global: endpoint{a, 0}, mapID: m.ID, created: now, seq: n.seq}
		b.lastUsed.Store(now)
		n.simpleByLocal[local] = b
		n.simpleByGlobal[a] = b
		n.sessions++
		n.mapRef(m.ID, 1)
		n.notePeak(now)
		return b
	}
	p.misses++
	return nil
}

func (n *NAT) staticUses(a uint32) bool {
	for _, r := range n.cfg.statics {
		if g, ok := n.staticGlobal(r); ok && g == a {
			return true
		}
	}
	return false
}

// reservedByStatic reports whether a static port rule owns proto/addr/port.
func (n *NAT) reservedByStatic(proto uint8, addr uint32, port uint16) bool {
	for _, r := range n.cfg.statics {
		if r.Proto == proto && r.GlobalPort == port {
			if g, ok := n.staticGlobal(r); ok && g == addr {
				return true
			}
		}
	}
	return false
}

// allocPort reserves a global port on addr: want itself when free (port
// preservation), else the lowest free port of want's range class.
// Caller holds mu.
func (n *NAT) allocPort(proto uint8, addr uint32, want uint16) (uint16, bool) {
	ak := allocKey{addr, proto}
	ps := n.ports[ak]
	if ps == nil {
		ps = new(portSet)
		n.ports[ak] = ps
	}
	reserved := func(p uint16) bool { return n.reservedByStatic(proto, addr, p) }
	if !ps.has(want) && !reserved(want) {
		ps.add(want)
		return want, true
	}
	lo, hi := portClass(want)
	if lo == 0 && proto != ProtoICMP {
		lo = 1 // port 0 is not a TCP or UDP port; it is an ICMP identifier
	}
	p, ok := ps.lowestFree(lo, hi, reserved)
	if !ok {
		if ps.used == 0 {
			delete(n.ports, ak)
		}
		return 0, false
	}
	ps.add(p)
	return p, true
}

// newPATBinding maps local to an address and port of the mapping's pool or
// interface. Caller holds mu.
func (n *NAT) newPATBinding(m *mapping, proto uint8, local endpoint, now int64) *Binding {
	var p *pool
	var lo, hi uint32
	if m.Interface != "" {
		a := n.ifAddr(m.Interface)
		if !a.Is4() {
			return nil
		}
		lo, hi = addr4(a), addr4(a)
	} else {
		if p = n.cfg.pool(m.Pool); p == nil {
			return nil
		}
		lo, hi = p.start, p.end
	}
	for a := lo; a <= hi && a >= lo; a++ {
		if n.simpleByGlobal[a] != nil {
			continue
		}
		port, ok := n.allocPort(proto, a, local.port)
		if !ok {
			continue
		}
		n.seq++
		b := &Binding{kind: bindPAT, proto: proto, local: local, global: endpoint{a, port}, mapID: m.ID, created: now, seq: n.seq}
		b.lastUsed.Store(now)
		n.patByLocal[bindKey{local.addr, local.port, proto}] = b
		n.patByGlobal[bindKey{a, port, proto}] = b
		return b
	}
	if p != nil {
		p.misses++
	}
	return nil
}

// addrOnlyOut translates only addresses: protocols without ports,
// ICMP types that are neither queries nor errors, later fragments whose
// first fragment was not seen.
func (n *NAT) addrOnlyOut(b []byte, f *flow, now int64) Result {
	if !n.snap.Load().active {
		return Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	src := f.src
	var bind *Binding
	res := Hit
	for _, r := range n.cfg.statics {
		if r.Proto == 0 && addr4(r.Local) == f.src {
			if g, ok := n.staticGlobal(r); ok {
				src, bind = g, r.binding
			}
			break
		}
	}
	if bind == nil {
		if bb := n.simpleByLocal[f.src]; bb != nil {
			src, bind = bb.global.addr, bb
		}
	}
	if bind == nil {
		for _, m := range n.cfg.mappings {
			if !n.permits(m.List, f) {
				continue
			}
			n.misses.Add(1)
			if m.Overload || m.Pool == "" {
				return Drop // would leak the inside address
			}
			bb := n.newSimpleBinding(m, f.src, now)
			if bb == nil {
				return Drop
			}
			src, bind, res = bb.global.addr, bb, Created
			break
		}
	}
	dst, outside := n.outsideByLocal(f.dst)
	if bind == nil && !outside {
		return Pass
	}
	if bind != nil {
		bind.lastUsed.Store(now)
	}
	if res == Hit {
		n.hits.Add(1)
	}
	rewriteHeaders(b, f, src, f.sport, dst, f.dport)
	return res
}

func (n *NAT) addrOnlyIn(b []byte, f *flow, now int64) Result {
	if sn := n.snap.Load(); !sn.active || (!sn.outside && !n.isGlobal(sn, f.dst)) {
		return Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	dst := f.dst
	var bind *Binding
	for _, r := range n.cfg.statics {
		if r.Proto == 0 {
			if g, ok := n.staticGlobal(r); ok && g == f.dst {
				dst, bind = addr4(r.Local), r.binding
				break
			}
		}
	}
	if bind == nil {
		if bb := n.simpleByGlobal[f.dst]; bb != nil {
			dst, bind = bb.local.addr, bb
		}
	}
	src, outside := n.outsideByGlobal(f.src)
	if bind == nil && !outside {
		return Pass
	}
	if bind != nil {
		bind.lastUsed.Store(now)
	}
	n.hits.Add(1)
	rewriteHeaders(b, f, src, f.sport, dst, f.dport)
	return Hit
}

// AddrPort helpers for the exported API.
func endpointOf(ap netip.AddrPort) endpoint { return endpoint{addr4(ap.Addr()), ap.Port()} }
func (e endpoint) addrPort() netip.AddrPort { return netip.AddrPortFrom(addrFrom(e.addr), e.port) }
