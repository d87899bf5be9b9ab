package nat

import "natlab/packet"

// Early drop: when a limit is reached, the oldest unestablished
// translation under it makes room, as Linux conntrack's early drop removes
// an unassured entry, so that a flood of connection attempts (a spoofed
// SYN flood, say) cannot lock legitimate flows out for the syn-timeout.
// Every session joins two queues in creation order when it is made: the
// table's and its inside host's. The queues are pruned lazily: a session
// found established at the head leaves them for good, so each session is
// looked at once, and the packet path never touches a queue. All of this
// runs under NAT.mu.

// Which queue of a session's two.
const (
	qAll  = iota // the whole table's (max-entries)
	qHost        // its inside local host's (per-host limits)
)

// evictScan bounds the sessions one eviction looks at, so that a table
// whose oldest entries are all established costs a bounded time per new
// flow while the queue is pruned.
const evictScan = 1024

// link is a session's place in one queue.
type link struct {
	prev, next *Session
}

// queue is a doubly linked list of sessions, oldest first.
type queue struct {
	head, tail *Session
}

func (q *queue) push(s *Session, which int) {
	l := &s.links[which]
	l.prev, l.next = q.tail, nil
	if q.tail != nil {
		q.tail.links[which].next = s
	} else {
		q.head = s
	}
	q.tail = s
}

func (q *queue) remove(s *Session, which int) {
	l := &s.links[which]
	if l.prev == nil && q.head != s {
		return // not queued
	}
	if l.prev != nil {
		l.prev.links[which].next = l.next
	} else {
		q.head = l.next
	}
	if l.next != nil {
		l.next.links[which].prev = l.prev
	} else {
		q.tail = l.prev
	}
	*l = link{}
}

// evictable reports whether a session is not established: no reply seen
// yet (a flow's first packet may have been spoofed), or a TCP connection
// whose handshake has not completed, or that was reset or closed both
// ways.
func evictable(s *Session) bool {
	if !s.replied.Load() {
		return true
	}
	if s.proto != packet.ProtoTCP {
		return false
	}
	st := s.tcpState.Load()
	return st&tcpEstablished == 0 || st&tcpSawRst != 0 || st&(tcpOrigFin|tcpReplyFin) == tcpOrigFin|tcpReplyFin
}

// enqueue puts a new session at the tail of its queues. Caller holds mu.
func (n *NAT) enqueue(s *Session) {
	n.cand.push(s, qAll)
	if he := n.hosts[s.inLocal.addr]; he != nil {
		he.cand.push(s, qHost)
	}
}

// dequeue takes a session out of its queues. Caller holds mu.
func (n *NAT) dequeue(s *Session) {
	n.cand.remove(s, qAll)
	if he := n.hosts[s.inLocal.addr]; he != nil {
		he.cand.remove(s, qHost)
	}
}

// evictFrom removes the oldest unestablished session of a queue and
// reports whether there was one. Established sessions met on the way
// leave the queues. Caller holds mu.
func (n *NAT) evictFrom(q *queue, which int, now int64) bool {
	for i := 0; i < evictScan && q.head != nil; i++ {
		s := q.head
		if !evictable(s) {
			n.dequeue(s)
			continue
		}
		n.removeSession(s, now)
		n.drops.evicted.Add(1)
		return true
	}
	return false
}
