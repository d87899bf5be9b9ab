package router

import (
	"encoding/binary"
	"maps"
	"net/netip"
	"sync"
	"time"

	"natlab/packet"
)

// waitKey names a local listener: an echo identifier for Ping, a UDP
// source port for Traceroute.
type waitKey struct {
	proto packet.Proto
	id    uint16
}

// localEvent is an answer to a router-originated probe.
type localEvent struct {
	typ, code uint8      // ICMP type and code that arrived
	from      netip.Addr // who sent it
	seq       uint16     // echo sequence, or the probe's UDP destination port
	at        time.Time
}

// listeners maps the probes in flight to their Ping or Traceroute. It is
// replaced, never changed, so that dispatch reads it without a lock; probes
// start and end far less often than answers arrive.
type listeners map[waitKey]chan localEvent

func (r *Router) listen(k waitKey) chan localEvent {
	ch := make(chan localEvent, 16)
	r.editListeners(func(m listeners) { m[k] = ch })
	return ch
}

func (r *Router) unlisten(k waitKey) {
	r.editListeners(func(m listeners) { delete(m, k) })
}

// editListeners publishes a changed copy of the listeners.
func (r *Router) editListeners(edit func(listeners)) {
	r.waitMu.Lock()
	defer r.waitMu.Unlock()
	m := maps.Clone(*r.waiters.Load())
	edit(m)
	r.waiters.Store(&m)
}

func (r *Router) dispatch(k waitKey, ev localEvent) {
	if ch := (*r.waiters.Load())[k]; ch != nil {
		ev.at = r.clock()
		select {
		case ch <- ev:
		default:
		}
	}
}

// deliverLocal handles a packet addressed to the router: it answers echo
// requests from any of its addresses, passes answers to its own probes to
// Ping and Traceroute, and answers UDP with port unreachable (which is what
// ends a traceroute to the router). bcast says it came to a broadcast
// address. pooled is owned from here on.
func (r *Router) deliverLocal(s *snapshot, p *Packet, bcast bool, now int64, q *txQueue, pooled *[]byte) {
	if p.P.Frag != packet.NotFragment {
		whole := r.frags.add(p, now)
		r.putBuf(pooled)
		if whole == nil {
			return
		}
		in := p.In
		*p = Packet{Buf: whole, In: in}
		if p.P.Decode(whole) != packet.OK {
			return
		}
		pooled = nil
	}
	switch p.P.IPProto {
	case packet.ProtoICMP:
		r.deliverICMP(s, p, bcast, now, q, pooled)
		return
	case packet.ProtoUDP:
		if !r.takeLocalUDP(p) && !bcast {
			r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPPortUnreachable, 0, now, q)
		}
	case packet.ProtoTCP:
		if !bcast && !r.takeLocalTCP(p) {
			r.tcpReset(s, p, now, q)
		}
	default:
		if !bcast {
			r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPProtoUnreachable, 0, now, q)
		}
	}
	r.putBuf(pooled)
}

// tcpReset refuses a TCP segment to the router, which listens on no port:
// a reset as RFC 793 §3.4 prescribes for a closed port ("connection
// refused" for the client).
func (r *Router) tcpReset(s *snapshot, p *Packet, now int64, q *txQueue) {
	if p.P.TCPFlags&packet.TCPRst != 0 || isMartianSource(p.P.Src) {
		return
	}
	seg := packet.TCP(p.Buf[p.P.L4Off:p.P.TotalLen])
	var seq, ack uint32
	flags := packet.TCPRst
	if p.P.TCPFlags&packet.TCPAck != 0 {
		seq = seg.Ack()
	} else {
		ack = seg.Seq() + uint32(p.P.TotalLen-p.P.PayloadOff)
		if p.P.TCPFlags&packet.TCPSyn != 0 {
			ack++
		}
		if p.P.TCPFlags&packet.TCPFin != 0 {
			ack++
		}
		flags |= packet.TCPAck
	}
	bp := r.getBuf(packet.IPv4MinimumSize + packet.TCPMinimumSize)
	n := packet.BuildTCP(*bp, p.P.Dst, p.P.Src, p.P.DstPort, p.P.SrcPort, seq, ack, flags, 0, r.nextIPID(), packet.IPv4DefaultTTL, nil)
	e := &q.errPkt
	*e = Packet{Buf: (*bp)[:n]}
	if n == 0 || e.P.Decode(e.Buf) != packet.OK {
		r.putBuf(bp)
		return
	}
	r.sendFromRouter(s, e, now, q, bp)
}

func (r *Router) deliverICMP(s *snapshot, p *Packet, bcast bool, now int64, q *txQueue, pooled *[]byte) {
	b := p.Buf
	if !p.P.TransportChecksumOK(b) {
		r.putBuf(pooled)
		return
	}
	m := packet.ICMPv4(b[p.P.L4Off:p.P.TotalLen])
	switch t := p.P.ICMPType; {
	case t == packet.ICMPEcho:
		// Answer in place: swap the addresses, reply from the address that
		// was pinged (from the receiving interface's for a broadcast).
		src := p.P.Dst
		if bcast {
			if p.In == nil {
				r.putBuf(pooled)
				return
			}
			src = s.ifaces[p.In.index].addr.Addr()
			if !src.IsValid() {
				r.putBuf(pooled)
				return
			}
		}
		peer := p.P.Src
		p.P.SetSrcAddr(b, src)
		p.P.SetDstAddr(b, peer)
		p.P.SetTTL(b, packet.IPv4DefaultTTL)
		m.SetType(packet.ICMPEchoReply)
		p.P.ICMPType = packet.ICMPEchoReply
		r.sendFromRouter(s, p, now, q, pooled)
		return
	case t == packet.ICMPEchoReply:
		r.dispatch(waitKey{packet.ProtoICMP, p.P.ICMPID}, localEvent{typ: t, from: p.P.Src, seq: m.Seq()})
	case packet.ICMPIsError(t):
		quoted := b[p.P.PayloadOff:p.P.TotalLen]
		var qp packet.Parsed
		if qp.DecodeQuoted(quoted) != packet.OK || !r.isLocal(s, qp.Src) {
			break
		}
		ev := localEvent{typ: t, code: p.P.ICMPCode, from: p.P.Src}
		switch {
		case qp.IPProto == packet.ProtoICMP && qp.ICMPType == packet.ICMPEcho:
			ev.seq = binary.BigEndian.Uint16(quoted[qp.L4Off+6:])
			r.dispatch(waitKey{packet.ProtoICMP, qp.ICMPID}, ev)
		case qp.IPProto == packet.ProtoUDP:
			ev.seq = qp.DstPort
			r.dispatch(waitKey{packet.ProtoUDP, qp.SrcPort}, ev)
		}
	}
	r.putBuf(pooled)
}

func (r *Router) isLocal(s *snapshot, a netip.Addr) bool {
	e, ok := s.fib.lookup(a)
	return ok && e.kind == fibLocal
}

// icmpError answers p with an ICMP error (RFC 1812 §4.3.2): never about an
// ICMP error, a later fragment, a broadcast or multicast destination, or a
// source that is not a unicast host. Unreachables are rate-limited per
// receiving interface (IOS `ip icmp rate-limit unreachable`, 500 ms);
// time exceeded is not, as on IOS. The error leaves through the output
// path like any router-originated packet.
func (r *Router) icmpError(s *snapshot, p *Packet, typ, code uint8, mtu uint16, now int64, q *txQueue) {
	if p.P.Frag == packet.LaterFragment ||
		p.P.IPProto == packet.ProtoICMP && !packet.ICMPIsQuery(p.P.ICMPType) ||
		isMartianSource(p.P.Src) || p.P.Dst == limitedBroadcast || p.P.Dst.IsMulticast() {
		return
	}
	if typ == packet.ICMPDestUnreachable {
		if p.In != nil && s.ifaces[p.In.index].noUnreach {
			return // `no ip unreachables`
		}
		if !r.allowUnreachable(p.In, now) {
			return
		}
	}
	src := r.errorSource(s, p)
	if !src.IsValid() {
		return
	}
	bp := r.getBuf(packet.IPv4MinimumSize + packet.ICMPv4MinimumSize + p.P.IHL + packet.ICMPQuoteLen)
	n := packet.BuildICMPError(*bp, typ, code, src, p.Buf, mtu, r.nextIPID())
	if n == 0 {
		r.putBuf(bp)
		return
	}
	quoteFirstSegment((*bp)[:n], p)
	e := &q.errPkt
	*e = Packet{Buf: (*bp)[:n]}
	if e.P.Decode(e.Buf) != packet.OK {
		r.putBuf(bp)
		return
	}
	r.sendFromRouter(s, e, now, q, bp)
}

// Unresolved answers a packet that could not leave because its next hop's
// link-layer address did not resolve (ARP gave up): ICMP host unreachable
// to its source, as IOS sends. It is called by Ethernet ports from their
// own goroutine; pkt is not kept.
func (r *Router) Unresolved(pkt []byte) {
	s := r.snap.Load()
	q := newTxQueue(1)
	p := &q.pkt
	*p = Packet{Buf: pkt}
	if p.P.Decode(pkt) != packet.OK {
		return
	}
	now := r.clock().UnixNano()
	r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPHostUnreachable, 0, now, q)
	q.flush(r, s, now)
}

// errorSource picks the source of an ICMP error: for a packet addressed to
// the router (port or protocol unreachable), the address it was sent to, so
// a traceroute to any router address ends with that address; otherwise the
// address of the interface the offending packet came in on, else of the
// interface the error will leave by.
func (r *Router) errorSource(s *snapshot, p *Packet) netip.Addr {
	if r.isLocal(s, p.P.Dst) {
		return p.P.Dst
	}
	if p.In != nil {
		if a := s.ifaces[p.In.index].addr; a.IsValid() {
			return a.Addr()
		}
	}
	return r.sourceFor(s, p.P.Src)
}

// sourceFor is the address the router sends from towards dst: the
// outgoing interface's address, or dst itself when it is the router's.
func (r *Router) sourceFor(s *snapshot, dst netip.Addr) netip.Addr {
	e, ok := s.fib.lookup(dst)
	if !ok {
		return netip.Addr{}
	}
	if e.kind == fibLocal {
		return dst
	}
	return s.ifaces[e.out].addr.Addr()
}

func (r *Router) allowUnreachable(in *Interface, now int64) bool {
	lim := r.icmpLimit.Load()
	if lim < 0 {
		return true
	}
	slot := &r.localICMP
	if in != nil {
		slot = &in.icmpLast
	}
	last := slot.Load()
	if last != 0 && now-last < lim && now >= last {
		return false
	}
	return slot.CompareAndSwap(last, now)
}

func (r *Router) nextIPID() uint16 { return uint16(r.ipID.Add(1)) }

// Generated packets (ICMP errors, fragments) take their buffers from a pool.
const poolBufSize = 2048

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, poolBufSize)
	return &b
}}

func (r *Router) getBuf(n int) *[]byte {
	if n > poolBufSize {
		b := make([]byte, n)
		return &b
	}
	bp := bufPool.Get().(*[]byte)
	*bp = (*bp)[:poolBufSize]
	return bp
}

func (r *Router) putBuf(bp *[]byte) {
	if bp != nil && cap(*bp) == poolBufSize {
		bufPool.Put(bp)
	}
}
