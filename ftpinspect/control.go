package ftpinspect

import (
	"bytes"
	"encoding/binary"

	"natlab/packet"
)

// TCP header offsets used here (packet.TCP has the accessors).
const (
	tcpFlagsOff = 13
	flagFIN     = 0x01
	flagSYN     = 0x02
	flagRST     = 0x04
	flagACK     = 0x10
)

// controlPacket runs one segment of an FTP control connection through its
// direction's stream and rewrites the packet: payload, length, sequence
// number, acknowledgment and SACK blocks, checksums. Caller holds in.mu.
func (in *Inspector) controlPacket(buf []byte, n int, p *packet.Parsed, toServer bool, inIdx int) Result {
	now := in.now()
	tcp := packet.TCP(buf[p.L4Off:p.TotalLen])
	flags := p.TCPFlags
	src := ep{p.Src.As4(), p.SrcPort}
	dst := ep{p.Dst.As4(), p.DstPort}
	dir, key := dirClient, connKey{cli: src, srv: dst}
	if !toServer {
		dir, key = dirServer, connKey{cli: dst, srv: src}
	}
	c := in.conns[key]
	if c != nil && c.expires <= now {
		in.removeConn(c)
		c = nil
	}
	seq := tcp.Seq()
	if c != nil && dir == dirClient && flags&(flagSYN|flagACK) == flagSYN && c.fin[0] && c.fin[1] {
		// A new connection reusing the tuple after a close.
		in.removeConn(c)
		c = nil
	}
	if c == nil {
		if flags&flagRST != 0 {
			return Result{Len: n}
		}
		if in.service != nil && !in.service(key.srv.addrPort()) {
			return Result{Len: n}
		}
		if len(in.conns) >= in.cfg.MaxConns {
			in.sweepLocked(now)
			if len(in.conns) >= in.cfg.MaxConns {
				in.stats.ConnTableFull++
				return Result{Len: n}
			}
		}
		c = &conn{in: in, key: key, holes: make([]*expectation, 0, in.cfg.MaxPinholesPerConn),
			inspect: true, idle: in.cfg.ConnIdle, created: now, id: in.newID()}
		if in.policy != nil {
			c.inspect, c.idle = in.policy(key.cli.addrPort(), key.srv.addrPort(), inIdx)
			if c.idle <= 0 {
				c.idle = in.cfg.ConnIdle
			}
		}
		in.conns[key] = c
		in.auditConn(c, true)
	}
	c.expires = now + int64(c.idle)
	c.lastHeard = now
	h, other := &c.h[dir], &c.h[1-dir]

	payload := buf[p.PayloadOff:p.TotalLen]
	if flags&flagSYN != 0 {
		if len(payload) == 0 && !h.synced {
			h.sync(seq + 1)
		}
		// A SYN carrying data is passed as it is (no edits can exist yet).
		return Result{Len: n}
	}

	// Never grow past MaxPacket; a packet that is already larger (a
	// coalesced super-packet) may keep its size but not grow.
	room := min(len(buf), max(in.cfg.MaxPacket, n)) - p.PayloadOff
	fin := flags&flagFIN != 0
	r := h.segment(seq, payload, fin, in.scratch[:0], room, c, dir)
	in.refreshTouched(&h.adj, now)
	if r.drop {
		in.stats.OutOfOrder++
		return Result{Len: n, Drop: true}
	}
	if r.released {
		in.stats.Released++
		in.event(c, Event{Kind: EvReleased})
	}
	full := false // the TCP checksum must be recomputed
	newLen := n
	if !bytes.Equal(r.out, payload) {
		newLen = p.PayloadOff + len(r.out)
		if newLen > len(buf) || newLen > 0xffff {
			in.stats.OutOfOrder++
			return Result{Len: n, Drop: true} // cannot happen with room honoured
		}
		copy(buf[p.PayloadOff:newLen], r.out)
		ip := packet.IPv4(buf)
		ip.SetTotalLength(uint16(newLen))
		ip.UpdateChecksum()
		tcp = packet.TCP(buf[p.L4Off:newLen])
		full = true
	}
	if fin && !r.finOK {
		tcp[tcpFlagsOff] &^= flagFIN
		full = true
		fin = false
	}
	if h.synced {
		if s := h.adj.outSeq(r.from); s != seq {
			tcp.SetSeq(s)
		}
	}
	if flags&flagACK != 0 && other.synced {
		ack := tcp.Ack()
		orig := other.adj.inSeq(ack)
		if orig != ack {
			tcp.SetAck(orig)
		}
		other.adj.prune(orig)
		if mapSACK(tcp, &other.adj) {
			full = true
		}
	}
	if full {
		tcp.SetChecksum(0)
		tcp.SetChecksum(^packet.Checksum(tcp, packet.PseudoHeaderChecksum(packet.ProtoTCP, p.Src, p.Dst, uint16(len(tcp)))))
	}
	if flags&flagRST != 0 {
		in.removeConn(c)
	} else if fin {
		c.fin[dir] = true
		if c.fin[0] && c.fin[1] {
			c.expires = now + int64(in.cfg.CloseLinger)
			in.closeHoles(c)
		}
	}
	return Result{Len: newLen}
}

// icmpError maps the TCP sequence number quoted in an ICMP error about a
// control segment back to the sender's space (§9 case 60): the quoted
// segment is what the receiver's side saw, with the rewritten numbering,
// and the sender checks that the number is in its window. The quoted
// packet is in the local view here (NAT translated it before this hook).
func (in *Inspector) icmpError(b []byte, p *packet.Parsed) {
	if p.PayloadOff >= len(b) {
		return
	}
	q := b[p.PayloadOff:]
	var qp packet.Parsed
	if qp.DecodeQuoted(q) != packet.OK || qp.IPProto != packet.ProtoTCP || !qp.HasPorts() || len(q) < qp.L4Off+8 {
		return
	}
	toServer := in.isControlPort(qp.DstPort)
	if !toServer && !in.isControlPort(qp.SrcPort) {
		return
	}
	src, dst := ep{qp.Src.As4(), qp.SrcPort}, ep{qp.Dst.As4(), qp.DstPort}
	dir, key := dirClient, connKey{cli: src, srv: dst}
	if !toServer {
		dir, key = dirServer, connKey{cli: dst, srv: src}
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
