package ftpinspect

import (
	"bytes"
	"encoding/binary"

	"natlab/packet"
)

// tcpFlagsOffset is where the flags byte sits in a TCP header (RFC 793
// §3.1); packet.TCP reads it but has no setter, and a FIN is cleared here.
const tcpFlagsOffset = 13

// controlPacket runs one segment of an FTP control connection through its
// direction's stream and rewrites the packet. toServer tells the direction
// (the destination is on a control port). Caller holds in.mu.
func (in *Inspector) controlPacket(buf []byte, n int, p *packet.Parsed, toServer bool, inIdx int) Result {
	now := in.now()
	dir, key := dirClient, tupleOf(p)
	if !toServer {
		dir, key = dirServer, key.Reverse()
	}
	c := in.connFor(key, dir, p.TCPFlags, p.PayloadOff == p.TotalLen, inIdx, now)
	if c == nil {
		return Result{Len: n}
	}
	if p.TCPFlags&packet.TCPSyn != 0 {
		// The stream starts after the SYN. A SYN carrying data is passed as
		// it is (no edits can exist yet).
		if h := &c.h[dir]; p.PayloadOff == p.TotalLen && !h.synced {
			h.sync(packet.TCP(buf[p.L4Off:]).Seq() + 1)
		}
		return Result{Len: n}
	}
	return in.rewriteSegment(c, dir, buf, n, p, now)
}

// connFor returns the live connection under key (client to server) and
// restarts its idle timer. It starts tracking a connection it does not
// know, or one whose tuple a client reuses after a close; nil means the
// packet is left alone (a RST, a segment with neither SYN nor data, such as
// the late ACK of a connection whose linger ran out, a server the service
// filter excludes, a full table).
func (in *Inspector) connFor(key packet.Tuple, dir int, flags uint8, empty bool, inIdx int, now int64) *conn {
	c := in.conns[key]
	if c != nil && (c.expires <= now || c.reopenedBy(dir, flags)) {
		in.removeConn(c)
		c = nil
	}
	if c == nil {
		if flags&packet.TCPRst != 0 || (empty && flags&packet.TCPSyn == 0) {
			return nil
		}
		if c = in.newConn(key, inIdx, now); c == nil {
			return nil
		}
	}
	if !c.fin[0] || !c.fin[1] { // closed: the linger runs out whatever follows
		c.expires = now + int64(c.idle)
	}
	c.lastHeard = now
	return c
}

// reopenedBy reports whether a packet in direction dir with flags is a
// client's SYN that reuses the tuple of this closed connection.
func (c *conn) reopenedBy(dir int, flags uint8) bool {
	return dir == dirClient && flags&(packet.TCPSyn|packet.TCPAck) == packet.TCPSyn && c.fin[0] && c.fin[1]
}

// newConn starts tracking the control connection key (client to server),
// inspected as the Policy says; nil when the service filter says the
// server is not an FTP server or the connection table is full.
func (in *Inspector) newConn(key packet.Tuple, inIdx int, now int64) *conn {
	if in.service != nil && !in.service(key.DstAddrPort()) {
		return nil
	}
	if len(in.conns) >= in.cfg.MaxConns {
		in.sweepLocked(now)
		if len(in.conns) >= in.cfg.MaxConns {
			in.stats.ConnTableFull++
			return nil
		}
	}
	c := &conn{in: in, key: key, holes: make([]*expectation, 0, in.cfg.MaxPinholesPerConn),
		inspect: true, idle: in.cfg.ConnIdle, created: now, id: in.newID()}
	if in.policy != nil {
		c.inspect, c.idle = in.policy(key.SrcAddrPort(), key.DstAddrPort(), inIdx)
		if c.idle <= 0 {
			c.idle = in.cfg.ConnIdle
		}
	}
	in.conns[key] = c
	in.auditConn(c, true)
	return c
}

// rewriteSegment passes a segment's payload through its direction's
// stream and makes the packet carry what the stream decided: payload,
// length, FIN, sequence number, acknowledgment and SACK blocks, checksums.
func (in *Inspector) rewriteSegment(c *conn, dir int, buf []byte, n int, p *packet.Parsed, now int64) Result {
	h := &c.h[dir]
	seq := packet.TCP(buf[p.L4Off:]).Seq()
	fin := p.TCPFlags&packet.TCPFin != 0
	// Never grow past MaxPacket; a packet that is already larger (a
	// coalesced super-packet) may keep its size but not grow.
	room := min(len(buf), max(in.cfg.MaxPacket, n)) - p.PayloadOff
	r := h.segment(seq, buf[p.PayloadOff:p.TotalLen], fin, in.scratch[:0], room, c, dir)
	in.refreshTouched(&h.adj, now)
	if r.drop {
		in.stats.OutOfOrder++
		return Result{Len: n, Drop: true}
	}
	if r.released {
		in.stats.Released++
		in.event(c, Event{Kind: EvReleased})
	}
	newLen, full := n, false // full: the TCP checksum must be recomputed
	if !bytes.Equal(r.out, buf[p.PayloadOff:p.TotalLen]) {
		if newLen = replacePayload(buf, p, r.out); newLen < 0 {
			in.stats.OutOfOrder++
			return Result{Len: n, Drop: true} // cannot happen with room honoured
		}
		full = true
	}
	tcp := packet.TCP(buf[p.L4Off:newLen])
	if fin && !r.finOK {
		// Bytes of the segment are held back: its FIN waits for them.
		tcp[tcpFlagsOffset] &^= packet.TCPFin
		full, fin = true, false
	}
	if c.mapNumbers(tcp, dir, seq, r.from, p.TCPFlags) {
		full = true
	}
	if full {
		tcp.SetChecksum(0)
		tcp.SetChecksum(^packet.Checksum(tcp, packet.PseudoHeaderChecksum(packet.ProtoTCP, p.Src, p.Dst, uint16(len(tcp)))))
	}
	if p.TCPFlags&packet.TCPRst != 0 || fin {
		in.closeState(c, dir, p.TCPFlags, fin, now)
	}
	return Result{Len: newLen}
}

// replacePayload writes out over the segment's payload and fixes the IP
// total length and header checksum. It returns the packet's new length,
// or -1 when out does not fit in buf.
func replacePayload(buf []byte, p *packet.Parsed, out []byte) int {
	n := p.PayloadOff + len(out)
	if n > len(buf) || n > 0xffff {
		return -1
	}
	copy(buf[p.PayloadOff:n], out)
	ip := packet.IPv4(buf)
	ip.SetTotalLength(uint16(n))
	ip.UpdateChecksum()
	return n
}

// mapNumbers moves a segment of direction dir into the receiver's
// sequence space: its sequence number (the output starts at original
// number from; seq is the one on the wire) through this direction's
// edits, its acknowledgment and SACK blocks back through the other
// direction's. Sequence and acknowledgment numbers update the checksum
// incrementally; it reports whether SACK blocks changed, which needs a
// full recomputation.
func (c *conn) mapNumbers(tcp packet.TCP, dir int, seq, from uint32, flags uint8) (sackChanged bool) {
	h, other := &c.h[dir], &c.h[1-dir]
	if h.synced {
		if s := h.adj.outSeq(from); s != seq {
			tcp.SetSeq(s)
		}
	}
	if flags&packet.TCPAck == 0 || !other.synced {
		return false
	}
	ack := tcp.Ack()
	orig := other.adj.inSeq(ack)
	if orig != ack {
		tcp.SetAck(orig)
	}
	other.adj.prune(orig)
	return mapSACK(tcp, &other.adj)
}

// closeState follows the connection's end after a RST or a FIN passed on:
// a RST removes it; after both FINs it lingers for late retransmissions
// and its pending pinholes close.
func (in *Inspector) closeState(c *conn, dir int, flags uint8, fin bool, now int64) {
	if flags&packet.TCPRst != 0 {
		in.removeConn(c)
		return
	}
	if !fin {
		return
	}
	c.fin[dir] = true
	if c.fin[0] && c.fin[1] {
		c.expires = now + int64(in.cfg.CloseLinger)
		in.closeHoles(c)
	}
}

// icmpError maps the TCP sequence number quoted in an ICMP error about a
// control segment back to the sender's space (§9 case 60): the quoted
// segment is what the receiver's side saw, with the rewritten numbering,
// and the sender checks that the number is in its window. The quoted
// packet is in the local view here (NAT translated it before this stage).
func (in *Inspector) icmpError(b []byte, p *packet.Parsed) {
	var qp packet.Parsed
	q, res := p.Quoted(b, &qp)
	if res != packet.OK || qp.IPProto != packet.ProtoTCP || !qp.HasPorts() || len(q) < qp.L4Off+8 {
		return
	}
	toServer := in.isControlPort(qp.DstPort)
	if !toServer && !in.isControlPort(qp.SrcPort) {
		return
	}
	dir, key := dirClient, qp.Tuple()
	if !toServer {
		dir, key = dirServer, key.Reverse()
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.conns[key]
	if c == nil || !c.h[dir].synced {
		return
	}
	at := q[qp.L4Off+4:]
	old := binary.BigEndian.Uint32(at)
	if v := c.h[dir].adj.inSeq(old); v != old {
		binary.BigEndian.PutUint32(at, v)
		// The quoted header starts at an even offset of the ICMP message,
		// so the 32-bit field is word-aligned for the incremental update.
		m := packet.ICMPv4(b[p.L4Off:])
		m.SetChecksum(packet.UpdateChecksum32(m.Checksum(), old, v))
	}
}

// mapSACK maps the SACK blocks (RFC 2018) of a segment through the
// reverse direction's edits; it reports whether anything changed.
func mapSACK(tcp packet.TCP, adj *seqAdj) bool {
	if adj.n == 0 && adj.base == 0 {
		return false
	}
	off := tcp.DataOffset()
	if off < packet.TCPMinimumSize || off > len(tcp) {
		return false
	}
	opts := tcp[packet.TCPMinimumSize:off]
	changed := false
	for i := 0; i < len(opts); {
		switch opts[i] {
		case 0:
			return changed
		case 1:
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 || i+int(opts[i+1]) > len(opts) {
			return changed
		}
		l := int(opts[i+1])
		if opts[i] == 5 {
			for b := i + 2; b+8 <= i+l; b += 8 {
				for _, at := range [2]int{b, b + 4} {
					v := binary.BigEndian.Uint32(opts[at:])
					if w := adj.inSeq(v); w != v {
						binary.BigEndian.PutUint32(opts[at:], w)
						changed = true
					}
				}
			}
		}
		i += l
	}
	return changed
}
