package nat

// Making translations: the rules are consulted in IOS precedence (static
// port entries, static address entries, existing bindings, dynamic mappings
// in order) and global ports allocated. Everything here runs under NAT.mu.

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
// dst:dport; peer is its source as the inside sees it (outside local).
// Caller holds mu.
func (n *NAT) insideIn(f *flow, peer uint32, now int64) (*Binding, endpoint) {
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
		if b := n.patByGlobal[bindKey{dst, f.dport, f.proto}]; b != nil && b.holdTill > now && (b.peer == 0 || b.peer == peer) {
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
	n.misses.Add(1)
	if !n.insert(s, now) {
		return nil, Drop
	}
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
	ol, outside := n.outsideByGlobal(f.src)
	b, il := n.insideIn(f, ol, now)
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
	n.misses.Add(1)
	if !n.insert(s, now) {
		return nil, Drop
	}
	return s, Created
}

// insert adds a new session to both indexes. Caller holds mu.
func (n *NAT) insert(s *Session, now int64) bool {
	ik, ok := s.inKey(), s.outKey()
	if n.in.get(&ik) != nil || n.out.get(&ok) != nil {
		// The flow already has a translation the other way (two extendable
		// static entries for one inside host, say): one flow, one
		// translation. A binding made for this packet is given back.
		if b := s.binding; b != nil && b.refs == 0 && b.kind == bindPAT && b.holdTill <= now {
			n.removeBinding(b)
		}
		return false
	}
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
	n.in.put(ik, s)
	n.out.put(ok, s)
	n.notePeak(now)
	return true
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
		if n.simpleByGlobal[a] != nil || (p != nil && n.staticUses(a)) {
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
