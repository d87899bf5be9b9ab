package router

import (
	"errors"
	"sync"
	"time"

	"natlab/port"
)

// worker reads one port (or one queue of it) and runs the pipeline for
// every packet it reads.
//
// A port that can be read without waiting (port.Nonblocking: the fast TUN)
// is also read by other workers: a worker that has just written to it
// takes, under the port worker's lock, what its write provoked (the echo
// reply, the TCP ACK that the host's stack sent while the router's write
// ran its receive path) and forwards that too, in the same goroutine. A
// ping through the router then costs one goroutine wake-up instead of two,
// and a TCP stream runs to completion the way the kernel forwards it. The
// lock keeps one port's packets in order: whoever holds it reads and
// forwards a batch, and the owner holds it from before its read until its
// batch is written.
type worker struct {
	r       *Router
	in      *Interface
	port    port.Port
	offload port.OffloadPort // port, when it hands over super-packets
	nb      port.Nonblocking // port, when it can be read without waiting
	mu      sync.Mutex       // held while reading and forwarding a batch (nb only)
	bufs    [][]byte
	sizes   []int
	offs    []port.Offload
	q       *txQueue
	done    chan struct{}
}

// maxOffloadBatch caps the batch of a port that reads super-packets: each
// buffer holds 64 KB.
const maxOffloadBatch = 32

// maxSteals caps how many batches a worker takes from other ports after
// one write, so that a busy neighbour cannot keep it from its own port.
const maxSteals = 4

func newWorker(r *Router, in *Interface, p port.Port, queue int) *worker {
	n := p.BatchSize()
	size := max(p.MTU(), DefaultMTU) + growRoom
	op, _ := p.(port.OffloadPort)
	if op != nil {
		n = min(n, maxOffloadBatch)
		size = port.MaxOffloadPacket + growRoom
	}
	n = min(max(n, 1), maxBatch)
	w := &worker{
		r: r, in: in, port: p, offload: op,
		bufs:  make([][]byte, n),
		sizes: make([]int, n),
		offs:  make([]port.Offload, n),
		q:     newTxQueue(n),
		done:  make(chan struct{}),
	}
	w.nb, _ = p.(port.Nonblocking)
	w.q.queue = queue
	w.q.owner = w
	for k := range w.bufs {
		w.bufs[k] = make([]byte, size)
	}
	return w
}

// read fills the worker's buffers from its port, waiting for a packet.
func (w *worker) read() (int, error) {
	if w.offload != nil {
		return w.offload.ReadOffload(w.bufs, w.sizes, w.offs, 0)
	}
	return w.port.Read(w.bufs, w.sizes, 0)
}

// tryRead fills the worker's buffers with what waits on a nonblocking port,
// without waiting; w.mu is held.
func (w *worker) tryRead() (int, error) {
	offs := w.offs
	if w.offload == nil {
		offs = nil
	}
	return w.nb.TryRead(w.bufs, w.sizes, offs, 0)
}

func (w *worker) run() {
	defer w.r.wg.Done()
	defer close(w.done)
	errs := 0
	for {
		var n int
		var err error
		if w.nb != nil {
			w.mu.Lock()
			if n, err = w.tryRead(); n == 0 && err == nil {
				w.mu.Unlock()
				if err = w.nb.WaitReadable(); err == nil {
					continue
				}
				w.mu.Lock()
			}
		} else {
			n, err = w.read()
		}
		if err != nil {
			if w.nb != nil {
				w.mu.Unlock()
			}
			if errors.Is(err, port.ErrClosed) {
				return
			}
			// A transient read error: count it, and back off if the port
			// keeps failing so a broken device does not spin a core.
			w.in.c.inErrors.Add(1)
			if errs++; errs > 10 {
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		errs = 0
		w.forward(n)
		if w.nb != nil {
			w.mu.Unlock()
		}
	}
}

// forward runs the pipeline for the n packets in the worker's buffers and
// writes what leaves.
func (w *worker) forward(n int) {
	s := w.r.snap.Load()
	now := w.r.clock().UnixNano()
	c := &w.in.c
	if !s.ifaces[w.in.index].up {
		// A shut (or carrier-less) interface receives nothing: what the
		// device had queued before the line went down is not counted, as
		// on IOS.
		return
	}
	// Input counters once per batch, not per packet: atomics are a good
	// part of the per-packet budget.
	bytes, pkts := uint64(0), uint64(n)
	for k := 0; k < n; k++ {
		bytes += uint64(w.sizes[k])
		if !w.offs[k].IsZero() {
			pkts += wirePackets(w.bufs[k][:w.sizes[k]], &w.offs[k]) - 1
		}
	}
	c.inPackets.Add(pkts)
	c.inBytes.Add(bytes)
	c.lastIn.Store(now)
	for k := 0; k < n; k++ {
		b := w.bufs[k]
		w.r.receive(s, w.in, b[:w.sizes[k]], w.offs[k], now, w.q)
	}
	w.q.flush(w.r, s, now)
}

// steal forwards what waits on o's port, if o is free: called by another
// worker right after it wrote to that port.
func (o *worker) steal() {
	if o.nb == nil || !o.mu.TryLock() {
		return
	}
	defer o.mu.Unlock()
	for k := 0; k < maxSteals; k++ {
		n, err := o.tryRead()
		if n == 0 || err != nil {
			return
		}
		o.forward(n)
		if n < len(o.bufs) {
			return
		}
	}
}
