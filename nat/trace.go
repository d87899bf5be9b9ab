package nat

import (
	"fmt"
	"net/netip"

	"natlab/packet"
	"natlab/router"
)

// packet-tracer support: the dry run of NAT's two hooks (router.Tracer).
// It looks translations up and says which rule would make one and with
// which global address and port, reading the tables as the packet path
// does, under the same locks, but it allocates no port or address, creates
// no binding or session, refreshes no timer and counts nothing; it
// rewrites only the tracer's copy of the packet, as the real hook would.
// Source lists are evaluated with a list evaluator that does not count
// (acl.ACLs.Peek); without one, a packet whose translation depends on a
// list is reported as not traced.

// Tracers are NAT's hooks' dry runs by stage, for
// router.PacketTraceOptions.Stages (the hooks are plain functions).
func (n *NAT) Tracers() map[router.Stage]router.Tracer {
	return map[router.Stage]router.Tracer{
		router.StageNATOutsideToInside: natTracer{n, false},
		router.StageNATInsideToOutside: natTracer{n, true},
	}
}

// listPeeker evaluates a list without counting the match.
type listPeeker interface {
	Peek(list string, p *packet.Parsed) (permit, found bool)
}

type natTracer struct {
	n   *NAT
	out bool // the inside-to-outside stage
}

// Trace follows outsideToInside and insideToOutside.
func (h natTracer) Trace(p *router.Packet, t *router.TraceLog) router.Verdict {
	n := h.n
	s := n.snap.Load()
	if !h.out {
		if !s.active || p.In == nil {
			return router.Accept
		}
		switch s.roleOf(p.In.Index()) {
		case RoleOutside:
			return n.traceTranslate(p, t, false)
		case RoleInside:
			if n.isGlobal(s, p.P.Dst.As4()) || n.hairpins.Load() > 0 {
				t.Add(router.TracePhase{Type: "NAT", Subtype: "hairpin", Result: router.ResultUnknown,
					Info: []string{fmt.Sprintf("%s is reached from the inside through NAT (hairpin): not traced", p.P.Dst)}})
			}
		}
		return router.Accept
	}
	if !s.active || p.Out == nil || s.roleOf(p.Out.Index()) != RoleOutside || p.In == nil ||
		s.roleOf(p.In.Index()) != RoleInside {
		return router.Accept
	}
	return n.traceTranslate(p, t, true)
}

// dry is what a translation would do: its phase, and the endpoints the
// packet gets.
type dry struct {
	ph       router.TracePhase
	src, dst endpoint
	res      Result
}

func phaseType(fromInside bool) string {
	if fromInside {
		return "NAT"
	}
	return "UN-NAT"
}

// traceTranslate follows translate.
func (n *NAT) traceTranslate(p *router.Packet, t *router.TraceLog, fromInside bool) router.Verdict {
	var d dry
	switch {
	case keyed(&p.P):
		d = n.traceFlow(&p.P, fromInside)
	case p.P.IsICMPError() || p.P.Frag == packet.LaterFragment:
		d.res = Pass
		d.ph = router.TracePhase{Result: router.ResultUnknown,
			Info: []string{"ICMP errors and later fragments are translated by the flow they belong to: not traced"}}
	default:
		d = n.traceAddrOnly(&p.P, fromInside)
	}
	if d.ph.Result == "" && d.res == Pass && len(d.ph.Info) == 0 {
		return router.Accept // nothing applies: no phase, as the hook passes it
	}
	if d.ph.Type == "" {
		d.ph.Type = phaseType(fromInside)
	}
	switch d.res {
	case Drop:
		d.ph.Result, d.ph.DropReason = router.ResultDrop, router.DropNAT
		t.Add(d.ph)
		return router.Drop
	case Hit, Created:
		before := p.P.Tuple()
		rewrite(p.Buf, &p.P, d.src, d.dst)
		d.ph.Info = append(d.ph.Info, translateLine(fromInside, before, p.P.Tuple(), keyed(&p.P)))
	}
	t.Add(d.ph)
	return router.Accept
}

// translateLine is the ASA's "Translate A/p to B/q" line: the source from
// the inside, the destination from the outside; the other side too when an
// outside rule changed it.
func translateLine(fromInside bool, before, after packet.Tuple, ports bool) string {
	show := func(a [4]byte, port uint16) string {
		if ports {
			return fmt.Sprintf("%s/%d", netip.AddrFrom4(a), port)
		}
		return netip.AddrFrom4(a).String()
	}
	verb := "Untranslate"
	if fromInside {
		verb = "Translate"
	}
	s := fmt.Sprintf("%s %s to %s", verb, show(before.Src, before.SrcPort), show(after.Src, after.SrcPort))
	if !fromInside {
		s = fmt.Sprintf("%s %s to %s", verb, show(before.Dst, before.DstPort), show(after.Dst, after.DstPort))
	}
	if fromInside && before.Dst != after.Dst {
		s += fmt.Sprintf(", destination %s to %s", show(before.Dst, before.DstPort), show(after.Dst, after.DstPort))
	}
	if !fromInside && before.Src != after.Src {
		s += fmt.Sprintf(", source %s to %s", show(before.Src, before.SrcPort), show(after.Src, after.SrcPort))
	}
	return s
}

// traceFlow follows flow and newSession. It takes mu for the whole
// decision, where flow looks an established flow up without it: the answer
// is the same, and the rules it names need mu.
func (n *NAT) traceFlow(p *packet.Parsed, fromInside bool) dry {
	if !fromInside && !n.mayTranslateIn(p) {
		if s := n.index(fromInside).get(p.Tuple()); s == nil {
			return dry{res: Pass}
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if s := n.index(fromInside).get(p.Tuple()); s != nil {
		return n.existing(s, fromInside)
	}
	if !fromInside && !n.mayTranslateIn(p) || !n.snap.Load().active {
		return dry{res: Pass}
	}
	now := n.nowNano()
	if fromInside {
		return n.dryOutbound(p, now)
	}
	return n.dryInbound(p, now)
}

// existing is a hit on session s. Caller holds mu.
func (n *NAT) existing(s *Session, fromInside bool) dry {
	d := dry{res: Hit}
	if fromInside {
		d.src, d.dst = s.inGlobal, s.outGlobal
	} else {
		d.src, d.dst = s.outLocal, s.inLocal
	}
	d.ph.Subtype = "existing"
	d.ph.Config = n.ruleOf(s.binding, s.mapID)
	var row [5]string
	row[0], row[1], row[2], row[3], row[4] = s.proto.String(), ep(s.inGlobal), ep(s.inLocal), ep(s.outLocal), ep(s.outGlobal)
	d.ph.Info = []string{fmt.Sprintf("found translation %s %s %s %s %s", row[0], row[1], row[2], row[3], row[4])}
	return d
}

// ruleOf renders the rule behind a binding or a dynamic mapping (nil when
// only an outside rule translates). Caller holds mu.
func (n *NAT) ruleOf(b *Binding, mapID int) []string {
	if b != nil && b.static != nil {
		return []string{staticLine(&b.static.StaticRule)}
	}
	if mapID == 0 && b != nil {
		mapID = b.mapID
	}
	for _, m := range n.cfg.mappings {
		if m.ID == mapID {
			return []string{mappingLine(&m.Mapping)}
		}
	}
	return nil
}

// mappingLine is a dynamic mapping's running-config line.
func mappingLine(m *Mapping) string {
	s := "ip nat inside source list " + m.List
	if m.Interface != "" {
		s += " interface " + m.Interface
	} else {
		s += " pool " + m.Pool
	}
	if m.Overload {
		s += " overload"
	}
	return s
}
