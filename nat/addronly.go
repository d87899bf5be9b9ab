package nat

import "natlab/packet"

// Packets without a flow NAT keeps a session for (protocols without ports
// such as GRE, ICMP types that are neither queries nor errors, later
// fragments whose first fragment was not seen) are translated on their
// addresses only, by a static rule or a dynamic `---` binding, under
// NAT.mu.

// addrOnlyOut translates the addresses of such a packet from the inside.
func (n *NAT) addrOnlyOut(b []byte, p *packet.Parsed, now int64) Result {
	if !n.snap.Load().active {
		return Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.admitting = nil
	src, bind, ok := n.addressGlobal(p.Src.As4())
	res := Hit
	if !ok {
		if m := n.firstMapping(p); m != nil {
			if src, bind, res = n.mappedAddress(m, p, now); res == Drop {
				return Drop
			}
			ok = true
		}
	}
	dst, outside := n.outsideToGlobal(p.Dst.As4())
	if !ok && !outside {
		return Pass
	}
	return n.rewriteAddrs(b, p, src, dst, bind, res, now)
}

// rewriteAddrs gives a packet the addresses an address-only translation
// chose, and refreshes the binding that made it.
func (n *NAT) rewriteAddrs(b []byte, p *packet.Parsed, src, dst [4]byte, bind *Binding, res Result, now int64) Result {
	if bind != nil {
		bind.lastUsed.Store(now)
	}
	if res == Hit {
		n.hits.Add(1)
	}
	rewrite(b, p, endpoint{src, p.SrcPort}, endpoint{dst, p.DstPort})
	return res
}

// mappedAddress is the global address a dynamic mapping gives a packet
// without ports: a pool address of its own (a new `---` binding), or,
// for a later fragment that came before its first one, the one address
// PAT on an interface (or on a one-address pool) can give, the one the
// first fragment will get. Anything else PAT would have to translate is
// dropped rather than sent with the inside address.
func (n *NAT) mappedAddress(m *mapping, p *packet.Parsed, now int64) ([4]byte, *Binding, Result) {
	if m.Overload || m.Pool == "" {
		if g, ok := n.patAddress(m); ok && p.Frag == packet.LaterFragment {
			return g, nil, Hit
		}
		n.misses.Add(1)
		return [4]byte{}, nil, n.dropped(dropPATNoPorts, true)
	}
	n.misses.Add(1)
	b, cause := n.newSimpleBinding(m, p, 1, now)
	if b == nil {
		return [4]byte{}, nil, n.dropped(cause, true)
	}
	return b.global.addr, b, Created
}

// addrOnlyIn translates the addresses of such a packet from the outside.
func (n *NAT) addrOnlyIn(b []byte, p *packet.Parsed, now int64) Result {
	if !n.mayTranslateIn(p) {
		return Pass
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	dst, bind, ok := n.addressLocal(p.Dst.As4())
	src, outside := n.outsideToLocal(p.Src.As4())
	if !ok && !outside {
		return Pass
	}
	return n.rewriteAddrs(b, p, src, dst, bind, Hit, now)
}
