package nat

import "natlab/packet"

// Making translations: the rules are consulted in IOS precedence (static
// port entries, static address entries, existing bindings, dynamic mappings
// in order) and global ports allocated. Everything here runs under NAT.mu.

// insideOut finds or makes the inside translation of a packet's source.
// It returns a nil binding when no rule translates the source, and Drop
// with its cause when one should but cannot. Caller holds mu.
func (n *NAT) insideOut(p *packet.Parsed, now int64) (*Binding, endpoint, int, Result, dropCause) {
	t := p.Tuple()
	ports := keyed(p)
	if ports {
		if r, g := n.staticFrom(t.Proto, t.Src, t.SrcPort); r != nil {
			return r.binding, endpoint{g, r.GlobalPort}, 0, Created, 0
		}
	}
	if r, g := n.staticFrom(0, t.Src, 0); r != nil {
		return r.binding, endpoint{g, t.SrcPort}, 0, Created, 0
	}
	if b := n.simpleByLocal[t.Src]; b != nil {
		return b, endpoint{b.global.addr, t.SrcPort}, b.mapID, Created, 0
	}
	if ports {
		if b := n.patByLocal[bindKey{t.Src, t.SrcPort, t.Proto}]; b != nil {
			return b, b.global, b.mapID, Created, 0
		}
	}
	m := n.firstMapping(p)
	switch {
	case m == nil:
		return nil, endpoint{}, 0, Pass, 0
	case !m.Overload && m.Pool != "":
		// The binding is an entry, and so is the session that follows.
		b, cause := n.newSimpleBinding(m, p, 2, now)
		if b == nil {
			return nil, endpoint{}, 0, Drop, cause
		}
		return b, endpoint{b.global.addr, t.SrcPort}, m.ID, Created, 0
	case !ports:
		return nil, endpoint{}, 0, Drop, dropPATNoPorts
	}
	b, cause := n.newPATBinding(m, t.Proto, endpoint{t.Src, t.SrcPort}, now)
	if b == nil {
		return nil, endpoint{}, 0, Drop, cause
	}
	return b, b.global, m.ID, Created, 0
}

// firstMapping is the first dynamic mapping whose source list permits the
// packet. Caller holds mu.
func (n *NAT) firstMapping(p *packet.Parsed) *mapping {
	for _, m := range n.cfg.mappings {
		if n.permits(m.List, p) {
			return m
		}
	}
	return nil
}

// permits evaluates a mapping's source list; a missing list matches
// nothing. The list sees a copy of the packet, so that the packet (the
// router's, or a caller's on its stack) never escapes. Caller holds mu.
func (n *NAT) permits(list string, p *packet.Parsed) bool {
	if n.lists == nil {
		return false
	}
	n.listPkt = *p
	ok, found := n.lists.Evaluate(list, &n.listPkt)
	return ok && found
}

// insideIn finds the inside translation for a packet from the outside;
// peer is its source as the inside sees it (outside local). Caller holds
// mu.
func (n *NAT) insideIn(p *packet.Parsed, peer [4]byte, now int64) (*Binding, endpoint) {
	t := p.Tuple()
	ports := keyed(p)
	if ports {
		if r := n.staticTo(t.Proto, t.Dst, t.DstPort); r != nil {
			return r.binding, endpoint{r.local, r.LocalPort}
		}
	}
	if r := n.staticTo(0, t.Dst, 0); r != nil {
		return r.binding, endpoint{r.local, t.DstPort}
	}
	if b := n.simpleByGlobal[t.Dst]; b != nil {
		return b, endpoint{b.local.addr, t.DstPort}
	}
	if ports {
		// A PAT binding accepts inbound flows only while an expectation
		// holds it open (FTP data), from the expected peer.
		b := n.patByGlobal[bindKey{t.Dst, t.DstPort, t.Proto}]
		if b != nil && b.holdTill > now && (b.peer == [4]byte{} || b.peer == peer) {
			return b, b.local
		}
	}
	return nil, endpoint{}
}

// newSession makes the session of a packet that found none: a flow from
// the inside (fromInside) or from the outside. Another packet of the flow
// may have made it meanwhile: then that one is used.
func (n *NAT) newSession(p *packet.Parsed, fromInside bool, now int64) (*Session, Result) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.admitting = nil
	if s := n.index(fromInside).get(p.Tuple()); s != nil {
		n.hits.Add(1)
		return s, Hit
	}
	if !n.snap.Load().active {
		return nil, Pass
	}
	var s *Session
	var res Result
	if fromInside {
		s, res = n.outboundSession(p, now)
	} else {
		s, res = n.inboundSession(p, now)
	}
	if s == nil {
		return nil, res
	}
	if p.IPProto == packet.ProtoTCP {
		s.tcpState.Store(initialTCPState(p.TCPFlags))
	}
	n.misses.Add(1)
	if !n.insert(s, now) {
		return nil, n.dropped(dropNoTranslation, fromInside)
	}
	return s, Created
}

// index is the session index packets from the inside (true) or the
// outside are looked up in.
func (n *NAT) index(fromInside bool) *sessionIndex {
	if fromInside {
		return &n.in
	}
	return &n.out
}

// outboundSession is the translation of a new flow from the inside.
// Caller holds mu.
func (n *NAT) outboundSession(p *packet.Parsed, now int64) (*Session, Result) {
	t := p.Tuple()
	og, outside := n.outsideToGlobal(t.Dst)
	b, ig, mapID, res, cause := n.insideOut(p, now)
	if res == Drop {
		n.misses.Add(1)
		return nil, n.dropped(cause, true)
	}
	if b == nil && !outside {
		return nil, Pass
	}
	if cause, ok := n.roomFor(b, p, t.Src, now); !ok {
		n.misses.Add(1)
		return nil, n.dropped(cause, true)
	}
	if b == nil {
		ig = endpoint{t.Src, t.SrcPort}
	}
	s := sessionOf(p, true, ig, endpoint{og, t.DstPort})
	s.binding, s.mapID = b, mapID
	return s, Created
}

// roomFor makes room for one session of an inside local host that will
// use binding b (nil: none), once the translation is known, so that a
// packet NAT would not translate, or cannot for another cause, evicts
// nothing. b is kept while room evicts (it may be the binding of the
// sessions evicted), and given back when it was made for this packet and
// there is no room. Caller holds mu.
func (n *NAT) roomFor(b *Binding, p *packet.Parsed, host [4]byte, now int64) (dropCause, bool) {
	if !n.limited() {
		return 0, true
	}
	if b != nil {
		b.refs++
	}
	cause, ok := n.room(p, host, 1, now)
	if b != nil {
		b.refs--
		if !ok {
			n.releaseUnused(b, now)
		}
	}
	return cause, ok
}

// releaseUnused gives back a PAT binding no session uses and no
// expectation holds. Caller holds mu.
func (n *NAT) releaseUnused(b *Binding, now int64) {
	if b.refs == 0 && b.kind == bindPAT && b.holdTill <= now {
		n.removeBinding(b)
	}
}

// sessionOf is the session of the flow of packet p, seen from the inside
// (fromInside) or from the outside, that translates it to src -> dst.
func sessionOf(p *packet.Parsed, fromInside bool, src, dst endpoint) *Session {
	t := p.Tuple()
	from, to := endpoint{t.Src, t.SrcPort}, endpoint{t.Dst, t.DstPort}
	if p.IsICMPQuery() {
		// The identifier is the "port" on all four endpoints: the inside
		// global (or local) one's.
		if fromInside {
			dst.port = src.port
		} else {
			src.port = dst.port
		}
	}
	s := &Session{proto: t.Proto, outbound: fromInside}
	if fromInside {
		s.inLocal, s.outLocal, s.inGlobal, s.outGlobal = from, to, src, dst
	} else {
		s.outGlobal, s.inGlobal, s.outLocal, s.inLocal = from, to, src, dst
	}
	return s
}

// inboundSession is the translation of a new flow from the outside.
// Caller holds mu.
func (n *NAT) inboundSession(p *packet.Parsed, now int64) (*Session, Result) {
	t := p.Tuple()
	ol, outside := n.outsideToLocal(t.Src)
	b, il := n.insideIn(p, ol, now)
	if b == nil && !outside {
		return nil, Pass
	}
	if b == nil {
		il = endpoint{t.Dst, t.DstPort}
	}
	if cause, ok := n.roomFor(b, p, il.addr, now); !ok {
		n.misses.Add(1)
		return nil, n.dropped(cause, false)
	}
	s := sessionOf(p, false, endpoint{ol, t.SrcPort}, il)
	s.binding = b
	if b != nil {
		s.mapID = b.mapID
		if b.kind == bindPAT {
			b.holdTill = 0 // an expectation admits one connection
		}
	}
	return s, Created
}

// insert adds a new session to both indexes. Caller holds mu.
func (n *NAT) insert(s *Session, now int64) bool {
	ik, ok := s.inKey(), s.outKey()
	if n.in.get(ik) != nil || n.out.get(ok) != nil {
		// The flow already has a translation the other way (two extendable
		// static entries for one inside host, say): one flow, one
		// translation. A binding made for this packet is given back.
		if b := s.binding; b != nil {
			n.releaseUnused(b, now)
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
	n.hostAdd(s.inLocal.addr, 1)
	n.enqueue(s)
	n.in.put(ik, s)
	n.out.put(ok, s)
	n.notePeak(now)
	return true
}
