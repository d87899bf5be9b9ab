package ether

import "sync"

// rxRing is how many received packets wait for a port's Read; more are
// dropped (the reader never blocks on a slow port).
const rxRing = 256

// ring is a bounded queue of received IP packets in buffers allocated on
// first use and then reused.
type ring struct {
	mu      sync.Mutex
	bufs    [rxRing][]byte
	sizes   [rxRing]int
	head, n int
	bufSize int
	// ready is signalled when a packet lands in an empty ring: a Read that
	// found it empty waits on it.
	ready chan struct{}
}

func (r *ring) init(bufSize int) {
	r.bufSize = bufSize
	r.ready = make(chan struct{}, 1)
}

// put copies pkt in; false when the ring is full.
func (r *ring) put(pkt []byte) bool {
	r.mu.Lock()
	if r.n == rxRing {
		r.mu.Unlock()
		return false
	}
	i := (r.head + r.n) % rxRing
	if r.bufs[i] == nil {
		r.bufs[i] = make([]byte, r.bufSize)
	}
	r.sizes[i] = copy(r.bufs[i], pkt)
	wake := r.n == 0
	r.n++
	r.mu.Unlock()
	if wake {
		select {
		case r.ready <- struct{}{}:
		default:
		}
	}
	return true
}

// get copies up to len(bufs) packets out.
func (r *ring) get(bufs [][]byte, sizes []int, offset int) int {
	r.mu.Lock()
	k := 0
	for k < len(bufs) && r.n > 0 {
		sizes[k] = copy(bufs[k][offset:], r.bufs[r.head][:r.sizes[r.head]])
		r.head = (r.head + 1) % rxRing
		r.n--
		k++
	}
	r.mu.Unlock()
	return k
}

// len is how many packets wait.
func (r *ring) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}
