package ftpinspect

import (
	"time"

	"natlab/packet"
	"natlab/router"
)

// attach places the feature in the router's order of operations:
//
//   - return traffic of CBAC sessions, before the input ACL (and before
//     NAT: the tuple on the wire is the session's reversed);
//   - data connections that FTP pinholes expect, before the input ACL:
//     a SYN that a pinhole expects, and later packets of that connection,
//     get router.MarkPermit so the input and output ACLs let them pass, as
//     CBAC's temporary entries sit at the top of the interface ACL;
//   - FTP control connections, between NAT outside-to-inside and NAT
//     inside-to-outside: there packets from both sides are in the inside
//     (local) view, as Linux runs its helpers between DNAT and SNAT;
//   - CBAC sessions start last, after the output ACL and NAT.
func (f *Feature) attach(r *router.Router) {
	f.cb.isFTP = f.In.isControlPort
	f.cb.audit = f.audit
	f.cb.log = f.e.Log
	r.Attach(router.StageInspectReturn, router.HookFunc(f.cb.ret))
	r.Attach(router.StageFTPData, dataHook{f.In})
	r.Attach(router.StageFTPControl, controlHook{f.In})
	r.Attach(router.StageInspect, router.HookFunc(f.cb.create))
}

// Run sweeps expired state every interval until stop is closed (lookups
// ignore expired entries on their own; the sweep gives the memory back).
func (in *Inspector) Run(interval time.Duration, stop <-chan struct{}) {
	every(interval, stop, in.Sweep)
}

// every calls f every interval until stop is closed.
func every(interval time.Duration, stop <-chan struct{}, f func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			f()
		}
	}
}

// controlHook inspects FTP control connections: it rewrites a packet in
// place (growing it up to cap(p.Buf)) and decodes it again.
type controlHook struct{ in *Inspector }

func (h controlHook) Process(p *router.Packet) router.Verdict {
	in := h.in
	if p.P.IsICMPError() && p.P.Frag == packet.NotFragment {
		in.icmpError(p.Buf, &p.P) // locks only for a quoted control segment
		return router.Accept
	}
	if p.P.IPProto != packet.ProtoTCP || !p.P.HasPorts() ||
		(!in.isControlPort(p.P.DstPort) && !in.isControlPort(p.P.SrcPort)) {
		return router.Accept
	}
	n := len(p.Buf)
	buf := p.Buf[:cap(p.Buf)]
	idx := -1
	if p.In != nil {
		idx = p.In.Index()
	}
	r := in.process(buf, n, &p.P, idx)
	if r.Drop {
		return router.Drop
	}
	p.Buf = buf[:r.Len]
	if !p.Reparse() {
		return router.Drop
	}
	return router.Accept
}

// WantsSegments implements router.SegmentWanter: the control channel is
// parsed and rewritten byte-exact, with sequence numbers adjusted, one
// segment at a time, so a super-packet of a control connection is split
// before it gets here.
func (h controlHook) WantsSegments(p *router.Packet) bool {
	return p.P.IPProto == packet.ProtoTCP && p.P.HasPorts() &&
		(h.in.isControlPort(p.P.DstPort) || h.in.isControlPort(p.P.SrcPort))
}

// dataHook marks the packets of expected data connections.
type dataHook struct{ in *Inspector }

func (h dataHook) Process(p *router.Packet) router.Verdict {
	in := h.in
	if in.active.Load() == 0 || p.P.IPProto != packet.ProtoTCP || !p.P.HasPorts() ||
		in.isControlPort(p.P.DstPort) || in.isControlPort(p.P.SrcPort) {
		return router.Accept
	}
	if in.dataPacket(p.Buf, &p.P).Related {
		p.Mark |= router.MarkPermit
	}
	return router.Accept
}
