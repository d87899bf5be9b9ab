package router

import (
	"net/netip"
	"slices"

	"natlab/packet"
	"natlab/port"
)

// growRoom is the headroom past the MTU in every packet buffer, so a hook
// may grow a packet in place (an FTP ALG writing a longer address).
const growRoom = 512

// maxBatch caps how many packets one worker reads at once.
const maxBatch = 128

// txItem is a packet waiting to be written to interface out.
type txItem struct {
	out    int32
	segs   int32 // wire packets it stands for (a super-packet's segments)
	buf    []byte
	pooled *[]byte    // returned to the pool after the write; nil for read buffers
	hop    netip.Addr // the on-link next hop, for ports that resolve it (Ethernet)
	off    port.Offload
}

// txQueue collects a batch's outgoing packets so that each port gets one
// Write per batch. It also carries the scratch Packets of the pipeline, so
// nothing is allocated per packet. A txQueue belongs to one goroutine.
type txQueue struct {
	items   []txItem
	batch   [][]byte
	hops    []netip.Addr
	offs    []port.Offload
	release []*[]byte
	pkt     Packet // the packet being processed
	errPkt  Packet // an ICMP error generated about it
	seg     Packet // a segment of a super-packet being split
	split   splitScratch
	// queue is the number of the port queue the owner reads: it writes to
	// the same-numbered queue of every egress port.
	queue int
	// owner is the worker the queue belongs to (nil for router-originated
	// packets); touched are the workers of the ports it wrote to, whose
	// answers it takes after the flush.
	owner   *worker
	touched []*worker
}

func newTxQueue(n int) *txQueue {
	return &txQueue{
		items:   make([]txItem, 0, 2*n),
		batch:   make([][]byte, 0, 2*n),
		hops:    make([]netip.Addr, 0, 2*n),
		offs:    make([]port.Offload, 0, 2*n),
		release: make([]*[]byte, 0, 2*n),
	}
}

func (q *txQueue) push(out int32, buf []byte, pooled *[]byte, hop netip.Addr) {
	q.items = append(q.items, txItem{out: out, segs: 1, buf: buf, pooled: pooled, hop: hop})
}

// pushOffload queues a packet with what it owes the kernel, for a port
// that takes offloads.
func (q *txQueue) pushOffload(out int32, buf []byte, pooled *[]byte, hop netip.Addr, off port.Offload, segs int) {
	q.items = append(q.items, txItem{out: out, segs: int32(segs), buf: buf, pooled: pooled, hop: hop, off: off})
}

// flush writes the queued packets, one Write per outgoing port, updates the
// output counters and recycles generated packets' buffers.
func (q *txQueue) flush(r *Router, s *snapshot, now int64) {
	for len(q.items) > 0 {
		idx := q.items[0].out
		st := &s.ifaces[idx]
		tp := st.txPort(q.queue)
		// Next hops and offloads are gathered only for a port that takes
		// them.
		wantHops, wantOffs := tp != nil && tp.hop != nil, tp != nil && tp.offload != nil
		q.batch, q.hops, q.offs = q.batch[:0], q.hops[:0], q.offs[:0]
		var bytes, segs uint64
		j := 0
		for _, it := range q.items {
			if it.out != idx {
				q.items[j] = it
				j++
				continue
			}
			q.batch = append(q.batch, it.buf)
			if wantHops {
				q.hops = append(q.hops, it.hop)
			}
			if wantOffs {
				q.offs = append(q.offs, it.off)
			}
			bytes += uint64(len(it.buf))
			segs += uint64(it.segs)
			if it.pooled != nil {
				q.release = append(q.release, it.pooled)
			}
		}
		q.items = q.items[:j]
		c := &st.iface.c
		n, err := 0, error(nil)
		if tp != nil {
			if tp.worker != nil && tp.worker.nb != nil && tp.worker != q.owner && q.owner != nil && !slices.Contains(q.touched, tp.worker) {
				q.touched = append(q.touched, tp.worker)
			}
			switch {
			case tp.hop != nil:
				n, err = tp.hop.WriteNextHop(q.batch, q.hops, 0)
			case tp.offload != nil:
				n, err = tp.offload.WriteOffload(q.batch, q.offs, 0)
			default:
				n, err = tp.port.Write(q.batch, 0)
			}
		}
		if err != nil || n < len(q.batch) {
			// A failing Write is an output error (IOS: errors that kept
			// a packet from leaving); a short one without error, a drop.
			lost := uint64(len(q.batch) - n)
			if err != nil {
				c.outErrors.Add(lost)
			} else {
				c.outDrops.Add(lost)
			}
			for _, b := range q.batch[n:] {
				bytes -= uint64(len(b))
			}
			segs -= lost // a lost super-packet counts as one
		}
		if n > 0 {
			c.outPackets.Add(segs)
			c.outBytes.Add(bytes)
			c.lastOut.Store(now)
		}
		clear(q.batch)
	}
	for k, b := range q.release {
		r.putBuf(b)
		q.release[k] = nil
	}
	q.release = q.release[:0]
	for k, w := range q.touched {
		w.steal()
		q.touched[k] = nil
	}
	q.touched = q.touched[:0]
}

// receive runs the pipeline for one packet that arrived on in, which is
// up; the caller has counted it in. Outgoing packets are queued on q; the
// caller flushes q.
func (r *Router) receive(s *snapshot, in *Interface, buf []byte, off port.Offload, now int64, q *txQueue) {
	c := &in.c
	p := &q.pkt
	// Field by field: Decode resets P, and zeroing the whole Packet first
	// cost a tenth of the pipeline.
	p.Buf, p.In, p.Out, p.NextHop, p.Mark, p.Off = buf, in, nil, netip.Addr{}, 0, off
	if res := p.P.Decode(buf); res != packet.OK {
		if res == packet.ErrVersion && buf[0]>>4 == 6 {
			// IPv6 is not enabled: IOS counts these as unknown protocol
			// drops, not errors (a namespace's kernel sends IPv6
			// neighbour discovery as soon as its device is up).
			c.inUnknown.Add(1)
			return
		}
		c.inErrors.Add(1)
		return
	}
	if p.P.TotalLen < len(buf) {
		p.Buf = buf[:p.P.TotalLen] // link-layer padding
	}
	if isMartianSource(p.P.Src) && !isBootRequest(&p.P) {
		c.inDrops.Add(1)
		return
	}
	if !off.IsZero() {
		p.P.CsumPartial = off.NeedsCsum
		if r.wantsSegments(s, p) {
			r.splitInput(s, p, now, q)
			return
		}
	}
	if !r.inbound(s, p, HookInput, now, q) {
		return
	}
	// uRPF after the input ACL, before NAT and routing, on the source on
	// the wire.
	if st := &s.ifaces[in.index]; st.verify.Mode != VerifyOff && !r.sourceVerified(s, st, p) {
		return
	}
	if !r.inbound(s, p, HookPreRouting, now, q) {
		return
	}
	if !p.Off.IsZero() && r.wantsSegments(s, p) {
		r.splitRouted(s, p, now, q)
		return
	}
	r.forward(s, p, now, q)
}

// forward takes a packet that passed the inbound hooks to the router
// itself or routes it out.
func (r *Router) forward(s *snapshot, p *Packet, now int64, q *txQueue) {
	c := &p.In.c
	dst := p.P.Dst
	if dst == limitedBroadcast {
		c.inBcast.Add(1)
		r.deliverLocal(s, p, true, now, q, nil)
		return
	}
	if dst.IsMulticast() {
		c.inMcast.Add(1)
		c.inDrops.Add(1) // no multicast routing
		return
	}
	e, ok := s.fib.lookup(dst)
	if !ok {
		c.inDrops.Add(1)
		r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPHostUnreachable, 0, now, q)
		return
	}
	switch e.kind {
	case fibLocal, fibBroadcast:
		if !p.Off.IsZero() {
			// The router's own services take finished packets.
			r.splitRouted(s, p, now, q)
			return
		}
		if e.kind == fibBroadcast {
			// No `ip directed-broadcast`: taken as a local broadcast,
			// not forwarded.
			c.inBcast.Add(1)
		}
		r.deliverLocal(s, p, e.kind == fibBroadcast, now, q, nil)
		return
	case fibNull:
		c.inDrops.Add(1)
		return
	}
	if p.P.TTL <= 1 {
		c.inDrops.Add(1)
		r.icmpError(s, p, packet.ICMPTimeExceeded, packet.ICMPTTLExceededTransit, 0, now, q)
		return
	}
	p.P.DecTTL(p.Buf)
	r.route(s, p, e)
	r.output(s, p, now, q, nil)
}

// inbound runs an inbound hook point and acts on a verdict other than
// Accept; it reports whether the packet goes on.
func (r *Router) inbound(s *snapshot, p *Packet, point HookPoint, now int64, q *txQueue) bool {
	switch runHooks(s, point, p) {
	case Accept:
		return true
	case Drop:
		p.In.c.inDrops.Add(1)
	case DropProhibited:
		p.In.c.inDrops.Add(1)
		r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPAdminProhibited, 0, now, q)
	}
	return false
}

func runHooks(s *snapshot, point HookPoint, p *Packet) Verdict {
	for _, h := range s.hooks[point] {
		if v := h.Process(p); v != Accept {
			return v
		}
	}
	return Accept
}

// route fills the routing results into p.
func (r *Router) route(s *snapshot, p *Packet, e *fibEntry) {
	p.Out = s.ifaces[e.out].iface
	p.NextHop = e.nextHop
	if !p.NextHop.IsValid() {
		p.NextHop = p.P.Dst
	}
}

// output runs the post-routing hooks and queues p on p.Out. pooled, when
// not nil, is the pool buffer behind p.Buf: output owns it from here on.
func (r *Router) output(s *snapshot, p *Packet, now int64, q *txQueue, pooled *[]byte) {
	out := &s.ifaces[p.Out.index]
	if (len(p.Buf) > out.mtu || p.Off.GSO != port.GSONone) && tooBigWithDF(p, out.mtu) {
		// Before NAT inside-to-outside, so that "fragmentation needed"
		// goes to the sender's own address and quotes its packet as sent.
		out.iface.c.outDrops.Add(1)
		r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPFragNeeded, uint16(out.mtu), now, q)
		r.putBuf(pooled)
		return
	}
	for _, point := range [...]HookPoint{HookPostRouting, HookOutput, HookInspect} {
		switch runHooks(s, point, p) {
		case Accept:
			continue
		case Drop:
			out.iface.c.outDrops.Add(1)
		case DropProhibited:
			out.iface.c.outDrops.Add(1)
			r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPAdminProhibited, 0, now, q)
		}
		r.putBuf(pooled)
		return
	}
	if !out.up || out.port == nil {
		out.iface.c.outDrops.Add(1)
		r.putBuf(pooled)
		return
	}
	if !p.Off.IsZero() && !r.outputOffload(s, p, out, now, q, pooled) {
		return
	}
	if len(p.Buf) > out.mtu {
		r.fragment(s, p, out, now, q)
		r.putBuf(pooled)
		return
	}
	q.push(int32(p.Out.index), p.Buf, pooled, p.NextHop)
}

// tooBigWithDF reports a packet with DF set that does not fit mtu (for a
// super-packet: whose segments do not).
func tooBigWithDF(p *Packet, mtu int) bool {
	size := len(p.Buf)
	if p.Off.GSO != port.GSONone {
		size = port.SegmentLen(p.Buf, p.Off)
	}
	return size > mtu && packet.IPv4(p.Buf).Flags()&packet.IPv4FlagDontFragment != 0
}

// fragment splits p to fit out.mtu (RFC 791), or answers "fragmentation
// needed" when DF is set (RFC 1191: the next-hop MTU goes in the message).
func (r *Router) fragment(s *snapshot, p *Packet, out *ifaceState, now int64, q *txQueue) {
	ip := packet.IPv4(p.Buf)
	hl := p.P.IHL
	maxData := (out.mtu - hl) &^ 7
	if ip.Flags()&packet.IPv4FlagDontFragment != 0 || maxData < 8 {
		out.iface.c.outDrops.Add(1)
		r.icmpError(s, p, packet.ICMPDestUnreachable, packet.ICMPFragNeeded, uint16(out.mtu), now, q)
		return
	}
	data := p.Buf[hl:]
	baseOff := ip.FragmentOffset()
	moreAfter := ip.Flags()&packet.IPv4FlagMoreFragments != 0
	for off := 0; off < len(data); off += maxData {
		end := min(off+maxData, len(data))
		bp := r.getBuf(hl + end - off)
		f := (*bp)[:hl+end-off]
		copy(f, p.Buf[:hl])
		copy(f[hl:], data[off:end])
		fi := packet.IPv4(f)
		fi.SetTotalLength(uint16(len(f)))
		fo := uint16((baseOff+off)/8) | ip.Flags()
		if end < len(data) || moreAfter {
			fo |= packet.IPv4FlagMoreFragments
		}
		f[6], f[7] = byte(fo>>8), byte(fo)
		fi.UpdateChecksum()
		q.push(int32(out.iface.index), f, bp, p.NextHop)
	}
}

// sendFromRouter routes a router-originated packet (an echo reply, an
// ICMP error, a ping or traceroute probe) through the output path, or
// delivers it locally when it is for the router itself. It reports whether
// a route existed. pooled is owned from here on.
func (r *Router) sendFromRouter(s *snapshot, p *Packet, now int64, q *txQueue, pooled *[]byte) bool {
	p.In, p.Out, p.Mark = nil, nil, 0
	dst := p.P.Dst
	if dst == limitedBroadcast {
		r.putBuf(pooled)
		return false
	}
	e, ok := s.fib.lookup(dst)
	if !ok {
		r.putBuf(pooled)
		return false
	}
	switch e.kind {
	case fibLocal, fibBroadcast:
		r.deliverLocal(s, p, e.kind == fibBroadcast, now, q, pooled)
		return true
	case fibNull:
		r.putBuf(pooled)
		return true
	}
	r.route(s, p, e)
	r.output(s, p, now, q, pooled)
	return true
}

// originate sends a packet built by the router (Ping, Traceroute) from the
// calling goroutine.
func (r *Router) originate(b []byte) bool {
	s := r.snap.Load()
	q := newTxQueue(1)
	p := &q.pkt
	*p = Packet{Buf: b}
	if p.P.Decode(b) != packet.OK {
		return false
	}
	now := r.clock().UnixNano()
	ok := r.sendFromRouter(s, p, now, q, nil)
	q.flush(r, s, now)
	return ok
}

var limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// isBootRequest reports a DHCP/BOOTP client's broadcast from 0.0.0.0, the
// one packet a martian source may send (RFC 1812 §4.2.3.1, RFC 2131): it can
// only be delivered to the router (a DHCP server or relay), never forwarded.
func isBootRequest(p *packet.Parsed) bool {
	return p.Src.IsUnspecified() && p.Dst == limitedBroadcast && p.IPProto == packet.ProtoUDP && p.DstPort == 67
}

// isMartianSource reports source addresses no host may use (RFC 1812
// §5.3.7): 0/8, 127/8, multicast, class E and the limited broadcast.
func isMartianSource(a netip.Addr) bool {
	b := a.As4()
	return b[0] == 0 || b[0] == 127 || b[0] >= 224
}
