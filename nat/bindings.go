package nat

import "natlab/packet"

// Dynamic bindings: the inside-global address (pool NAT) or address and
// port (PAT) an inside host or endpoint gets, shared by its sessions.
// Everything here runs under NAT.mu.

// newSimpleBinding takes the lowest free address of a pool for the
// packet's source. The binding is an entry of the table and of its host;
// need is the number of entries the translation adds with it (2 when a
// session follows), for which room is made first.
func (n *NAT) newSimpleBinding(m *mapping, p *packet.Parsed, need int, now int64) (*Binding, dropCause) {
	pl := n.cfg.pool(m.Pool)
	if pl == nil {
		return nil, dropNoTranslation
	}
	g, ok := n.freePoolAddress(pl)
	if !ok {
		pl.misses++
		return nil, dropPoolExhausted
	}
	local := p.Src.As4()
	if n.limited() {
		// Evicting only frees entries: the address stays free.
		if cause, ok := n.room(p, local, need, now); !ok {
			return nil, cause
		}
	}
	n.seq++
	b := &Binding{kind: bindSimple, local: endpoint{local, 0}, global: endpoint{g, 0}, mapID: m.ID, created: now, seq: n.seq}
	b.lastUsed.Store(now)
	n.simpleByLocal[local] = b
	n.simpleByGlobal[g] = b
	n.sessions++
	n.hostAdd(local, 1)
	n.mapRef(m.ID, 1)
	n.notePeak(now)
	return b, 0
}

// freePoolAddress is the lowest address of a pool nothing uses.
func (n *NAT) freePoolAddress(pl *pool) ([4]byte, bool) {
	for a := pl.start; a <= pl.end && a >= pl.start; a++ {
		if g := from32(a); !n.addressTaken(g) && !n.staticUses(g) {
			return g, true
		}
	}
	return [4]byte{}, false
}

// addressTaken reports whether a pool address is bound: to one host, or
// to PAT bindings of any protocol.
func (n *NAT) addressTaken(a [4]byte) bool {
	return n.simpleByGlobal[a] != nil || n.ports[allocKey{a, packet.ProtoTCP}] != nil ||
		n.ports[allocKey{a, packet.ProtoUDP}] != nil || n.ports[allocKey{a, packet.ProtoICMP}] != nil
}

// newPATBinding maps local to an address and port of the mapping's pool or
// interface.
func (n *NAT) newPATBinding(m *mapping, proto packet.Proto, local endpoint, now int64) (*Binding, dropCause) {
	var p *pool
	var lo, hi uint32
	if m.Interface != "" {
		a, ok := n.interfaceAddr(m.Interface)
		if !ok {
			return nil, dropNoTranslation
		}
		lo, hi = be32(a), be32(a)
	} else {
		if p = n.cfg.pool(m.Pool); p == nil {
			return nil, dropNoTranslation
		}
		lo, hi = p.start, p.end
	}
	for a := lo; a <= hi && a >= lo; a++ {
		g := from32(a)
		if n.simpleByGlobal[g] != nil || (p != nil && n.staticUses(g)) {
			continue
		}
		port, ok := n.allocPort(proto, g, local.port)
		if !ok {
			continue
		}
		return n.addPATBinding(proto, local, endpoint{g, port}, m.ID, now), 0
	}
	if p != nil {
		p.misses++
	}
	return nil, dropPoolExhausted
}

// addPATBinding records a PAT binding whose global port is allocated.
func (n *NAT) addPATBinding(proto packet.Proto, local, global endpoint, mapID int, now int64) *Binding {
	n.seq++
	b := &Binding{kind: bindPAT, proto: proto, local: local, global: global, mapID: mapID, created: now, seq: n.seq}
	b.lastUsed.Store(now)
	n.patByLocal[bindKey{local.addr, local.port, proto}] = b
	n.patByGlobal[bindKey{global.addr, global.port, proto}] = b
	return b
}

// patAddress is the only global address an overload mapping can give: its
// interface's, or that of a one-address pool.
func (n *NAT) patAddress(m *mapping) ([4]byte, bool) {
	if m.Interface != "" {
		return n.interfaceAddr(m.Interface)
	}
	if p := n.cfg.pool(m.Pool); p != nil && p.start == p.end {
		return from32(p.start), true
	}
	return [4]byte{}, false
}

// allocPort reserves a global port on addr: want itself when free (port
// preservation), else the lowest free port of want's range class.
func (n *NAT) allocPort(proto packet.Proto, addr [4]byte, want uint16) (uint16, bool) {
	ak := allocKey{addr, proto}
	ps := n.ports[ak]
	if ps == nil {
		ps = new(portSet)
		n.ports[ak] = ps
	}
	// A static port rule owns its global port.
	reserved := func(p uint16) bool { return n.staticTo(proto, addr, p) != nil }
	if !ps.has(want) && !reserved(want) {
		ps.add(want)
		return want, true
	}
	lo, hi := portClass(want)
	if lo == 0 && proto != packet.ProtoICMP {
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

func (n *NAT) releasePort(proto packet.Proto, addr [4]byte, port uint16) {
	ak := allocKey{addr, proto}
	if ps := n.ports[ak]; ps != nil {
		ps.remove(port)
		if ps.used == 0 {
			delete(n.ports, ak)
		}
	}
}

// removeBinding forgets a dynamic binding and frees its global port or
// address. Caller has removed its sessions.
func (n *NAT) removeBinding(b *Binding) {
	switch b.kind {
	case bindPAT:
		lk := bindKey{b.local.addr, b.local.port, b.proto}
		gk := bindKey{b.global.addr, b.global.port, b.proto}
		if n.patByLocal[lk] == b {
			delete(n.patByLocal, lk)
		}
		if n.patByGlobal[gk] == b {
			delete(n.patByGlobal, gk)
		}
		n.releasePort(b.proto, b.global.addr, b.global.port)
	case bindSimple:
		if n.simpleByLocal[b.local.addr] == b {
			delete(n.simpleByLocal, b.local.addr)
			n.sessions--
			n.hostAdd(b.local.addr, -1)
			if b.mapID != 0 {
				n.mapRef(b.mapID, -1)
			}
		}
		if n.simpleByGlobal[b.global.addr] == b {
			delete(n.simpleByGlobal, b.global.addr)
		}
	}
}

// mapRef counts the translations a dynamic mapping made.
func (n *NAT) mapRef(id, d int) {
	for _, m := range n.cfg.mappings {
		if m.ID == id {
			m.refs += d
			return
		}
	}
}
