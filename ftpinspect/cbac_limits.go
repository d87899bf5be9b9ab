package ftpinspect

import (
	"fmt"
	"net/netip"
	"time"

	"natlab/packet"
)

// CBAC's defences against floods of new sessions, as IOS has them:
//
//   - ip inspect max-incomplete high|low: above high half-open sessions
//     the router "gets aggressive" (%FW-4-ALERT_ON) and deletes the oldest
//     half-open session for each new one, until the count is below low
//     (%FW-4-ALERT_OFF);
//   - ip inspect one-minute high|low: the same with the number of sessions
//     started in the last minute;
//   - ip inspect tcp max-incomplete host N block-time M: more than N
//     half-open TCP sessions to one host (%FW-4-HOST_TCP_ALERT_ON) delete
//     that host's oldest one, or, with M > 0, delete all of them and block
//     new TCP connections to the host for M minutes (%FW-2-BLOCK_HOST);
//   - the table's own bound: a full table evicts its oldest half-open
//     session (as conntrack's early drop does) and refuses the new flow only
//     when every session is established.

// unlimited is a threshold that is not set (IOS 12.4(11)T+ defaults).
const unlimited = 0

// limits are the configured thresholds (0: unlimited).
type limits struct {
	maxIncHigh, maxIncLow int // ip inspect max-incomplete high|low
	oneMinHigh, oneMinLow int // ip inspect one-minute high|low
	hostMax               int // ip inspect tcp max-incomplete host N
	blockMinutes          int // ... block-time M
}

// DefaultMaxSessions bounds the CBAC session table.
const DefaultMaxSessions = 65536

// hostState is the half-open TCP sessions to one responder address, oldest
// first, and whether new connections to it are blocked.
type hostState struct {
	n            int
	halfOpen     sessionList
	blockedUntil int64 // unix ns; 0: not blocked
	alerted      bool  // HOST_TCP_ALERT_ON logged for this episode
}

// over reports whether n exceeds threshold t (0: never).
func over(n, t int) bool { return t != unlimited && n > t }

// below reports whether n is under threshold t (0: always).
func below(n, t int) bool { return t == unlimited || n < t }

// thr renders a threshold for show and the alert messages.
func thr(t int) string {
	if t == unlimited {
		return "unlimited"
	}
	return fmt.Sprint(t)
}

// admit makes room for a new session under k that starts now, or reports
// that the packet must be dropped (a blocked host, a table full of
// established sessions). Caller holds cb.mu.
func (cb *cbac) admit(k packet.Tuple, now int64) bool {
	// Expired half-open sessions count for nothing; the oldest are first.
	for cb.halfOpen.head != nil && cb.halfOpen.head.expires <= now {
		cb.remove(cb.halfOpen.head)
	}
	if k.Proto == packet.ProtoTCP && !cb.admitHost(k.Dst, now) {
		return false
	}
	rate := cb.oneMinute(now)
	if !cb.aggressive && (over(cb.nHalf+1, cb.lim.maxIncHigh) || over(rate+1, cb.lim.oneMinHigh)) {
		cb.aggressive = true
		cb.logf("%%FW-4-ALERT_ON: getting aggressive, count (%d/%s) current 1-min rate: %d", cb.nHalf+1, thr(cb.lim.maxIncHigh), rate+1)
	}
	if cb.aggressive && cb.halfOpen.head != nil {
		cb.ctr.aggressiveDeleted++
		cb.remove(cb.halfOpen.head)
	}
	if len(cb.sessions) >= cb.max {
		if cb.halfOpen.head == nil {
			cb.ctr.tableFull++
			return false
		}
		cb.ctr.evicted++
		cb.remove(cb.halfOpen.head)
	}
	return true
}

// admitHost applies ip inspect tcp max-incomplete host to a TCP session to
// dst. Caller holds cb.mu.
func (cb *cbac) admitHost(dst [4]byte, now int64) bool {
	h := cb.hosts[dst]
	if h != nil && h.blockedUntil != 0 {
		if now < h.blockedUntil {
			cb.ctr.blockedDrops++
			return false
		}
		cb.unblock(dst, h)
	}
	if cb.lim.hostMax == unlimited || h == nil || h.n < cb.lim.hostMax {
		return true
	}
	addr := netip.AddrFrom4(dst)
	if cb.lim.blockMinutes > 0 {
		cb.logf("%%FW-2-BLOCK_HOST: Blocking new TCP connections to host %s for %d minute%s (half-open count %d exceeded).",
			addr, cb.lim.blockMinutes, plural(cb.lim.blockMinutes), cb.lim.hostMax)
		cb.ctr.hostBlocks++
		h.blockedUntil = now + int64(time.Duration(cb.lim.blockMinutes)*time.Minute)
		for h.halfOpen.head != nil {
			cb.ctr.hostDeleted++
			cb.remove(h.halfOpen.head) // h stays: it holds the block
		}
		cb.ctr.blockedDrops++
		return false
	}
	if !h.alerted {
		h.alerted = true
		cb.logf("%%FW-4-HOST_TCP_ALERT_ON: Max tcp half-open connections (%d) exceeded for host %s.", cb.lim.hostMax, addr)
	}
	cb.ctr.hostDeleted++
	cb.remove(h.halfOpen.head)
	return true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// unblock ends a host's block. Caller holds cb.mu.
func (cb *cbac) unblock(dst [4]byte, h *hostState) {
	h.blockedUntil = 0
	cb.logf("%%FW-4-UNBLOCK_HOST: New TCP connections to host %s no longer blocked", netip.AddrFrom4(dst))
	if h.n == 0 {
		delete(cb.hosts, dst)
	}
}

// calm leaves aggressive mode once both counts are below their low
// thresholds. Caller holds cb.mu.
func (cb *cbac) calm(now int64) {
	if !cb.aggressive {
		return
	}
	rate := cb.oneMinute(now)
	if below(cb.nHalf, cb.lim.maxIncLow) && below(rate, cb.lim.oneMinLow) &&
		!over(cb.nHalf, cb.lim.maxIncHigh) && !over(rate, cb.lim.oneMinHigh) {
		cb.aggressive = false
		cb.logf("%%FW-4-ALERT_OFF: calming down, count (%d/%s) current 1-min rate: %d", cb.nHalf, thr(cb.lim.maxIncLow), rate)
	}
}

// countStart records a new session in the one-minute rate: sixty
// one-second buckets. Caller holds cb.mu.
func (cb *cbac) countStart(now int64) {
	cb.advanceRate(now)
	cb.rate[cb.rateSec%60]++
	if r := cb.oneMinute(now); r > cb.ctr.maxRate {
		cb.ctr.maxRate = r
	}
}

// oneMinute is the number of sessions started in the last minute.
func (cb *cbac) oneMinute(now int64) int {
	cb.advanceRate(now)
	n := 0
	for _, c := range cb.rate {
		n += int(c)
	}
	return n
}

// advanceRate clears the buckets of the seconds that passed since the last
// call.
func (cb *cbac) advanceRate(now int64) {
	sec := now / int64(time.Second)
	if sec <= cb.rateSec {
		return
	}
	for s := cb.rateSec + 1; s <= sec && s <= cb.rateSec+60; s++ {
		cb.rate[s%60] = 0
	}
	cb.rateSec = sec
}

// sessState is a session's place in the counts: half-open until the
// responder answers, terminating after a FIN, else established.
func sessState(s *cbacSession) uint8 {
	switch {
	case !s.open:
		return stHalf
	case s.fin.closing():
		return stTerm
	}
	return stOpen
}

const (
	stOpen uint8 = iota
	stHalf
	stTerm
)

// track moves s to its state's counts and lists after a change. Caller
// holds cb.mu.
func (cb *cbac) track(s *cbacSession) {
	st := sessState(s)
	if st == s.state {
		return
	}
	cb.untrack(s)
	s.state = st
	switch st {
	case stHalf:
		cb.nHalf++
		cb.linkHalf(s)
	case stTerm:
		cb.nTerm++
	}
	cb.ctr.maxHalf = max(cb.ctr.maxHalf, cb.nHalf)
	cb.ctr.maxTerm = max(cb.ctr.maxTerm, cb.nTerm)
	cb.ctr.maxOpen = max(cb.ctr.maxOpen, len(cb.sessions)-cb.nHalf-cb.nTerm)
}

// untrack takes s out of its state's counts and lists.
func (cb *cbac) untrack(s *cbacSession) {
	switch s.state {
	case stHalf:
		cb.nHalf--
		cb.unlinkHalf(s)
		if cb.aggressive {
			cb.calm(cb.clock().UnixNano())
		}
	case stTerm:
		cb.nTerm--
	}
	s.state = stOpen
}

// linkHalf appends s to the half-open list, and a TCP session to its
// responder's list.
func (cb *cbac) linkHalf(s *cbacSession) {
	cb.halfOpen.push(s, halfLink)
	if s.key.Proto != packet.ProtoTCP {
		return
	}
	h := cb.hosts[s.key.Dst]
	if h == nil {
		h = &hostState{}
		cb.hosts[s.key.Dst] = h
	}
	h.n++
	h.halfOpen.push(s, hostLink)
}

func (cb *cbac) unlinkHalf(s *cbacSession) {
	cb.halfOpen.remove(s, halfLink)
	if s.key.Proto != packet.ProtoTCP {
		return
	}
	h := cb.hosts[s.key.Dst]
	if h == nil {
		return
	}
	h.halfOpen.remove(s, hostLink)
	h.n--
	if h.n < cb.lim.hostMax || cb.lim.hostMax == unlimited {
		h.alerted = false
	}
	if h.n == 0 && h.blockedUntil == 0 {
		delete(cb.hosts, s.key.Dst)
	}
}

// logf sends a message to the router's log. Caller holds cb.mu; messages
// are rare (state changes, rate-limited drops).
func (cb *cbac) logf(format string, a ...any) {
	if cb.log != nil {
		cb.log(fmt.Sprintf(format, a...))
	}
}

// sessionLink is a session's place in one intrusive list; sessionList is
// such a list, oldest first. A session is in two of them at once (all
// half-open sessions, and those to its responder), so each list names the
// link it uses.
type sessionLink struct{ prev, next *cbacSession }

type sessionList struct{ head, tail *cbacSession }

func halfLink(s *cbacSession) *sessionLink { return &s.half }
func hostLink(s *cbacSession) *sessionLink { return &s.host }

// push appends s.
func (l *sessionList) push(s *cbacSession, link func(*cbacSession) *sessionLink) {
	*link(s) = sessionLink{prev: l.tail}
	if l.tail != nil {
		link(l.tail).next = s
	} else {
		l.head = s
	}
	l.tail = s
}

// remove takes s out of the list.
func (l *sessionList) remove(s *cbacSession, link func(*cbacSession) *sessionLink) {
	k := link(s)
	if k.prev != nil {
		link(k.prev).next = k.next
	} else {
		l.head = k.next
	}
	if k.next != nil {
		link(k.next).prev = k.prev
	} else {
		l.tail = k.prev
	}
	*k = sessionLink{}
}
