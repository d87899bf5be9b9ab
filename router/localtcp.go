package router

import "natlab/packet"

// LocalTCP takes TCP segments addressed to the router (see SetLocalTCP).
type LocalTCP func(pkt []byte) bool

// SetLocalTCP installs the taker of TCP segments addressed to the router:
// a TCP stack in the process that serves the vty lines. It runs where the
// router would otherwise refuse the segment with a reset, so after the input
// ACL, NAT and reassembly; f returns true when it took the segment, and the
// router answers with a reset when it did not (a port nobody listens on).
// pkt is the whole IPv4 datagram and is valid only during the call, which
// runs on a packet goroutine: f must not block. nil removes the taker.
func (r *Router) SetLocalTCP(f func(pkt []byte) bool) {
	if f == nil {
		r.localTCP.Store(nil)
		return
	}
	lt := LocalTCP(f)
	r.localTCP.Store(&lt)
}

// takeLocalTCP offers a TCP segment for the router to the installed taker.
// Segments from martian sources are never offered: nothing could answer
// them.
func (r *Router) takeLocalTCP(p *Packet) bool {
	f := r.localTCP.Load()
	if f == nil || isMartianSource(p.P.Src) {
		return false
	}
	return (*f)(p.Buf[:p.P.TotalLen])
}

// txQueues recycles the queues SendLocal routes through, so a stream of
// segments from the router's TCP stack allocates no queue per packet. A
// bounded free list rather than a sync.Pool: it never drops a queue at
// random (as a Pool may, always under the race detector), and more senders
// at once than it holds only allocate.
var txQueues = make(chan *txQueue, 8)

func getTxQueue() *txQueue {
	select {
	case q := <-txQueues:
		return q
	default:
		return newTxQueue(1)
	}
}

func putTxQueue(q *txQueue) {
	q.pkt, q.errPkt = Packet{}, Packet{}
	select {
	case txQueues <- q:
	default:
	}
}

// SendLocal sends a router-originated IPv4 packet through routing and the
// output path (output ACL, NAT, fragmentation) as Ping's probes go, from any
// goroutine. A packet to one of the router's own addresses is delivered
// locally. It reports false when pkt is not a well-formed IPv4 packet or
// there is no route. The router may rewrite pkt in place during the call but
// does not keep it.
func (r *Router) SendLocal(pkt []byte) bool {
	q := getTxQueue()
	defer putTxQueue(q)
	p := &q.pkt
	*p = Packet{Buf: pkt}
	if p.P.Decode(pkt) != packet.OK {
		return false
	}
	s := r.snap.Load()
	now := r.clock().UnixNano()
	ok := r.sendFromRouter(s, p, now, q, nil)
	q.flush(r, s, now)
	return ok
}
