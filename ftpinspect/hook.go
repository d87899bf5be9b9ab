package ftpinspect

import (
	"time"

	"natlab/packet"
	"natlab/router"
)

// Hook orders in the router's pipeline (DESIGN.md, IOS order of
// operations):
//
//   - control connections at HookPreRouting after NAT's outside-to-inside
//     translation (order 200): there packets from both sides are in the
//     inside (local) view, the view Flow documents, as Linux runs its
//     helpers between DNAT and SNAT;
//   - data connections at HookInput before the input ACL (order 100): a
//     SYN that a pinhole expects, and later packets of that connection,
//     get router.MarkPermit so the input and output ACLs let them pass, as
//     CBAC's temporary entries sit at the top of the interface ACL.
const (
	HookOrderControl = 250
	HookOrderData    = 50
)

// Attach installs the inspector's hooks in r.
func (in *Inspector) Attach(r *router.Router) {
	r.AddHook(router.HookInput, HookOrderData, dataHook{in})
	r.AddHook(router.HookPreRouting, HookOrderControl, in)
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

// Process implements router.Hook for control connections: it rewrites
// the packet in place (growing it up to cap(p.Buf)) and decodes it again.
func (in *Inspector) Process(p *router.Packet) router.Verdict {
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
