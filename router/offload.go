package router

import (
	"encoding/binary"

	"natlab/packet"
	"natlab/port"
)

// Super-packets. A port with offloads (the fast TUN) hands over TCP and
// UDP super-packets of up to 64 KB that the kernel cuts into segments only
// after the router wrote them, and packets whose transport checksum is a
// partial sum the kernel finishes. The pipeline looks at a super-packet's
// headers once for all its segments: the ACLs, NAT (whose setters keep a
// partial checksum partial) and inspection decide for all of them, and the
// packet leaves whole with its offload header. It is split here, in Go,
// only where the router must see or change single segments:
//
//   - a hook that rewrites payload wants them (SegmentWanter: the FTP
//     control channel), before the hooks run, or after NAT
//     outside-to-inside when a port-forward revealed the control port;
//   - the router's own services receive it (they take finished packets);
//   - the egress port takes no offloads (water TUN, Ethernet);
//   - the egress MTU is below the segments (then each segment is
//     fragmented, or with DF set the sender is told the MTU).

// txPort is one queue of an egress port, as the flush writes to it.
type txPort struct {
	port    port.Port
	hop     port.NextHopWriter
	offload port.OffloadPort
	worker  *worker // the queue's reader, whose answers a writer takes
}

func txPorts(queues []port.Port, workers []*worker) []txPort {
	if len(queues) == 0 {
		return nil
	}
	tps := make([]txPort, len(queues))
	for k, q := range queues {
		tps[k].port = q
		if k < len(workers) {
			tps[k].worker = workers[k]
		}
		tps[k].hop, _ = q.(port.NextHopWriter)
		tps[k].offload, _ = q.(port.OffloadPort)
	}
	return tps
}

// txPort is the queue of this interface's port that the worker of queue
// number queue writes to; nil when no port is bound.
func (st *ifaceState) txPort(queue int) *txPort {
	if len(st.queues) == 0 {
		return nil
	}
	return &st.queues[queue%len(st.queues)]
}

// takesOffload reports whether the interface's port writes super-packets
// and partial checksums as they are.
func (st *ifaceState) takesOffload() bool {
	return len(st.queues) > 0 && st.queues[0].offload != nil && st.queues[0].hop == nil
}

// wirePackets is how many packets on the wire the packet b with off
// stands for (the interface counters count those, as IOS does). The
// headers are measured in the packet: the kernel's hdr_len is only a hint.
func wirePackets(b []byte, off *port.Offload) uint64 {
	if off.GSO == port.GSONone || off.GSOSize == 0 || len(b) < packet.IPv4MinimumSize {
		return 1
	}
	hdr := int(b[0]&0xf) * 4
	switch {
	case off.GSO == port.GSOUDPL4:
		hdr += packet.UDPSize
	case len(b) >= hdr+packet.TCPMinimumSize:
		hdr += int(b[hdr+12]>>4) * 4
	}
	if hdr >= len(b) {
		return 1
	}
	return uint64((len(b) - hdr + int(off.GSOSize) - 1) / int(off.GSOSize))
}

// wantsSegments reports whether a hook must see p's segments one by one.
func (r *Router) wantsSegments(s *snapshot, p *Packet) bool {
	for _, w := range s.segmenters {
		if w.WantsSegments(p) {
			return true
		}
	}
	return false
}

// splitScratch holds what splitting needs, so that it allocates nothing
// once warm.
type splitScratch struct {
	bufs  []*[]byte
	segs  [][]byte
	sizes []int
}

// split cuts p into finished packets in pool buffers, which the flush
// returns to the pool (q.release), and returns them. A plain packet with a
// partial checksum is finished in place and returned as itself. A
// malformed super-packet yields nothing and is counted as an input error.
func (r *Router) split(p *Packet, q *txQueue) [][]byte {
	sc := &q.split
	sc.segs = sc.segs[:0]
	if p.Off.GSO == port.GSONone {
		if port.FinishChecksum(p.Buf, p.Off) != nil {
			r.splitError(p)
			return nil
		}
		return append(sc.segs, p.Buf)
	}
	n := port.OffloadSegments(p.Buf, p.Off)
	if n == 0 {
		r.splitError(p)
		return nil
	}
	size := port.SegmentLen(p.Buf, p.Off) + growRoom
	sc.bufs, sc.sizes = sc.bufs[:0], sc.sizes[:0]
	for k := 0; k < n; k++ {
		bp := r.getBuf(size)
		sc.bufs = append(sc.bufs, bp)
		sc.segs = append(sc.segs, (*bp)[:cap(*bp)])
		sc.sizes = append(sc.sizes, 0)
	}
	q.release = append(q.release, sc.bufs...)
	if _, err := port.SplitOffload(p.Buf, p.Off, sc.segs, sc.sizes); err != nil {
		r.splitError(p)
		return nil
	}
	for k := range sc.segs {
		sc.segs[k] = sc.segs[k][:sc.sizes[k]]
	}
	return sc.segs
}

func (r *Router) splitError(p *Packet) {
	if p.In != nil {
		p.In.c.inErrors.Add(1)
	} else if p.Out != nil {
		p.Out.c.outErrors.Add(1)
	}
}

// splitInput runs each segment of p through the whole pipeline, as if it
// had arrived alone.
func (r *Router) splitInput(s *snapshot, p *Packet, now int64, q *txQueue) {
	in := p.In
	for _, seg := range r.split(p, q) {
		r.receive(s, in, seg, port.Offload{}, now, q)
	}
}

// splitRouted takes each segment of p, which passed the inbound hooks as a
// whole, on from routing.
func (r *Router) splitRouted(s *snapshot, p *Packet, now int64, q *txQueue) {
	in, mark := p.In, p.Mark
	for _, seg := range r.split(p, q) {
		sp := &q.seg
		*sp = Packet{Buf: seg, In: in, Mark: mark}
		if sp.P.Decode(seg) != packet.OK {
			in.c.inErrors.Add(1)
			continue
		}
		r.forward(s, sp, now, q)
	}
}

// outputOffload queues p, which has an offload, on out: whole when the port
// takes it and its segments fit the MTU, otherwise finished or split here.
// It reports whether the caller goes on with p, which is then a finished
// plain packet (a partial checksum completed). pooled is owned from here on
// when it returns false.
func (r *Router) outputOffload(s *snapshot, p *Packet, out *ifaceState, now int64, q *txQueue, pooled *[]byte) bool {
	segLen := port.SegmentLen(p.Buf, p.Off)
	if out.takesOffload() && segLen <= out.mtu {
		q.pushOffload(int32(p.Out.index), p.Buf, pooled, p.NextHop, p.Off, int(wirePackets(p.Buf, &p.Off)))
		return false
	}
	if p.Off.GSO == port.GSONone {
		if port.FinishChecksum(p.Buf, p.Off) != nil {
			out.iface.c.outErrors.Add(1)
			r.putBuf(pooled)
			return false
		}
		p.Off, p.P.CsumPartial = port.Offload{}, false
		return true
	}
	// A super-packet with DF whose segments exceed the MTU was answered
	// before the hooks (output's tooBigWithDF); here each segment is
	// fragmented when it must be.
	segs := r.split(p, q)
	r.putBuf(pooled)
	hop, outIf := p.NextHop, p.Out
	for _, seg := range segs {
		sp := &q.seg
		*sp = Packet{Buf: seg, Out: outIf, NextHop: hop}
		if sp.P.Decode(seg) != packet.OK {
			out.iface.c.outErrors.Add(1)
			continue
		}
		if len(seg) > out.mtu {
			r.fragment(s, sp, out, now, q)
			continue
		}
		q.push(int32(outIf.index), seg, nil, hop)
	}
	return false
}

// quoteFirstSegment makes the datagram quoted in the ICMP error b (built
// about super-packet p) the first segment the kernel would have sent: its
// IP total length and, for UDP, its UDP length are those of one segment.
func quoteFirstSegment(b []byte, p *Packet) {
	if p.Off.GSO == port.GSONone {
		return
	}
	const q = packet.IPv4MinimumSize + packet.ICMPv4MinimumSize // where the quote starts
	segLen := port.SegmentLen(p.Buf, p.Off)
	if len(b) < q+p.P.IHL+8 {
		return
	}
	quoted := packet.IPv4(b[q:])
	quoted.SetTotalLength(uint16(segLen))
	quoted.UpdateChecksum()
	if p.P.IPProto == packet.ProtoUDP {
		binary.BigEndian.PutUint16(b[q+p.P.IHL+4:], uint16(segLen-p.P.IHL))
	}
	icmp := packet.ICMPv4(b[packet.IPv4MinimumSize:])
	icmp.SetChecksum(0)
	icmp.SetChecksum(icmp.CalculateChecksum())
}
