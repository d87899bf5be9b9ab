package ntp

import (
	"encoding/binary"
	"net/netip"
	"time"
)

// Receive takes a UDP datagram to the router's port 123 (pkt is the whole
// IPv4 datagram, valid during the call). It reports whether the datagram
// was a reply from a configured server; it runs on a packet goroutine and
// only takes the client's lock and, on a step, the clock owner's.
func (n *NTP) Receive(pkt []byte) bool {
	if len(pkt) < 20 || pkt[0]>>4 != 4 {
		return false
	}
	ihl := int(pkt[0]&0x0f) * 4
	if ihl < 20 || len(pkt) < ihl+8 || pkt[9] != 17 {
		return false
	}
	src, _ := netip.AddrFromSlice(pkt[12:16])
	if binary.BigEndian.Uint16(pkt[ihl:]) != Port {
		return false
	}
	p, err := Parse(pkt[ihl+8:])
	if err != nil {
		return false
	}
	var t4 time.Time
	if n.o.Now != nil {
		t4 = n.o.Now()
	}
	return n.reply(src, p, t4, n.mono())
}

// reply checks p, a datagram from src that arrived at the router's time t4
// (monotonic now), against the outstanding request, and steps the clock
// when src is the sys.peer.
func (n *NTP) reply(src netip.Addr, p Packet, t4, now time.Time) bool {
	n.mu.Lock()
	var s *server
	for _, c := range n.servers {
		if c.addr == src {
			s = c
		}
	}
	if s == nil {
		n.mu.Unlock()
		return false
	}
	// RFC 4330 section 5: server (or broadcast) mode, a synchronised
	// stratum, no alarm, a transmit time, and our request's timestamp
	// echoed (which also drops duplicates and old replies).
	if p.Mode != ModeServer && p.Mode != ModeBroadcast || p.Stratum == 0 || p.Stratum > MaxStratum ||
		p.Leap == 3 || p.Xmit == 0 || s.sent == 0 || p.Orig != s.sent || s.answered {
		n.mu.Unlock()
		return true
	}
	s.answered = true
	s.reach |= 1
	s.poll = MinPoll
	t1, t2, t3 := s.sent.Time(), p.Recv.Time(), p.Xmit.Time()
	s.offset = (t2.Sub(t1) + t3.Sub(t4)) / 2
	s.delay = max(t4.Sub(t1)-t3.Sub(t2), 0)
	s.disp = time.Duration(shortMillis(p.RootDispersion) * float64(time.Millisecond))
	s.stratum, s.refID, s.valid, s.lastRx = p.Stratum, p.RefID, true, now
	s.rootDly, s.rootDisp = p.RootDelay, p.RootDispersion
	wasSynced := n.peer != nil
	n.selectLocked()
	var step time.Duration
	if n.peer == s {
		if s.offset >= StepThreshold || s.offset <= -StepThreshold {
			step = s.offset
			s.offset = 0
			// Requests still out were stamped with the old time: their
			// replies would measure the step, not the clock.
			for _, o := range n.servers {
				if o != s && !o.answered {
					o.sent = 0
				}
			}
		}
		n.refTime = t3
		n.lastSync = now
	}
	synced := n.peer != nil
	o := n.o
	n.mu.Unlock()
	if step != 0 && o.Step != nil {
		o.Step(step)
	}
	if synced != wasSynced && o.Synced != nil || synced && step != 0 && o.Synced != nil {
		o.Synced(synced)
	}
	return true
}

// selectLocked picks the sys.peer among the servers with a good reply: the
// preferred one, else the lowest stratum, then the shortest delay, then
// the first configured.
func (n *NTP) selectLocked() {
	var best *server
	for _, s := range n.servers {
		if !s.valid {
			continue
		}
		switch {
		case best == nil:
			best = s
		case s.prefer != best.prefer:
			if s.prefer {
				best = s
			}
		case s.stratum != best.stratum:
			if s.stratum < best.stratum {
				best = s
			}
		case s.delay < best.delay:
			best = s
		}
	}
	n.peer = best
}
