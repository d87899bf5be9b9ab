package ether

import (
	"net/netip"
	"slices"
	"time"
)

// The receive side of ARP (RFC 826 with IOS's choices) and the cache's
// timers.

// handleARP answers and learns from one received ARP packet.
func (p *Port) handleARP(a ARP) {
	if !a.IsValid() {
		p.st.arpMalformed.Add(1)
		return
	}
	op, sha, spa, tpa := a.Op(), a.SHA(), a.SPA(), a.TPA()
	if op == ARPRequest {
		p.st.arpRequestsIn.Add(1)
	} else {
		p.st.arpRepliesIn.Add(1)
	}
	if p.debug.Load() != nil {
		p.debugf("IP ARP: rcvd %s src %s %s, dst %s %s", opName(op), spa, sha, tpa, p.ifName())
	}
	if sha == p.l.hw() || sha.IsMulticast() || sha.IsZero() {
		return // our own, reflected, or a sender no one can answer
	}
	h := p.hostOf()
	var own netip.Prefix
	if h != nil {
		own = h.Address()
	}
	if own.IsValid() && spa == own.Addr() {
		// Someone else claims our address: never let it into the cache.
		p.st.arpConflicts.Add(1)
		return
	}
	forUs := own.IsValid() && tpa == own.Addr()
	answer := forUs
	if !answer && op == ARPRequest && h != nil && tpa != spa && !tpa.IsUnspecified() {
		answer = h.Answers(tpa, spa)
	}
	if !spa.IsUnspecified() {
		// RFC 826's merge: an entry for the sender is updated by any ARP;
		// a new one is made when we are the target, and (as IOS does)
		// from a gratuitous ARP on our subnet.
		create := forUs || answer || spa == tpa && own.IsValid() && own.Contains(spa)
		p.learn(spa, sha, create)
	}
	if op != ARPRequest || !answer {
		return
	}
	if p.l.sendARP(p, ARPReply, sha, tpa.As4(), sha, spa.As4()) == nil {
		p.st.arpRepliesOut.Add(1)
	}
	if p.debug.Load() != nil {
		p.debugf("IP ARP: sent rep src %s %s, dst %s %s %s", tpa, p.l.hw(), spa, sha, p.ifName())
	}
}

// learn records spa at sha: always for an existing entry, for a new one
// only when create. An incomplete entry that resolves sends its queue.
func (p *Port) learn(spa netip.Addr, sha MAC, create bool) {
	k := key4(spa.As4())
	now := p.l.clock()
	c := &p.c
	c.mu.Lock()
	e := c.m[k]
	created := false
	if e == nil {
		if !create {
			c.mu.Unlock()
			return
		}
		if e = c.newEntry(k); e == nil {
			c.mu.Unlock()
			p.st.cacheFull.Add(1)
			return
		}
		created = true
		e.complete = true
	}
	if !e.complete {
		c.incomplete--
		e.complete = true
	}
	e.mac, e.updated, e.tries = sha, now, 0
	if e.nq > 0 {
		// Put the header in front of each waiting packet in place and send
		// them in one batch.
		for i, s := range e.q[:e.nq] {
			p.flush[i] = c.frame(s, sha, p.l.hw(), p.txVLAN)
		}
		p.l.dev.Write(p.flush[:e.nq], 0)
		for i, s := range e.q[:e.nq] {
			c.release(s)
			p.flush[i] = nil
		}
		e.nq = 0
	}
	c.mu.Unlock()
	if created && p.debug.Load() != nil {
		p.debugf("IP ARP: creating entry for IP address: %s, hw: %s", spa, sha)
	}
}

// tick retries incomplete entries, gives up those out of tries (their
// packets go to Host.Unresolved) and sweeps expired entries. Only
// Link.tick calls it (under l.tickMu, which guards p.failed).
func (p *Port) tick(now time.Time) {
	c := &p.c
	c.mu.Lock()
	sweep := now.Sub(c.lastSweep) >= sweepEvery
	if c.incomplete == 0 && !sweep {
		c.mu.Unlock()
		return
	}
	if sweep {
		c.lastSweep = now
	}
	var own [4]byte
	if a := p.address(); a.Addr().Is4() {
		own = a.Addr().As4()
	}
	nf := 0
	for k, e := range c.m {
		switch {
		case !e.complete && !now.Before(e.nextTry):
			if e.tries < MaxTries {
				p.requestLocked(e, k, own, now)
				continue
			}
			nf += copy(p.failed[nf:], e.q[:e.nq])
			e.nq = 0
			c.remove(k, e)
		case e.complete && sweep && now.Sub(e.updated) >= c.timeout:
			c.remove(k, e)
		}
	}
	c.mu.Unlock()
	if p.debug.Load() != nil {
		p.flushDebug()
	}
	if nf == 0 {
		return
	}
	// The host answers outside the lock: it may write to this very port.
	h := p.hostOf()
	for _, s := range p.failed[:nf] {
		p.st.unresolved.Add(1)
		if h != nil {
			h.Unresolved(c.packet(s))
		}
	}
	c.mu.Lock()
	for _, s := range p.failed[:nf] {
		c.release(s)
	}
	c.mu.Unlock()
}

// Neighbor is an ARP cache entry, as show ip arp lists it.
type Neighbor struct {
	Addr       netip.Addr
	MAC        MAC // zero while Incomplete
	Age        time.Duration
	Incomplete bool
}

// Neighbors lists the cache (learned and incomplete entries, not the
// port's own address) sorted by address. Expired entries are left out.
func (p *Port) Neighbors() []Neighbor {
	now := p.l.clock()
	c := &p.c
	c.mu.Lock()
	out := make([]Neighbor, 0, len(c.m))
	for k, e := range c.m {
		if e.complete && !c.fresh(e, now) {
			continue
		}
		n := Neighbor{Addr: addrOf(k), Age: now.Sub(e.updated), Incomplete: !e.complete}
		if e.complete {
			n.MAC = e.mac
		}
		out = append(out, n)
	}
	c.mu.Unlock()
	slices.SortFunc(out, func(a, b Neighbor) int { return a.Addr.Compare(b.Addr) })
	return out
}

// ClearNeighbors empties the cache (clear arp-cache); packets waiting for
// resolution are dropped.
func (p *Port) ClearNeighbors() {
	p.c.mu.Lock()
	p.c.dropAll()
	p.c.mu.Unlock()
}

// SetTimeout sets the ARP timeout (arp timeout); d <= 0 restores the
// default, 4 hours.
func (p *Port) SetTimeout(d time.Duration) {
	if d <= 0 {
		d = DefaultTimeout
	}
	p.c.mu.Lock()
	p.c.timeout = d
	p.c.mu.Unlock()
}

// Timeout is the ARP timeout.
func (p *Port) Timeout() time.Duration {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	return p.c.timeout
}
