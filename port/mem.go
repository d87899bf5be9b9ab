package port

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// memQueue is how many packets may wait in each direction of a Mem pair.
// A full queue drops, as a real link's transmit ring does.
const memQueue = 1024

// memBatch is Mem's BatchSize.
const memBatch = 32

// Mem is the router end of an in-memory port. The test holds the MemHost.
// Packets are copied into buffers from a free list, so a steady stream
// allocates nothing.
type Mem struct {
	name string
	mtu  int
	// bufSize is the largest packet or frame it carries: mtu, or for a
	// frame device mtu plus an Ethernet header with two VLAN tags.
	bufSize int

	toRouter chan []byte // MemHost.Inject -> Mem.Read
	toHost   chan []byte // Mem.Write -> MemHost.Read
	free     chan []byte // recycled buffers of bufSize bytes

	carrier atomic.Bool // the host side's state (MemHost.SetCarrier)
	admin   atomic.Bool // the router's state (SetLinkUp)
	events  chan Event

	closeOnce sync.Once
	done      chan struct{}

	// ready is signalled after a packet is queued for the router, for
	// MemOffload's WaitReadable (a channel cannot be peeked at); nil for a
	// plain Mem, whose reader blocks in Read.
	ready chan struct{}

	// Dropped counts packets lost to full queues or a down link.
	Dropped atomic.Uint64
}

// MemHost is the far end of a Mem port: what a test (playing the attached
// host) uses to inject packets and see what the router sent.
type MemHost struct {
	m *Mem
}

// NewMem returns a connected pair. mtu <= 0 means 1500.
func NewMem(name string, mtu int) (*Mem, *MemHost) {
	return newMem(name, mtu, 0)
}

// NewMemFrames is NewMem for Ethernet frames: MTU is the IP MTU, and
// frames of that MTU with their headers (up to 22 bytes) pass whole.
func NewMemFrames(name string, mtu int) (*Mem, *MemHost) {
	return newMem(name, mtu, 22)
}

func newMem(name string, mtu, header int) (*Mem, *MemHost) {
	if mtu <= 0 {
		mtu = 1500
	}
	m := &Mem{
		name:     name,
		mtu:      mtu,
		bufSize:  mtu + header,
		toRouter: make(chan []byte, memQueue),
		toHost:   make(chan []byte, memQueue),
		free:     make(chan []byte, 2*memQueue+memBatch),
		events:   make(chan Event, 8),
		done:     make(chan struct{}),
	}
	m.carrier.Store(true)
	m.admin.Store(true)
	return m, &MemHost{m: m}
}

func (m *Mem) getBuf() []byte {
	select {
	case b := <-m.free:
		return b[:cap(b)]
	default:
		return make([]byte, m.bufSize)
	}
}

func (m *Mem) putBuf(b []byte) {
	select {
	case m.free <- b:
	default:
	}
}

// Name implements Port.
func (m *Mem) Name() string { return m.name }

// MTU implements Port.
func (m *Mem) MTU() int { return m.mtu }

// BatchSize implements Port.
func (m *Mem) BatchSize() int { return memBatch }

// Read implements Port: it blocks for one packet, then takes whatever else
// is queued up to len(bufs).
func (m *Mem) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	var p []byte
	select {
	case p = <-m.toRouter:
	case <-m.done:
		return 0, ErrClosed
	}
	return m.fill(p, bufs, sizes, offset), nil
}

// tryRead is Read that returns 0 at once when nothing is queued.
func (m *Mem) tryRead(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	select {
	case p := <-m.toRouter:
		return m.fill(p, bufs, sizes, offset), nil
	case <-m.done:
		return 0, ErrClosed
	default:
		return 0, nil
	}
}

// waitReadable blocks until a packet is queued for the router; ready must
// be set.
func (m *Mem) waitReadable() error {
	for len(m.toRouter) == 0 {
		select {
		case <-m.ready:
		case <-m.done:
			return ErrClosed
		}
	}
	return nil
}

// queued wakes WaitReadable after a packet was queued for the router.
func (m *Mem) queued() {
	select {
	case m.ready <- struct{}{}:
	default:
	}
}

// fill copies p and whatever else is queued, up to len(bufs).
func (m *Mem) fill(p []byte, bufs [][]byte, sizes []int, offset int) int {
	n := 0
	for {
		sizes[n] = copy(bufs[n][offset:], p)
		m.putBuf(p)
		n++
		if n == len(bufs) {
			return n
		}
		select {
		case p = <-m.toRouter:
		default:
			return n
		}
	}
}

// Write implements Port. Packets written while the link is down, or into a
// full queue, are dropped and counted in Dropped.
func (m *Mem) Write(bufs [][]byte, offset int) (int, error) {
	select {
	case <-m.done:
		return 0, ErrClosed
	default:
	}
	if !m.LinkUp() {
		m.Dropped.Add(uint64(len(bufs)))
		return len(bufs), nil
	}
	for _, b := range bufs {
		m.send(m.toHost, nil, b[offset:]) // a full queue drops, counted
	}
	return len(bufs), nil
}

// Close implements Port.
func (m *Mem) Close() error {
	m.closeOnce.Do(func() { close(m.done) })
	return nil
}

// LinkUp implements Linker: up when the router has not shut it and the host
// has carrier.
func (m *Mem) LinkUp() bool { return m.admin.Load() && m.carrier.Load() }

// SetLinkUp implements Linker.
func (m *Mem) SetLinkUp(up bool) error {
	m.admin.Store(up)
	return nil
}

// Events implements Linker: carrier changes made by the host.
func (m *Mem) Events() <-chan Event { return m.events }

// AdminUp reports the state the router last pushed with SetLinkUp (what a
// host would see as carrier).
func (h *MemHost) AdminUp() bool { return h.m.admin.Load() }

// SetCarrier plays a cable being pulled (false) or plugged in (true).
func (h *MemHost) SetCarrier(up bool) {
	if h.m.carrier.Swap(up) == up {
		return
	}
	e := EventDown
	if up {
		e = EventUp
	}
	select {
	case h.m.events <- e:
	default:
	}
}

// Inject sends one IP packet to the router. It copies p and never blocks:
// a full queue, a closed port or a down link drops the packet and returns
// an error.
func (h *MemHost) Inject(p []byte) error { return h.m.send(h.m.toRouter, nil, p) }

// send queues hdr and p, copied into one buffer, on q (toRouter or
// toHost). A closed port, a down link or a full queue loses it: the loss
// is counted and said.
func (m *Mem) send(q chan []byte, hdr, p []byte) error {
	select {
	case <-m.done:
		return ErrClosed
	default:
	}
	if !m.LinkUp() {
		m.Dropped.Add(1)
		return ErrLinkDown
	}
	b := m.getBuf()
	n := copy(b, hdr)
	n += copy(b[n:], p)
	select {
	case q <- b[:n]:
		if q == m.toRouter && m.ready != nil {
			m.queued()
		}
		return nil
	default:
		m.putBuf(b)
		m.Dropped.Add(1)
		return ErrQueueFull
	}
}

// ReadInto waits for the next packet the router sent, copies it into dst
// and returns its length. It allocates nothing, for benchmarks.
func (h *MemHost) ReadInto(dst []byte) (int, error) {
	select {
	case p := <-h.m.toHost:
		n := copy(dst, p)
		h.m.putBuf(p)
		return n, nil
	case <-h.m.done:
		return 0, ErrClosed
	}
}

// Recv waits up to timeout for the next packet the router sent and returns
// a copy, or nil on timeout or close.
func (h *MemHost) Recv(timeout time.Duration) []byte {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case p := <-h.m.toHost:
		c := append([]byte(nil), p...)
		h.m.putBuf(p)
		return c
	case <-t.C:
		return nil
	case <-h.m.done:
		return nil
	}
}

// TryRecv returns the next packet the router sent if one is queued.
func (h *MemHost) TryRecv() []byte {
	select {
	case p := <-h.m.toHost:
		c := append([]byte(nil), p...)
		h.m.putBuf(p)
		return c
	default:
		return nil
	}
}

// Pending is how many packets from the router wait to be read.
func (h *MemHost) Pending() int { return len(h.m.toHost) }

// Errors returned by MemHost.Inject.
var (
	ErrLinkDown  = errors.New("link down")
	ErrQueueFull = errors.New("queue full")
)
