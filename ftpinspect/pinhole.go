package ftpinspect

import (
	"net/netip"

	"natlab/packet"
)

// dataPacket handles a packet of a possible data connection: a SYN may
// claim a pinhole; later packets of a claimed connection are related.
func (in *Inspector) dataPacket(buf []byte, p *packet.Parsed) Result {
	n := len(buf)
	c := tupleOf(p)
	in.mu.Lock()
	defer in.mu.Unlock()
	now := in.now()
	if d, opener := in.exp.findData(c); d != nil {
		if d.expires > now {
			in.dataSeen(d, p, opener, now)
			return Result{Len: n, Related: true}
		}
		in.removeData(d)
	}
	if p.TCPFlags&(packet.TCPSyn|packet.TCPAck|packet.TCPRst) != packet.TCPSyn {
		return Result{Len: n}
	}
	x := in.exp.lookup(c, now)
	if x == nil {
		return Result{Len: n}
	}
	in.claim(x, c, now)
	return Result{Len: n, Related: true}
}

// dataSeen counts a packet of an opened data connection and follows its
// close: a RST ends it; both FINs start the linger (ip inspect tcp
// finwait-time), which no later packet extends, so a closed connection
// leaves the table however its last ACKs are retransmitted.
func (in *Inspector) dataSeen(d *dataFlow, p *packet.Parsed, opener bool, now int64) {
	side := 0
	if !opener {
		side = 1
	}
	d.lastHeard = now
	d.bytes[side] += uint64(p.TotalLen - p.PayloadOff)
	switch d.fin.step(p.TCPFlags, side) {
	case lingering:
	case reset:
		in.removeData(d)
	case bothClosed:
		d.expires = now + in.dataLinger.Load()
	default:
		d.expires = now + d.idle
	}
}

// claim uses pinhole x up for the connection c: one connection per
// pinhole; the connection's later packets (a retransmitted SYN too) match
// the data flow.
func (in *Inspector) claim(x *expectation, c packet.Tuple, now int64) {
	in.stats.PinholesUsed++
	x.mapped = false // NAT keeps its mapping for the session it now carries
	in.removeHole(x)
	if in.exp.ndata >= maxDataFlows(in.cfg.MaxPinholes) {
		in.sweepLocked(now)
	}
	if in.exp.ndata >= maxDataFlows(in.cfg.MaxPinholes) {
		in.stats.TableFull++ // the SYN passes; later packets rely on the ACL
		return
	}
	// A data connection idles out as its control connection does: after
	// the ftp rule's timeout, which follows ip inspect tcp idle-time.
	idle := int64(in.cfg.DataIdle)
	if x.owner != nil && x.owner.idle > 0 {
		idle = int64(x.owner.idle)
	}
	d := in.exp.addData(x, c, now+idle)
	d.created, d.lastHeard, d.id, d.idle = now, now, in.newID(), idle
	in.active.Add(1)
	in.auditData(d, true)
}

// newID numbers sessions the way IOS prints its session block addresses.
func (in *Inspector) newID() uint32 {
	in.nextID++
	return 0x66F96E00 + in.nextID*0x2B4
}

// maxDataFlows bounds the data connections tracked after their pinhole
// was used, so memory stays bounded when nothing calls Sweep.
func maxDataFlows(maxPinholes int) int { return 4 * maxPinholes }

// Expected reports, without using it up, whether a pinhole or an opened
// data connection covers a TCP packet from src to dst (ACL hooks ask
// before they deny).
func (in *Inspector) Expected(src, dst netip.AddrPort) bool {
	if in.active.Load() == 0 || !src.Addr().Is4() || !dst.Addr().Is4() {
		return false
	}
	c := packet.TupleOf(packet.ProtoTCP, src, dst)
	in.mu.Lock()
	defer in.mu.Unlock()
	if x, _ := in.exp.findData(c); x != nil {
		return true
	}
	return in.exp.lookup(c, in.now()) != nil
}

// addHole registers x for c, evicting c's oldest pinhole at the
// per-connection cap; false when the global cap is reached.
func (in *Inspector) addHole(c *conn, x *expectation) bool {
	now := in.now()
	in.expireHoles(c, now)
	// Same peer and endpoint announced again (a server reusing a passive
	// port, a client repeating PORT): the newer pinhole replaces the older,
	// as nf_conntrack_expect replaces a matching expectation. A NAT
	// mapping they share stays.
	for old := in.exp.clash(x); old != nil; old = in.exp.clash(x) {
		if old.sameMapping(x) {
			old.mapped = false
		}
		in.removeHole(old)
	}
	if len(c.holes) >= in.cfg.MaxPinholesPerConn {
		old := c.holes[0]
		in.stats.Evictions++
		g := old.global()
		in.event(c, Event{Kind: EvEvicted, Addr: g.Addr(), Port: g.Port()})
		in.removeHole(old)
	}
	if in.exp.n >= in.cfg.MaxPinholes {
		in.sweepLocked(now)
		if in.exp.n >= in.cfg.MaxPinholes {
			in.stats.TableFull++
			return false
		}
	}
	x.created = now
	x.expires = now + int64(in.cfg.PinholeTimeout)
	in.exp.insert(x)
	c.holes = append(c.holes, x)
	in.stats.PinholesOpened++
	in.active.Add(1)
	return true
}

// expireHoles removes c's pinholes whose time is up.
func (in *Inspector) expireHoles(c *conn, now int64) {
	for i := 0; i < len(c.holes); {
		if x := c.holes[i]; x.expires <= now {
			in.stats.PinholesExpired++
			in.removeHole(x) // drops it from c.holes
			continue
		}
		i++
	}
}

// removeHole closes a pinhole and gives its NAT mapping back if unused.
func (in *Inspector) removeHole(x *expectation) {
	before := in.exp.n
	in.exp.remove(x)
	if in.exp.n == before {
		return
	}
	in.active.Add(-1)
	if x.mapped && in.cfg.NAT != nil {
		x.mapped = false
		in.cfg.NAT.UnmapData(x.m, x.global())
	}
	// Recycled, not cleared: a caller may still read x until it returns.
	if len(in.free) < maxFreeExpectations {
		in.free = append(in.free, x)
	}
}

// maxFreeExpectations bounds the recycled pinholes kept for reuse.
const maxFreeExpectations = 256

// newExpectation returns a zeroed pinhole, recycled when possible, with a
// new generation.
func (in *Inspector) newExpectation() *expectation {
	in.gen++
	if n := len(in.free); n > 0 {
		x := in.free[n-1]
		in.free[n-1] = nil
		in.free = in.free[:n-1]
		*x = expectation{gen: in.gen}
		return x
	}
	return &expectation{gen: in.gen}
}

// refreshTouched restarts the timers of the pinholes whose rewritten lines
// the sender just retransmitted (nf_conntrack_expect refreshes a
// re-registered expectation the same way).
func (in *Inspector) refreshTouched(a *seqAdj, now int64) {
	for i := 0; i < a.ntouched; i++ {
		e := a.touched[i]
		if x := e.hole; x != nil && x.gen == e.gen && x.live {
			x.expires = now + int64(in.cfg.PinholeTimeout)
		}
		a.touched[i] = nil
	}
	a.ntouched = 0
}

func (in *Inspector) removeData(d *dataFlow) {
	in.exp.removeData(d)
	in.active.Add(-1)
	in.auditData(d, false)
}

// closeHoles removes a control connection's pending pinholes (they die
// with their master); data connections already open are not touched.
func (in *Inspector) closeHoles(c *conn) {
	for len(c.holes) > 0 {
		in.removeHole(c.holes[0])
	}
}

func (in *Inspector) removeConn(c *conn) {
	in.closeHoles(c)
	if in.conns[c.key] == c {
		delete(in.conns, c.key)
		in.auditConn(c, false)
	}
}

// Sweep removes expired connections, pinholes and data flows. The router
// calls it from a timer; lookups also ignore expired entries on their own.
func (in *Inspector) Sweep() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.sweepLocked(in.now())
}

func (in *Inspector) sweepLocked(now int64) {
	for _, c := range in.conns {
		if c.expires <= now {
			in.removeConn(c)
			continue
		}
		in.expireHoles(c, now)
	}
	for _, d := range in.exp.data {
		if d.expires <= now {
			in.removeData(d)
		}
	}
}

func (in *Inspector) event(c *conn, e Event) {
	if in.cfg.Log == nil {
		return
	}
	e.Client, e.Server = c.key.SrcAddrPort(), c.key.DstAddrPort()
	in.cfg.Log(e)
}
