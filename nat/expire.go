package nat

import (
	"sort"
	"time"

	"natlab/packet"
)

// sessionTimeout is the idle timer of a session in its current state.
func sessionTimeout(s *Session, t *Timeouts) time.Duration {
	switch s.proto {
	case packet.ProtoTCP:
		return t.tcpTimeout(s.tcpState.Load())
	case packet.ProtoUDP:
		if s.outGlobal.port == 53 || s.inLocal.port == 53 {
			return t.DNS
		}
		return t.UDP
	default:
		return t.ICMP
	}
}

// Sweep removes every translation whose timer ran out. Tests call it with
// a fake clock; a router runs Run, which sweeps a part of the table per tick.
func (n *NAT) Sweep() { n.sweep(0, shardCount, true) }

// sweepParts is how many ticks of Run make one pass over the table: a
// translation goes at most that many ticks after its timer ran out, and
// new translations never wait for a whole pass over a large table.
const sweepParts = 8

// sweep expires the sessions of shards [from, to) and, with bindings, the
// dynamic bindings and fragment entries. Sessions are found under the
// shard read locks only; mu is held just to remove them.
func (n *NAT) sweep(from, to int, bindings bool) {
	now := n.nowNano()
	t := n.snap.Load().timeouts
	var dead []*Session
	for i := from; i < to; i++ {
		sh := &n.in.shards[i]
		sh.mu.RLock()
		for _, s := range sh.m {
			if d := sessionTimeout(s, &t); d >= 0 && s.lastUsed.Load()+int64(d) <= now {
				dead = append(dead, s)
			}
		}
		sh.mu.RUnlock()
	}
	sort.Slice(dead, func(i, j int) bool { return dead[i].seq < dead[j].seq })
	var lines []string
	n.mu.Lock()
	t = n.cfg.timeouts
	for _, s := range dead {
		// Still there and still idle? A packet may have used it since.
		if d := sessionTimeout(s, &t); n.in.get(s.inKey()) != s || d < 0 || s.lastUsed.Load()+int64(d) > now {
			continue
		}
		lines = n.expiryLine(lines, s.inGlobal, s.inLocal, s.proto, true)
		n.removeSession(s, now)
		n.expired++
	}
	if bindings {
		for _, b := range n.simpleByLocal {
			if b.refs == 0 && t.Timeout >= 0 && b.lastUsed.Load()+int64(t.Timeout) <= now {
				lines = n.expiryLine(lines, b.global, b.local, 0, false)
				n.removeBinding(b)
				n.expired++
			}
		}
		for _, b := range n.patByLocal {
			if b.refs == 0 && b.holdTill <= now {
				n.removeBinding(b)
			}
		}
	}
	n.mu.Unlock()
	if bindings {
		n.frags.expire(now)
	}
	// Logged after unlocking: the logger may take the CLI's lock, whose
	// holder may be waiting for mu.
	for _, l := range lines {
		n.log(l)
	}
}

// Run expires translations until stop is closed: every interval one part
// of the table, so a whole pass takes sweepParts intervals.
func (n *NAT) Run(interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	per := shardCount / sweepParts
	for part := 0; ; part = (part + 1) % sweepParts {
		select {
		case <-stop:
			return
		case <-t.C:
			n.sweep(part*per, (part+1)*per, part == 0)
		}
	}
}

// removeSession drops a session from both indexes and releases its
// binding. Caller holds mu.
func (n *NAT) removeSession(s *Session, now int64) {
	n.in.del(s.inKey(), s)
	n.out.del(s.outKey(), s)
	n.sessions--
	n.dequeue(s)
	n.hostAdd(s.inLocal.addr, -1)
	if s.hairpin.Load() {
		n.hairpins.Add(-1)
	}
	if s.mapID != 0 {
		n.mapRef(s.mapID, -1)
	}
	b := s.binding
	if b == nil {
		return
	}
	b.refs--
	if lu := s.lastUsed.Load(); lu > b.lastUsed.Load() {
		b.lastUsed.Store(lu)
	}
	if b.kind == bindPAT && b.refs == 0 && b.holdTill <= now {
		n.removeBinding(b)
	}
}

// removeSessionsWhere removes every session for which match is true.
// Caller holds mu.
func (n *NAT) removeSessionsWhere(match func(*Session) bool) int {
	var victims []*Session
	n.in.each(func(s *Session) {
		if match(s) {
			victims = append(victims, s)
		}
	})
	now := n.nowNano()
	for _, s := range victims {
		n.removeSession(s, now)
	}
	return len(victims)
}

// ClearAll is `clear ip nat translation *`: every dynamic translation
// goes, static rules stay.
func (n *NAT) ClearAll() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.removeSessionsWhere(func(*Session) bool { return true })
	for _, b := range n.simpleByLocal {
		n.removeBinding(b)
	}
	for _, b := range n.patByLocal {
		n.removeBinding(b)
	}
	n.frags.clear()
}
