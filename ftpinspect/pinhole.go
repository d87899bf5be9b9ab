package ftpinspect

import (
	"net/netip"

	"natlab/packet"
)

// dataPacket handles a packet of a possible data connection: a SYN may
// claim a pinhole; later packets of a claimed connection are related.
func (in *Inspector) dataPacket(buf []byte, p *packet.Parsed) Result {
	n := len(buf)
	src := ep{p.Src.As4(), p.SrcPort}
	dst := ep{p.Dst.As4(), p.DstPort}
	in.mu.Lock()
	defer in.mu.Unlock()
	now := in.now()
	if d, opener := in.exp.findData(src, dst); d != nil {
		if d.expires <= now {
			in.removeData(d)
		} else {
			d.expires = now + int64(in.cfg.DataIdle)
			d.lastHeard = now
			if opener {
				d.bytes[0] += uint64(p.TotalLen - p.PayloadOff)
			} else {
				d.bytes[1] += uint64(p.TotalLen - p.PayloadOff)
			}
			if p.TCPFlags&flagRST != 0 {
				in.removeData(d)
			} else if p.TCPFlags&flagFIN != 0 {
				if opener {
					d.fin |= 1
				} else {
					d.fin |= 2
				}
				if d.fin == 3 {
					d.expires = now + int64(in.cfg.CloseLinger)
				}
			}
			return Result{Len: n, Related: true}
		}
	}
	if p.TCPFlags&(flagSYN|flagACK|flagRST) != flagSYN {
		return Result{Len: n}
	}
	x := in.exp.lookup(src.addr, dst, now)
	if x == nil {
		return Result{Len: n}
	}
	// One connection per pinhole: it is used up now; the connection's
	// later packets (a retransmitted SYN too) match the data flow.
	in.stats.PinholesUsed++
	x.mapped = false // NAT keeps its mapping for the session it now carries
	in.removeHole(x)
	if in.exp.ndata >= maxDataFlows(in.cfg.MaxPinholes) {
		in.sweepLocked(now)
	}
	if in.exp.ndata < maxDataFlows(in.cfg.MaxPinholes) {
		d := in.exp.addData(x, src, dst, now+int64(in.cfg.DataIdle))
		d.created, d.lastHeard, d.id = now, now, in.newID()
		in.active.Add(1)
		in.auditData(d, true)
	} else {
		in.stats.TableFull++ // the SYN passes; later packets rely on the ACL
	}
	return Result{Len: n, Related: true}
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
	in.mu.Lock()
	defer in.mu.Unlock()
	s, d := epOf(src), epOf(dst)
	if x, _ := in.exp.findData(s, d); x != nil {
		return true
	}
	return in.exp.lookup(s.addr, d, in.now()) != nil
}

// addHole registers x for c, evicting c's oldest pinhole at the
// per-connection cap; false when the global cap is reached.
func (in *Inspector) addHole(c *conn, x *expectation) bool {
	now := in.now()
	for i := 0; i < len(c.holes); {
		if old := c.holes[i]; old.expires <= now {
			in.stats.PinholesExpired++
			in.removeHole(old)
			continue
		}
		i++
	}
	// Same peer and endpoint announced again (a server reusing a passive
	// port, a client repeating PORT): the newer pinhole replaces the older,
	// as nf_conntrack_expect replaces a matching expectation. A NAT
	// mapping they share stays.
	for old := in.exp.clash(x); old != nil; old = in.exp.clash(x) {
		if old.global == x.global && old.local == x.local {
			old.mapped = false
		}
		in.removeHole(old)
	}
	if len(c.holes) >= in.cfg.MaxPinholesPerConn {
		old := c.holes[0]
		in.stats.Evictions++
		in.event(c, Event{Kind: EvEvicted, Addr: netip.AddrFrom4(old.global.addr), Port: old.global.port})
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
		in.cfg.NAT.UnmapData(x.m, x.global.addrPort())
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
		for i := 0; i < len(c.holes); {
			if x := c.holes[i]; x.expires <= now {
				in.stats.PinholesExpired++
				in.removeHole(x)
				continue
			}
			i++
		}
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
	e.Client, e.Server = c.key.cli.addrPort(), c.key.srv.addrPort()
	in.cfg.Log(e)
}
