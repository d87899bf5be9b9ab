package ftpinspect

import (
	"fmt"

	"natlab/packet"
	"natlab/router"
)

// packet-tracer support: the dry runs of the inspection stages
// (router.Tracer). They find the session, data connection or pinhole a
// packet matches, reading the tables under their locks, and change
// nothing: no session starts, no pinhole is used up, no timer, window or
// counter moves. The TCP window check runs on a copy of the session.

// Tracers are the dry runs of CBAC's two stages, which are plain functions,
// for router.PacketTraceOptions.Stages. The FTP stages' hooks trace
// themselves.
func (f *Feature) Tracers() map[router.Stage]router.Tracer {
	return map[router.Stage]router.Tracer{
		router.StageInspectReturn: cbacTracer{f, false},
		router.StageInspect:       cbacTracer{f, true},
	}
}

type cbacTracer struct {
	f      *Feature
	create bool // StageInspect (else StageInspectReturn)
}

func (h cbacTracer) Trace(p *router.Packet, t *router.TraceLog) router.Verdict {
	if h.create {
		return h.f.traceCreate(p, t)
	}
	return h.f.traceReturn(p, t)
}

// traceReturn follows cbac.ret.
func (f *Feature) traceReturn(p *router.Packet, t *router.TraceLog) router.Verdict {
	cb := &f.cb
	if cb.count.Load() == 0 {
		return router.Accept
	}
	k, _, ok := keyOf(&p.P)
	if !ok {
		return router.Accept
	}
	now := cb.clock().UnixNano()
	cb.mu.Lock()
	defer cb.mu.Unlock()
	s := cb.sessions[k.Reverse()]
	if s == nil || s.expires <= now {
		return router.Accept
	}
	ph := router.TracePhase{Type: "INSPECT", Subtype: "return", Info: []string{"return traffic of " + sessionText(s)}}
	if p.P.IPProto == packet.ProtoTCP {
		cp := *s
		if !cp.inWindow(p.Buf, &p.P, 1) {
			ph.Result, ph.DropReason = router.ResultDrop, router.DropInspect
			ph.Info = append(ph.Info, "the segment is outside the session's TCP window")
			t.Add(ph)
			return router.Drop
		}
	}
	ph.Info = append(ph.Info, "let through the access-lists")
	t.Add(ph)
	p.Mark |= router.MarkPermit
	return router.Accept
}

// traceCreate follows cbac.create and fromInitiator.
func (f *Feature) traceCreate(p *router.Packet, t *router.TraceLog) router.Verdict {
	cb := &f.cb
	if p.In == nil || p.Out == nil {
		return router.Accept
	}
	snap := cb.snap.Load()
	if cb.count.Load() == 0 && len(snap.in) == 0 && len(snap.out) == 0 {
		return router.Accept
	}
	k, starts, ok := keyOf(&p.P)
	if !ok {
		return router.Accept
	}
	now := cb.clock().UnixNano()
	cb.mu.Lock()
	if s := cb.sessions[k]; s != nil && s.expires > now {
		ph := router.TracePhase{Type: "INSPECT", Subtype: "session", Info: []string{"packet of " + sessionText(s)}}
		if p.P.IPProto == packet.ProtoTCP {
			cp := *s
			if !cp.inWindow(p.Buf, &p.P, 0) {
				cb.mu.Unlock()
				ph.Result, ph.DropReason = router.ResultDrop, router.DropInspect
				ph.Info = append(ph.Info, "the segment is outside the session's TCP window")
				t.Add(ph)
				return router.Drop
			}
		}
		cb.mu.Unlock()
		t.Add(ph)
		return router.Accept
	}
	if rev := cb.sessions[k.Reverse()]; !starts || (rev != nil && rev.expires > now) {
		cb.mu.Unlock()
		return router.Accept
	}
	r, dir, iface := cb.protoFor(snap.in[p.In.Index()], &p.P), "in", p.In
	if r == nil {
		r, dir, iface = cb.protoFor(snap.out[p.Out.Index()], &p.P), "out", p.Out
	}
	if r == nil {
		cb.mu.Unlock()
		return router.Accept
	}
	refused := cb.wouldRefuse(k, now)
	cb.mu.Unlock()
	ph := router.TracePhase{Type: "INSPECT", Subtype: r.proto, Config: f.inspectConfig(iface.Name(), dir, r.proto)}
	if refused != "" {
		ph.Result, ph.DropReason = router.ResultDrop, router.DropInspect
		ph.Info = []string{refused}
		t.Add(ph)
		return router.Drop
	}
	ph.Info = []string{fmt.Sprintf("would start a %s session %s -> %s; its return traffic passes the access-lists",
		r.proto, k.SrcAddrPort(), k.DstAddrPort())}
	t.Add(ph)
	return router.Accept
}

// wouldRefuse is the part of admit that refuses a session outright: a
// responder host blocked by max-incomplete host, a full table with no
// half-open session to evict. Caller holds cb.mu.
func (cb *cbac) wouldRefuse(k packet.Tuple, now int64) string {
	if h := cb.hosts[k.Dst]; k.Proto == packet.ProtoTCP && h != nil && h.blockedUntil != 0 && now < h.blockedUntil {
		return "the responder host is blocked (ip inspect tcp max-incomplete host ... block-time)"
	}
	if len(cb.sessions) >= cb.max && cb.halfOpen.head == nil {
		return "the session table is full (ip inspect max-sessions)"
	}
	return ""
}

// inspectConfig renders the rule and the interface line that apply it.
func (f *Feature) inspectConfig(ifname, dir, proto string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.iface[ifname]
	if b == nil {
		return nil
	}
	name := b.in
	if dir == "out" {
		name = b.out
	}
	return []string{"ip inspect name " + name + " " + proto, "interface " + ifname, " ip inspect " + name + " " + dir}
}

func sessionText(s *cbacSession) string {
	return fmt.Sprintf("session %s %s -> %s", s.proto, s.key.SrcAddrPort(), s.key.DstAddrPort())
}

// Trace follows dataHook.Process and dataPacket: a packet of an opened
// data connection, or a SYN a pinhole expects.
func (h dataHook) Trace(p *router.Packet, t *router.TraceLog) router.Verdict {
	in := h.in
	if in.active.Load() == 0 || p.P.IPProto != packet.ProtoTCP || !p.P.HasPorts() ||
		in.isControlPort(p.P.DstPort) || in.isControlPort(p.P.SrcPort) {
		return router.Accept
	}
	c := tupleOf(&p.P)
	in.mu.Lock()
	defer in.mu.Unlock()
	now := in.now()
	if d, _ := in.exp.findData(c); d != nil && d.expires > now {
		t.Add(router.TracePhase{Type: "INSPECT", Subtype: "ftp-data",
			Info: []string{fmt.Sprintf("packet of an FTP data connection %s -> %s; let through the access-lists", c.SrcAddrPort(), c.DstAddrPort())}})
		p.Mark |= router.MarkPermit
		return router.Accept
	}
	if p.P.TCPFlags&(packet.TCPSyn|packet.TCPAck|packet.TCPRst) != packet.TCPSyn {
		return router.Accept
	}
	x := in.exp.lookup(c, now)
	if x == nil {
		return router.Accept
	}
	info := []string{fmt.Sprintf("matches the pinhole for %s, expires in %ds", x.global(), (x.expires-now)/1e9)}
	if x.owner != nil {
		info = append(info, fmt.Sprintf("announced on the FTP control connection %s -> %s", x.owner.key.SrcAddrPort(), x.owner.key.DstAddrPort()))
	}
	info = append(info, "the connection would use the pinhole up; let through the access-lists")
	t.Add(router.TracePhase{Type: "INSPECT", Subtype: "ftp-data", Info: info})
	p.Mark |= router.MarkPermit
	return router.Accept
}

// Trace follows controlHook.Process for what a trace can send: a control
// segment without payload passes (a SYN starts tracking, which the trace
// does not); one with payload goes through the stream, which is not
// traced.
func (h controlHook) Trace(p *router.Packet, t *router.TraceLog) router.Verdict {
	in := h.in
	if p.P.IsICMPError() || p.P.IPProto != packet.ProtoTCP || !p.P.HasPorts() ||
		(!in.isControlPort(p.P.DstPort) && !in.isControlPort(p.P.SrcPort)) {
		return router.Accept
	}
	if p.P.Frag == packet.FirstFragment {
		t.Add(router.TracePhase{Type: "INSPECT", Subtype: "ftp", Result: router.ResultDrop, DropReason: router.DropInspect,
			Info: []string{"a fragmented FTP control segment is never inspected piecewise"}})
		return router.Drop
	}
	if p.P.Frag == packet.LaterFragment {
		return router.Accept
	}
	if p.P.PayloadOff < p.P.TotalLen {
		t.Add(router.TracePhase{Type: "INSPECT", Subtype: "ftp", Result: router.ResultUnknown,
			Info: []string{"an FTP control segment with payload is rewritten by its stream: not traced"}})
		return router.Accept
	}
	toServer := in.isControlPort(p.P.DstPort)
	key := tupleOf(&p.P)
	if !toServer {
		key = key.Reverse()
	}
	in.mu.Lock()
	c := in.conns[key]
	tracked := c != nil && c.expires > in.now()
	holes := 0
	if tracked {
		holes = len(c.holes)
	}
	in.mu.Unlock()
	info := fmt.Sprintf("FTP control connection %s -> %s: PORT, PASV, EPRT and EPSV are rewritten for NAT", key.SrcAddrPort(), key.DstAddrPort())
	if tracked {
		info += fmt.Sprintf("; tracked, %d pinholes pending", holes)
	} else {
		info += "; not tracked yet"
	}
	t.Add(router.TracePhase{Type: "INSPECT", Subtype: "ftp", Info: []string{info}})
	return router.Accept
}
