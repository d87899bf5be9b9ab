package nat

import (
	"fmt"
	"net/netip"

	"natlab/packet"
	"natlab/router"
)

// The dry runs of create.go, bindings.go and limits.go: the same rules in
// the same precedence, reading the tables only. Everything here runs
// under NAT.mu.

// dryBind is what insideOut would give a packet's source.
type dryBind struct {
	ok      bool // a rule translates the source
	ig      endpoint
	fresh   bool // the binding would be made for this packet (need 2 with its session)
	subtype string
	config  []string
	info    []string
	detail  []string
	res     Result // Drop when a rule applies but cannot translate
	why     string
	unknown string // the decision needs what a trace cannot do
}

// dryInsideOut follows insideOut.
func (n *NAT) dryInsideOut(p *packet.Parsed) dryBind {
	t := p.Tuple()
	ports := keyed(p)
	if ports {
		if r, g := n.staticFrom(t.Proto, t.Src, t.SrcPort); r != nil {
			return dryBind{ok: true, ig: endpoint{g, r.GlobalPort}, subtype: "static", config: []string{staticLine(&r.StaticRule)}}
		}
	}
	if r, g := n.staticFrom(0, t.Src, 0); r != nil {
		return dryBind{ok: true, ig: endpoint{g, t.SrcPort}, subtype: "static", config: []string{staticLine(&r.StaticRule)}}
	}
	if b := n.simpleByLocal[t.Src]; b != nil {
		return dryBind{ok: true, ig: endpoint{b.global.addr, t.SrcPort}, subtype: "dynamic", config: n.ruleOf(b, 0),
			info: []string{fmt.Sprintf("uses the existing binding of %s to %s", netip.AddrFrom4(t.Src), netip.AddrFrom4(b.global.addr))}}
	}
	if ports {
		if b := n.patByLocal[bindKey{t.Src, t.SrcPort, t.Proto}]; b != nil {
			return dryBind{ok: true, ig: b.global, subtype: "dynamic", config: n.ruleOf(b, 0),
				info: []string{fmt.Sprintf("uses the existing PAT binding of %s to %s", ep(b.local), ep(b.global))}}
		}
	}
	m, unknown := n.peekFirstMapping(p)
	switch {
	case unknown != "":
		return dryBind{unknown: unknown}
	case m == nil:
		return dryBind{}
	}
	d := dryBind{subtype: "dynamic", config: []string{mappingLine(&m.Mapping)}}
	switch {
	case !m.Overload && m.Pool != "":
		pl := n.cfg.pool(m.Pool)
		if pl == nil {
			d.res, d.why = Drop, "pool "+m.Pool+" does not exist"
			return d
		}
		g, ok := n.freePoolAddress(pl)
		if !ok {
			d.res, d.why = Drop, "pool "+m.Pool+" is exhausted"
			return d
		}
		d.ok, d.fresh, d.ig = true, true, endpoint{g, t.SrcPort}
		d.info = append(d.info, fmt.Sprintf("would bind %s to %s, the lowest free address of pool %s", netip.AddrFrom4(t.Src), netip.AddrFrom4(g), m.Pool))
		return d
	case !ports:
		d.res, d.why = Drop, "PAT cannot translate a packet without ports"
		return d
	}
	g, detail, why := n.dryPAT(m, t.Proto, endpoint{t.Src, t.SrcPort})
	d.subtype = "pat"
	d.detail = detail
	if why != "" {
		d.res, d.why = Drop, why
		return d
	}
	d.ok, d.fresh, d.ig = true, true, g
	d.info = append(d.info, fmt.Sprintf("would allocate %s for %s", ep(g), ep(endpoint{t.Src, t.SrcPort})))
	return d
}

// peekFirstMapping follows firstMapping with a list evaluator that does
// not count; unknown says why it cannot.
func (n *NAT) peekFirstMapping(p *packet.Parsed) (*mapping, string) {
	if len(n.cfg.mappings) == 0 || n.lists == nil {
		return nil, ""
	}
	pk, ok := n.lists.(listPeeker)
	if !ok {
		return nil, "the source lists cannot be evaluated without counting: not traced"
	}
	for _, m := range n.cfg.mappings {
		q := *p
		if permit, found := pk.Peek(m.List, &q); permit && found {
			return m, ""
		}
	}
	return nil, ""
}

// dryPAT follows newPATBinding and allocPort: the address and port PAT
// would take, or why it cannot.
func (n *NAT) dryPAT(m *mapping, proto packet.Proto, local endpoint) (endpoint, []string, string) {
	var pl *pool
	var lo, hi uint32
	if m.Interface != "" {
		a, ok := n.interfaceAddr(m.Interface)
		if !ok {
			return endpoint{}, nil, m.Interface + " has no address"
		}
		lo, hi = be32(a), be32(a)
	} else {
		if pl = n.cfg.pool(m.Pool); pl == nil {
			return endpoint{}, nil, "pool " + m.Pool + " does not exist"
		}
		lo, hi = pl.start, pl.end
	}
	var detail []string
	for a := lo; a <= hi && a >= lo; a++ {
		g := from32(a)
		if n.simpleByGlobal[g] != nil || (pl != nil && n.staticUses(g)) {
			detail = append(detail, fmt.Sprintf("%s is taken by a one-to-one binding or a static rule", netip.AddrFrom4(g)))
			continue
		}
		port, how, ok := n.peekPort(proto, g, local.port)
		detail = append(detail, how)
		if ok {
			return endpoint{g, port}, detail, ""
		}
	}
	return endpoint{}, detail, "no free global port"
}

// peekPort is allocPort without reserving: the port it would take on addr.
func (n *NAT) peekPort(proto packet.Proto, addr [4]byte, want uint16) (uint16, string, bool) {
	ps := n.ports[allocKey{addr, proto}]
	if ps == nil {
		ps = &portSet{}
	}
	reserved := func(p uint16) bool { return n.staticTo(proto, addr, p) != nil }
	ga := netip.AddrFrom4(addr)
	if !ps.has(want) && !reserved(want) {
		return want, fmt.Sprintf("%s: port %d is free, kept (port preservation)", ga, want), true
	}
	lo, hi := portClass(want)
	if lo == 0 && proto != packet.ProtoICMP {
		lo = 1
	}
	p, ok := ps.lowestFree(lo, hi, reserved)
	if !ok {
		return 0, fmt.Sprintf("%s: port %d in use and no port free in %d-%d", ga, want, lo, hi), false
	}
	return p, fmt.Sprintf("%s: port %d in use; lowest free port in %d-%d is %d", ga, want, lo, hi, p), true
}

// dryRoom follows room: whether the limits leave room for need entries of
// host, evicting nothing; the note says what room would do.
func (n *NAT) dryRoom(p *packet.Parsed, host [4]byte, need int) (ok bool, note string) {
	if !n.limited() {
		return true, ""
	}
	l := &n.cfg.limits
	r := l.hosts[host]
	if r == nil && len(l.lists) > 0 {
		if pk, isPeeker := n.lists.(listPeeker); isPeeker {
			q := *p
			q.Src = netip.AddrFrom4(host)
			for _, lr := range l.lists {
				if permit, found := pk.Peek(lr.list, &q); permit && found {
					r = lr
					break
				}
			}
		}
	}
	if r == nil {
		r = l.allHost
	}
	if r != nil {
		he := n.hosts[host]
		count := 0
		if he != nil {
			count = he.count
		}
		if count+need > r.max {
			if he == nil || !hasEvictable(&he.cand, qHost) {
				return false, fmt.Sprintf("host %s has %d of its %d entries", netip.AddrFrom4(host), count, r.max)
			}
			note = "would evict the host's oldest unestablished translation"
		}
	}
	if max := n.cfg.timeouts.MaxEntries; max > 0 && n.sessions+need > max {
		if !hasEvictable(&n.cand, qAll) {
			return false, fmt.Sprintf("max-entries %d reached", max)
		}
		note = "would evict the oldest unestablished translation"
	}
	return true, note
}

// hasEvictable reports whether evictFrom would find a session to evict.
func hasEvictable(q *queue, which int) bool {
	s := q.head
	for i := 0; i < evictScan && s != nil; i++ {
		if evictable(s) {
			return true
		}
		s = s.links[which].next
	}
	return false
}

// dryOutbound follows outboundSession.
func (n *NAT) dryOutbound(p *packet.Parsed, now int64) dry {
	t := p.Tuple()
	og, outside := n.outsideToGlobal(t.Dst)
	b := n.dryInsideOut(p)
	d := dry{ph: router.TracePhase{Subtype: b.subtype, Config: b.config, Info: b.info, Detail: b.detail}}
	switch {
	case b.unknown != "":
		d.ph.Result, d.ph.Info, d.res = router.ResultUnknown, []string{b.unknown}, Pass
		return d
	case b.res == Drop:
		d.ph.Info = append(d.ph.Info, b.why)
		d.res = Drop
		return d
	case !b.ok && !outside:
		return dry{res: Pass}
	}
	need := 1
	if b.fresh && b.subtype == "dynamic" {
		need = 2 // a new one-to-one binding is an entry too
	}
	if ok, note := n.dryRoom(p, t.Src, need); !ok {
		d.ph.Info, d.res = append(d.ph.Info, note), Drop
		return d
	} else if note != "" {
		d.ph.Info = append(d.ph.Info, note)
	}
	ig := b.ig
	if !b.ok {
		ig = endpoint{t.Src, t.SrcPort}
	}
	if outside {
		d.ph.Config = append(d.ph.Config, n.outsideLine(og, t.Dst))
		if d.ph.Subtype == "" {
			d.ph.Subtype = "static"
		}
	}
	s := sessionOf(p, true, ig, endpoint{og, t.DstPort})
	return n.dryInsert(d, s)
}

// dryInbound follows inboundSession.
func (n *NAT) dryInbound(p *packet.Parsed, now int64) dry {
	t := p.Tuple()
	ol, outside := n.outsideToLocal(t.Src)
	b, il := n.insideIn(p, ol, now)
	if b == nil && !outside {
		return dry{ph: router.TracePhase{Subtype: "none", Info: []string{fmt.Sprintf(
			"no static rule or translation for %s: not translated", netip.AddrPortFrom(p.Dst, p.DstPort))}}, res: Pass}
	}
	d := dry{ph: router.TracePhase{Subtype: "static"}}
	if b != nil {
		d.ph.Config = n.ruleOf(b, 0)
		if b.kind != bindStatic {
			d.ph.Subtype = "dynamic"
			d.ph.Info = append(d.ph.Info, "the binding of "+ep(b.local)+" admits this flow")
		}
	} else {
		il = endpoint{t.Dst, t.DstPort}
	}
	if outside {
		d.ph.Config = append(d.ph.Config, n.outsideLine(t.Src, ol))
	}
	if ok, note := n.dryRoom(p, il.addr, 1); !ok {
		d.ph.Info, d.res = append(d.ph.Info, note), Drop
		return d
	} else if note != "" {
		d.ph.Info = append(d.ph.Info, note)
	}
	s := sessionOf(p, false, endpoint{ol, t.SrcPort}, il)
	return n.dryInsert(d, s)
}

// dryInsert follows insert: a flow that already has a translation the
// other way is dropped.
func (n *NAT) dryInsert(d dry, s *Session) dry {
	if n.in.get(s.inKey()) != nil || n.out.get(s.outKey()) != nil {
		d.ph.Info, d.res = append(d.ph.Info, "the flow already has a translation the other way"), Drop
		return d
	}
	if s.outbound {
		d.src, d.dst = s.inGlobal, s.outGlobal
	} else {
		d.src, d.dst = s.outLocal, s.inLocal
	}
	d.res = Created
	d.ph.Info = append(d.ph.Info, fmt.Sprintf("would create translation %s %s %s %s %s",
		s.proto, ep(s.inGlobal), ep(s.inLocal), ep(s.outLocal), ep(s.outGlobal)))
	return d
}

// outsideLine is the outside source static rule between global and local.
func (n *NAT) outsideLine(global, local [4]byte) string {
	if r := n.cfg.outside.find(global, local); r != nil && r.Extendable {
		return fmt.Sprintf("ip nat outside source static %s %s extendable", r.Global, r.Local)
	}
	return fmt.Sprintf("ip nat outside source static %s %s", netip.AddrFrom4(global), netip.AddrFrom4(local))
}

// traceAddrOnly follows addrOnlyOut and addrOnlyIn for packets without a
// flow (protocols without ports, ICMP that is neither query nor error).
func (n *NAT) traceAddrOnly(p *packet.Parsed, fromInside bool) dry {
	if !fromInside && !n.mayTranslateIn(p) {
		return dry{res: Pass}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	d := dry{ph: router.TracePhase{Subtype: "static"}}
	if fromInside {
		src, bind, ok := n.addressGlobal(p.Src.As4())
		res := Hit
		if ok {
			d.ph.Config = n.ruleOf(bind, 0)
		} else {
			m, unknown := n.peekFirstMapping(p)
			switch {
			case unknown != "":
				d.ph.Result, d.ph.Info = router.ResultUnknown, []string{unknown}
				return d
			case m != nil && (m.Overload || m.Pool == ""):
				d.ph.Subtype, d.ph.Config = "pat", []string{mappingLine(&m.Mapping)}
				d.ph.Info, d.res = []string{"PAT cannot translate a packet without ports"}, Drop
				return d
			case m != nil:
				d.ph.Subtype, d.ph.Config = "dynamic", []string{mappingLine(&m.Mapping)}
				pl := n.cfg.pool(m.Pool)
				g, free := [4]byte{}, false
				if pl != nil {
					g, free = n.freePoolAddress(pl)
				}
				if !free {
					d.ph.Info, d.res = []string{"pool " + m.Pool + " has no free address"}, Drop
					return d
				}
				if ok, note := n.dryRoom(p, p.Src.As4(), 1); !ok {
					d.ph.Info, d.res = []string{note}, Drop
					return d
				}
				src, ok, res = g, true, Created
			}
		}
		dst, outside := n.outsideToGlobal(p.Dst.As4())
		if !ok && !outside {
			return dry{res: Pass}
		}
		d.src, d.dst, d.res = endpoint{addr: src}, endpoint{addr: dst}, res
		return d
	}
	dst, bind, ok := n.addressLocal(p.Dst.As4())
	src, outside := n.outsideToLocal(p.Src.As4())
	if !ok && !outside {
		return dry{ph: router.TracePhase{Subtype: "none", Info: []string{fmt.Sprintf(
			"no static rule or binding for %s: not translated", p.Dst)}}, res: Pass}
	}
	if ok {
		d.ph.Config = n.ruleOf(bind, 0)
	}
	d.src, d.dst, d.res = endpoint{addr: src}, endpoint{addr: dst}, Hit
	return d
}
