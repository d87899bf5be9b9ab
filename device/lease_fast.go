package device

import (
	"natlab/port"
)

// A port with offloads that can be read without waiting (the fast TUN) is
// lent queue by queue, with everything the router uses of it passed
// through: super-packets (port.OffloadPort), nonblocking reads
// (port.Nonblocking) and its queues (port.MultiQueue). Its reads never
// block inside the device (a reader waits for readability, then reads
// what is there), so a Device that reloaded leaves no reader holding
// packets, and nothing is handed over: a retired lease's reads fail and
// its goroutines end.

// heldQueue is one queue of a held fast port.
type heldQueue struct {
	dev port.Port
	off port.OffloadPort
	nb  port.Nonblocking
}

// heldQueues returns p's queues when p is a fast port, else nil.
func heldQueues(p port.Port) []*heldQueue {
	_, off := p.(port.OffloadPort)
	_, nb := p.(port.Nonblocking)
	if !off || !nb {
		return nil
	}
	qs := []port.Port{p}
	if mq, ok := p.(port.MultiQueue); ok && len(mq.Queues()) > 0 {
		qs = mq.Queues()
	}
	held := make([]*heldQueue, 0, len(qs))
	for _, q := range qs {
		hq := &heldQueue{dev: q}
		hq.off, _ = q.(port.OffloadPort)
		hq.nb, _ = q.(port.Nonblocking)
		if hq.off == nil || hq.nb == nil {
			return nil
		}
		held = append(held, hq)
	}
	return held
}

// fastLease is a lease of a fast port: queue 0's I/O, the link state, and
// the queues.
type fastLease struct {
	queueLease
	queues []port.Port
}

func newFastLease(l *lease) *fastLease {
	f := &fastLease{queueLease: queueLease{l, l.h.queues[0]}}
	f.queues = make([]port.Port, len(l.h.queues))
	f.queues[0] = f
	for k := 1; k < len(f.queues); k++ {
		f.queues[k] = queueLease{l, l.h.queues[k]}
	}
	return f
}

// Queues implements port.MultiQueue.
func (f *fastLease) Queues() []port.Port { return f.queues }

// LinkUp implements port.Linker (a port without a link state is up).
func (f *fastLease) LinkUp() bool { return f.h.linker == nil || f.h.linker.LinkUp() }

// SetLinkUp implements port.Linker, while the lease is held.
func (f *fastLease) SetLinkUp(up bool) error {
	if f.retired.Load() {
		return port.ErrClosed
	}
	if f.h.linker == nil {
		return nil
	}
	return f.h.linker.SetLinkUp(up)
}

// Events implements port.Linker.
func (f *fastLease) Events() <-chan port.Event { return f.events }

// Close implements port.Port: the lease ends, the device stays open.
func (f *fastLease) Close() error { return f.lease.Close() }

// queueLease is one queue of a fast port, lent.
type queueLease struct {
	*lease
	q *heldQueue
}

func (ql queueLease) Name() string   { return ql.q.dev.Name() }
func (ql queueLease) MTU() int       { return ql.q.dev.MTU() }
func (ql queueLease) BatchSize() int { return ql.q.dev.BatchSize() }

// Close implements port.Port: a queue closes with its port.
func (ql queueLease) Close() error { return nil }

// TryRead implements port.Nonblocking.
func (ql queueLease) TryRead(bufs [][]byte, sizes []int, offl []port.Offload, offset int) (int, error) {
	if ql.retired.Load() {
		return 0, port.ErrClosed
	}
	return ql.q.nb.TryRead(bufs, sizes, offl, offset)
}

// WaitReadable implements port.Nonblocking.
func (ql queueLease) WaitReadable() error {
	if ql.retired.Load() {
		return port.ErrClosed
	}
	if err := ql.q.nb.WaitReadable(); err != nil {
		return err
	}
	if ql.retired.Load() {
		return port.ErrClosed
	}
	return nil
}

// ReadOffload implements port.OffloadPort: wait, then read what is there.
func (ql queueLease) ReadOffload(bufs [][]byte, sizes []int, offl []port.Offload, offset int) (int, error) {
	for {
		n, err := ql.TryRead(bufs, sizes, offl, offset)
		if n > 0 || err != nil {
			return n, err
		}
		if err := ql.WaitReadable(); err != nil {
			return 0, err
		}
	}
}

// Read implements port.Port: finished packets (TryRead without offl).
func (ql queueLease) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	return ql.ReadOffload(bufs, sizes, nil, offset)
}

// WriteOffload implements port.OffloadPort; a retired Device sends nothing.
func (ql queueLease) WriteOffload(bufs [][]byte, offl []port.Offload, offset int) (int, error) {
	if ql.retired.Load() {
		return 0, port.ErrClosed
	}
	return ql.q.off.WriteOffload(bufs, offl, offset)
}

// Write implements port.Port.
func (ql queueLease) Write(bufs [][]byte, offset int) (int, error) {
	if ql.retired.Load() {
		return 0, port.ErrClosed
	}
	return ql.q.dev.Write(bufs, offset)
}

var (
	_ port.OffloadPort = (*fastLease)(nil)
	_ port.Nonblocking = (*fastLease)(nil)
	_ port.MultiQueue  = (*fastLease)(nil)
	_ port.Linker      = (*fastLease)(nil)
	_ port.OffloadPort = queueLease{}
	_ port.Nonblocking = queueLease{}
)
