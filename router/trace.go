package router

import (
	"fmt"
	"net/netip"
	"slices"

	"natlab/packet"
)

// packet-tracer: one synthetic packet through the pipeline, phase by phase,
// without side effects. Router.Trace walks the same steps as receive,
// forward and output in forward.go, in the same order, on a private copy
// of the packet: decode, martian source, HookInput, uRPF, HookPreRouting,
// local delivery or route lookup, TTL, DF against the egress MTU,
// HookPostRouting, HookOutput, HookInspect, the egress line,
// fragmentation (a synthetic packet is never a super-packet, so the
// splitting steps do not apply). At each hook it asks the hook's Tracer, the dry run of
// its decision, which may rewrite the copy (NAT) or mark it (a pinhole) as
// Process would, but creates, counts and logs nothing. A hook without a
// Tracer ends the trace with a phase that says so, and the action is
// "unknown": its verdict is never guessed.

// Tracer is implemented by a hook that can tell, without side effects, what
// its Process would decide for p: no translation, session or pinhole made,
// no counter or timer touched, nothing logged. It may rewrite p.Buf and set
// p.Mark as Process would (p is a copy), and records what it found as
// phases in t. It adds no phase when it does not apply to the packet.
type Tracer interface {
	Trace(p *Packet, t *TraceLog) Verdict
}

// TracePhase is one phase of a trace, as the ASA's packet-tracer prints it.
type TracePhase struct {
	// Type is the ASA phase type: ACCESS-LIST, UN-NAT, NAT, ROUTE-LOOKUP,
	// INSPECT, RPF-CHECK, IP-OPTIONS, INPUT-INTERFACE, OUTPUT-INTERFACE.
	Type    string
	Subtype string
	// Result is ALLOW or DROP (UNKNOWN for a hook that cannot be traced).
	Result string
	// Config is the configuration that decided (running-config lines).
	Config []string
	// Info is the Additional Information: what was found or would be made.
	Info []string
	// Detail is the hook's internal decision, printed with `detailed`.
	Detail []string
	// DropReason is the ASA drop reason when Result is DROP, e.g.
	// "(acl-drop) Flow is denied by configured rule".
	DropReason string
	// Point is where in the pipeline the phase ran: receive, input, urpf,
	// prerouting, route, postrouting, output, inspect, transmit.
	Point string
}

// Result values of a phase.
const (
	ResultAllow   = "ALLOW"
	ResultDrop    = "DROP"
	ResultUnknown = "UNKNOWN"
)

// Drop reasons, in the ASA's words (show asp drop) where it has them.
const (
	DropACL       = "(acl-drop) Flow is denied by configured rule"
	DropNoRoute   = "(no-route) No route to host"
	DropIfcDown   = "(interface-down) Interface is down"
	DropRPF       = "(rpf-violated) Reverse-path verify failed"
	DropNAT       = "(nat-xlate-failed) NAT failed"
	DropInspect   = "(inspect-fail) Inspection failed"
	DropBadHeader = "(invalid-ip-header) Invalid IP header"
	DropMartian   = "(invalid-src-addr) Invalid source address"
	DropTTL       = "(ttl-exceeded) TTL exceeded"
	DropFragDF    = "(df-bit-set) Fragmentation needed and DF set"
	DropMulticast = "(no-mcast-route) No multicast routing"
)

// TraceLog collects the phases of a trace; tracers add to it.
type TraceLog struct {
	phases   []TracePhase
	detailed bool
	point    string
}

// Detailed reports whether the trace asked for per-phase detail; a tracer
// may skip building Detail lines when not.
func (t *TraceLog) Detailed() bool { return t.detailed }

// Add records a phase. Its Point is set by the walker.
func (t *TraceLog) Add(ph TracePhase) {
	if ph.Result == "" {
		ph.Result = ResultAllow
	}
	ph.Point = t.point
	t.phases = append(t.phases, ph)
}

// TracePacket is a packet's flow: what goes in and, for a forwarded
// packet, what would leave.
type TracePacket struct {
	Proto            packet.Proto
	Src, Dst         netip.Addr
	SrcPort, DstPort uint16 // TCP/UDP ports; for ICMP the type and code
	ICMPID           uint16 // ICMP queries
	TTL              uint8
}

// TracePacketOf is a decoded packet as a trace reports it (ports, or ICMP
// type and code in their place, and the ICMP identifier).
func TracePacketOf(p *packet.Parsed) TracePacket {
	f := TracePacket{Proto: p.IPProto, Src: p.Src, Dst: p.Dst, TTL: p.TTL}
	switch {
	case p.HasPorts():
		f.SrcPort, f.DstPort = p.SrcPort, p.DstPort
	case p.IPProto == packet.ProtoICMP:
		f.SrcPort, f.DstPort, f.ICMPID = uint16(p.ICMPType), uint16(p.ICMPCode), p.ICMPID
	}
	return f
}

// TraceResult is a whole trace: its phases and the ASA's Result block.
type TraceResult struct {
	Phases []TracePhase
	In     TracePacket

	InputInterface, InputStatus, InputLineStatus string
	// OutputInterface is empty when no egress was found (no route); "NP
	// Identity Ifc" for a packet to the router itself, as on the ASA.
	OutputInterface, OutputStatus, OutputLineStatus string

	// Action is allow, drop or unknown (a hook that cannot be traced).
	Action     string
	DropReason string
	// DropPoint is the Point of the phase that dropped the packet.
	DropPoint string
	// Local: the packet is for the router itself (delivered, not
	// forwarded).
	Local bool
	// Out is the packet as it would leave, translated and with its TTL
	// decremented; valid when Action is allow and Local is false.
	Out TracePacket
	// NextHop is the on-link next hop of a forwarded packet.
	NextHop netip.Addr
}

// Actions of a trace.
const (
	ActionAllow   = "allow"
	ActionDrop    = "drop"
	ActionUnknown = "unknown"
)

// IdentityInterface is the ASA's name for the router itself as an egress.
const IdentityInterface = "NP Identity Ifc"

// PacketTraceOptions tune a trace.
type PacketTraceOptions struct {
	// Detailed asks tracers for their internal decision (TracePhase.Detail).
	Detailed bool
	// Lists evaluates an access-list without counting a match, for the
	// list of `ip verify unicast source reachable-via ... ACL`
	// (acl.ACLs.Peek). Nil: a packet that fails the check and would be
	// judged by that list ends the trace as unknown.
	Lists ACLEvaluator
	// Stages traces the hooks that are plain functions (HookFunc, which
	// cannot carry a Trace method), by the stage they are attached at.
	Stages map[Stage]Tracer
}

// Trace runs pkt, an IPv4 packet arriving on in, through the pipeline
// without side effects and reports each phase. It is TraceWith with no
// options.
func (r *Router) Trace(in *Interface, pkt []byte) TraceResult {
	return r.TraceWith(in, pkt, PacketTraceOptions{})
}

// TraceWith is Trace with options.
func (r *Router) TraceWith(in *Interface, pkt []byte, o PacketTraceOptions) TraceResult {
	w := tracer{r: r, s: r.snap.Load(), o: o, log: TraceLog{detailed: o.Detailed}}
	// The hooks with their stage ranks, as the snapshot's lists were
	// built from them.
	r.mu.Lock()
	for k := range r.hooks {
		w.entries[k] = slices.Clone(r.hooks[k])
	}
	r.mu.Unlock()
	w.run(in, pkt)
	w.res.Phases = w.log.phases
	return w.res
}

// tracer is one trace in progress.
type tracer struct {
	r   *Router
	s   *snapshot
	o   PacketTraceOptions
	log TraceLog
	res TraceResult
	p   Packet
	// entries are the hooks of each point in order, with their ranks.
	entries [numHookPoints][]hookEntry
}

// ifaceStatus is the ASA's status and line-status of an interface.
func (w *tracer) ifaceStatus(i *Interface) (status, line string) {
	status, line = "up", "up"
	if i.Shutdown() {
		status = "down"
	}
	if i.index >= len(w.s.ifaces) || !w.s.ifaces[i.index].up {
		line = "down"
	}
	return status, line
}

// drop ends the trace with a drop at the walker's own phase.
func (w *tracer) drop(ph TracePhase) {
	ph.Result = ResultDrop
	w.log.Add(ph)
	w.res.Action, w.res.DropReason, w.res.DropPoint = ActionDrop, ph.DropReason, w.log.point
}

func (w *tracer) run(in *Interface, pkt []byte) {
	if in == nil {
		w.res.Action = ActionUnknown
		return
	}
	w.res.InputInterface = in.name
	w.res.InputStatus, w.res.InputLineStatus = w.ifaceStatus(in)
	// A private copy, with the headroom a hook may grow a packet into.
	buf := make([]byte, len(pkt), len(pkt)+growRoom)
	copy(buf, pkt)
	p := &w.p
	*p = Packet{Buf: buf, In: in}
	w.log.point = "receive"
	if p.P.Decode(buf) != packet.OK {
		w.drop(TracePhase{Type: "IP-OPTIONS", Info: []string{"the packet does not decode as IPv4"}, DropReason: DropBadHeader})
		return
	}
	w.res.In = TracePacketOf(&p.P)
	if p.P.TotalLen < len(buf) {
		p.Buf = buf[:p.P.TotalLen]
	}
	if in.index >= len(w.s.ifaces) || !w.s.ifaces[in.index].up {
		w.drop(TracePhase{Type: "INPUT-INTERFACE", Subtype: "line-status",
			Info:       []string{fmt.Sprintf("%s is not up: a shut or disconnected interface receives nothing", in.name)},
			DropReason: DropIfcDown})
		return
	}
	if isMartianSource(p.P.Src) && !isBootRequest(&p.P) {
		w.drop(TracePhase{Type: "IP-OPTIONS", Subtype: "martian",
			Info: []string{fmt.Sprintf("source %s is a martian address (RFC 1812 5.3.7)", p.P.Src)}, DropReason: DropMartian})
		return
	}
	if !w.hooks(HookInput) {
		return
	}
	w.log.point = "urpf"
	if st := &w.s.ifaces[in.index]; st.verify.Mode != VerifyOff && !w.urpf(st) {
		return
	}
	if !w.hooks(HookPreRouting) {
		return
	}
	w.routeAndOutput()
}

// hooks traces the hooks of one point; false when the trace ended there.
func (w *tracer) hooks(point HookPoint) bool {
	w.log.point = point.String()
	for _, e := range w.entries[point] {
		t := w.tracerOf(point, e)
		if t == nil {
			w.log.Add(TracePhase{Type: "UNKNOWN", Subtype: point.String(), Result: ResultUnknown,
				Info: []string{fmt.Sprintf("unknown hook %T, not traced", e.h)}})
			w.res.Action = ActionUnknown
			return false
		}
		before := len(w.log.phases)
		v := t.Trace(&w.p, &w.log)
		for _, ph := range w.log.phases[before:] {
			if ph.Result == ResultUnknown {
				w.res.Action = ActionUnknown
				return false
			}
		}
		if v == Accept {
			continue
		}
		if len(w.log.phases) == before || w.log.phases[len(w.log.phases)-1].Result != ResultDrop {
			// A tracer that dropped without saying why still drops.
			w.log.Add(TracePhase{Type: "UNKNOWN", Subtype: point.String(), Result: ResultDrop,
				Info: []string{fmt.Sprintf("%T dropped the packet", e.h)}})
		}
		last := &w.log.phases[len(w.log.phases)-1]
		if v == DropProhibited {
			last.Info = append(last.Info, w.prohibitedNote())
		}
		w.res.Action, w.res.DropReason, w.res.DropPoint = ActionDrop, last.DropReason, w.log.point
		return false
	}
	return true
}

// tracerOf is a hook's own Tracer, or the one the options give for the
// stage it is attached at; nil when it has none.
func (w *tracer) tracerOf(point HookPoint, e hookEntry) Tracer {
	if t, ok := e.h.(Tracer); ok {
		return t
	}
	for s, t := range w.o.Stages {
		if t != nil && s.Point() == point && s.order() == e.order {
			return t
		}
	}
	return nil
}

// prohibitedNote says what the router answers a packet a hook refused with
// DropProhibited (forward.go: an ICMP 3/13 unless `no ip unreachables` on
// the receiving interface; rate-limited).
func (w *tracer) prohibitedNote() string {
	in := w.p.In
	if in != nil && in.index < len(w.s.ifaces) && w.s.ifaces[in.index].noUnreach {
		return "no unreachable sent (no ip unreachables on " + in.name + ")"
	}
	return fmt.Sprintf("ICMP unreachable (administratively prohibited) sent to %s, rate-limited", w.p.P.Src)
}

// routeAndOutput is receive's part after HookPreRouting, then output.
func (w *tracer) routeAndOutput() {
	p := &w.p
	w.log.point = "route"
	dst := p.P.Dst
	if dst == limitedBroadcast {
		w.local("limited broadcast: received by the router")
		return
	}
	if dst.IsMulticast() {
		w.drop(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "multicast",
			Info: []string{"no multicast routing"}, DropReason: DropMulticast})
		return
	}
	e, ok := w.s.fib.lookup(dst)
	if !ok {
		w.drop(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "Resolve Egress Interface",
			Info:       []string{fmt.Sprintf("no route to %s: ICMP host unreachable sent to %s", dst, p.P.Src)},
			DropReason: DropNoRoute})
		return
	}
	cfg := w.routeConfig(e)
	switch e.kind {
	case fibLocal:
		w.log.Add(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "Resolve Egress Interface", Config: cfg,
			Info: []string{fmt.Sprintf("%s is an address of this router: delivered to the router itself", dst)}})
		w.local("")
		return
	case fibBroadcast:
		w.log.Add(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "Resolve Egress Interface", Config: cfg,
			Info: []string{fmt.Sprintf("%s is a directed broadcast of a connected subnet: received, not forwarded", dst)}})
		w.local("")
		return
	case fibNull:
		w.drop(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "Resolve Egress Interface", Config: cfg,
			Info: []string{fmt.Sprintf("%s is in a loopback subnet: nowhere to send it", dst)}, DropReason: DropNoRoute})
		return
	}
	if p.P.TTL <= 1 {
		w.drop(TracePhase{Type: "IP-OPTIONS", Subtype: "ttl",
			Info:       []string{fmt.Sprintf("TTL %d: ICMP time exceeded sent to %s", p.P.TTL, p.P.Src)},
			DropReason: DropTTL})
		return
	}
	p.P.DecTTL(p.Buf)
	w.r.route(w.s, p, e)
	w.res.OutputInterface = p.Out.name
	w.res.OutputStatus, w.res.OutputLineStatus = w.ifaceStatus(p.Out)
	w.res.NextHop = p.NextHop
	w.log.Add(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "Resolve Egress Interface", Config: cfg,
		Info: []string{fmt.Sprintf("found next-hop %s using egress ifc %s", p.NextHop, p.Out.name)}})
	out := &w.s.ifaces[p.Out.index]
	if tooBigWithDF(p, out.mtu) {
		// output decides this before NAT inside-to-outside.
		w.drop(TracePhase{Type: "OUTPUT-INTERFACE", Subtype: "mtu",
			Info:       []string{fmt.Sprintf("%d bytes > MTU %d with DF set: ICMP fragmentation needed sent to %s", len(p.Buf), out.mtu, p.P.Src)},
			DropReason: DropFragDF})
		return
	}
	for _, point := range [...]HookPoint{HookPostRouting, HookOutput, HookInspect} {
		if !w.hooks(point) {
			return
		}
	}
	w.log.point = "transmit"
	if !out.up || out.port == nil {
		w.drop(TracePhase{Type: "OUTPUT-INTERFACE", Subtype: "line-status",
			Info: []string{fmt.Sprintf("%s is not up", p.Out.name)}, DropReason: DropIfcDown})
		return
	}
	if len(p.Buf) > out.mtu {
		if packet.IPv4(p.Buf).Flags()&packet.IPv4FlagDontFragment != 0 || (out.mtu-p.P.IHL)&^7 < 8 {
			w.drop(TracePhase{Type: "OUTPUT-INTERFACE", Subtype: "mtu",
				Info:       []string{fmt.Sprintf("%d bytes > MTU %d and cannot be fragmented: ICMP fragmentation needed sent", len(p.Buf), out.mtu)},
				DropReason: DropFragDF})
			return
		}
		w.log.Add(TracePhase{Type: "OUTPUT-INTERFACE", Subtype: "mtu",
			Info: []string{fmt.Sprintf("%d bytes > MTU %d: fragmented", len(p.Buf), out.mtu)}})
	}
	w.res.Action = ActionAllow
	w.res.Out = TracePacketOf(&p.P)
}

// local ends the trace with delivery to the router itself.
func (w *tracer) local(note string) {
	if note != "" {
		w.log.Add(TracePhase{Type: "ROUTE-LOOKUP", Subtype: "Resolve Egress Interface", Info: []string{note}})
	}
	w.res.Local = true
	w.res.Action = ActionAllow
	w.res.OutputInterface, w.res.OutputStatus, w.res.OutputLineStatus = IdentityInterface, "up", "up"
}

// routeConfig renders the route a FIB entry came from, as show ip route
// prints it.
func (w *tracer) routeConfig(e *fibEntry) []string {
	if e.rib < 0 || int(e.rib) >= len(w.s.rib) {
		return nil
	}
	re := w.s.rib[e.rib]
	line := fmt.Sprintf("%c %s", re.Code, re.Prefix)
	if re.Code == 'S' {
		line += fmt.Sprintf(" [%d/%d]", re.Distance, re.Metric)
	}
	switch {
	case re.NextHop.IsValid():
		line += " via " + re.NextHop.String()
	case re.Code == 'C':
		line += " is directly connected, " + re.Interface
	case re.Interface != "":
		line += " is directly connected, " + re.Interface
	}
	return []string{line}
}

// urpf is sourceVerified without its counters; false when the trace ended.
func (w *tracer) urpf(st *ifaceState) bool {
	p := &w.p
	v := &st.verify
	mode := "rx"
	if v.Mode == VerifyAny {
		mode = "any"
	}
	cfg := "ip verify unicast source reachable-via " + mode
	if v.AllowDefault {
		cfg += " allow-default"
	}
	if v.ACL != "" {
		cfg += " " + v.ACL
	}
	conf := []string{"interface " + st.iface.name, " " + cfg}
	if isBootRequest(&p.P) {
		w.log.Add(TracePhase{Type: "RPF-CHECK", Subtype: "unicast", Config: conf, Info: []string{"a DHCP client's request is exempt"}})
		return true
	}
	e, ok := w.s.fib.lookup(p.P.Src)
	if ok && e.kind == fibForward && (v.Mode == VerifyAny || int(e.out) == st.iface.index) &&
		(v.AllowDefault || e.rib < 0 || w.s.rib[e.rib].Prefix.Bits() != 0) {
		w.log.Add(TracePhase{Type: "RPF-CHECK", Subtype: "unicast", Config: conf,
			Info: []string{fmt.Sprintf("source %s is reachable via %s", p.P.Src, w.s.ifaces[e.out].iface.name)}})
		return true
	}
	why := fmt.Sprintf("source %s fails the %s check", p.P.Src, mode)
	if v.ACL != "" && w.s.aclEval != nil {
		if w.o.Lists == nil {
			w.log.Add(TracePhase{Type: "RPF-CHECK", Subtype: "unicast", Config: conf, Result: ResultUnknown,
				Info: []string{why + "; access-list " + v.ACL + " decides, not traced without a list evaluator"}})
			w.res.Action = ActionUnknown
			return false
		}
		if permit, found := w.o.Lists(v.ACL, &p.P); permit && found {
			w.log.Add(TracePhase{Type: "RPF-CHECK", Subtype: "unicast", Config: conf,
				Info: []string{why + "; access-list " + v.ACL + " permits it (counted as suppressed)"}})
			return true
		}
		why += "; access-list " + v.ACL + " does not permit it"
	}
	w.drop(TracePhase{Type: "RPF-CHECK", Subtype: "unicast", Config: conf, Info: []string{why}, DropReason: DropRPF})
	return false
}
