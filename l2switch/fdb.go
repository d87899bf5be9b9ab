package l2switch

import (
	"math/bits"
	"sync"
	"sync/atomic"
)

// fdbKey is a VLAN and a MAC in one word: vlan<<48 | mac. VLAN 0 is never
// used (frames are classified into VLANs 1-4094), so 0 marks a free slot.
type fdbKey uint64

func keyOf(vlan uint16, mac []byte) fdbKey {
	_ = mac[5]
	return fdbKey(uint64(vlan)<<48 | uint64(mac[0])<<40 | uint64(mac[1])<<32 | uint64(mac[2])<<24 |
		uint64(mac[3])<<16 | uint64(mac[4])<<8 | uint64(mac[5]))
}

func (k fdbKey) vlan() uint16 { return uint16(k >> 48) }

func (k fdbKey) mac() (m [6]byte) {
	for i := range m {
		m[i] = byte(k >> (40 - 8*i))
	}
	return m
}

// fdbSlot is one slot of the table. key and port change only under the
// write lock; seen is refreshed under the read lock, so it is atomic.
type fdbSlot struct {
	key  fdbKey
	port int32
	seen atomic.Int64 // unix nanoseconds of the last frame from the station
}

// refreshEvery is how stale seen may get before a frame from a known
// station rewrites it: readers on several ports then do not keep writing
// one cache line, and aging is to the second anyway.
const refreshEvery = int64(1e9)

// sweepEvery is the least time between two sweeps of a full table for
// expired entries: a flood of new source MACs into a table full of live
// ones must not scan the table per frame.
const sweepEvery = int64(1e9)

// fdb is the forwarding database: a fixed open-addressing hash table with
// linear probing and backward-shift deletion (no tombstones), at most half
// full, so it never grows or allocates after New. Lookups and refreshes of
// known stations share a read lock; inserts, moves and sweeps take the
// write lock.
type fdb struct {
	mu        sync.RWMutex
	slots     []fdbSlot
	mask      uint64
	shift     uint
	n         int // entries, under mu
	max       int
	aging     int64 // nanoseconds
	lastSweep int64 // under mu

	refused atomic.Uint64 // new stations not learnt because the table was full
}

func newFDB(max int, aging int64) *fdb {
	size := 1 << bits.Len(uint(2*max-1)) // a power of two >= 2*max
	return &fdb{slots: make([]fdbSlot, size), mask: uint64(size - 1), shift: uint(64 - bits.Len(uint(size-1))), max: max, aging: aging, lastSweep: -sweepEvery}
}

func (t *fdb) home(k fdbKey) uint64 {
	return (uint64(k) * 0x9E3779B97F4A7C15) >> t.shift & t.mask
}

// find returns the slot of k, or -1. Callers hold mu.
func (t *fdb) find(k fdbKey) int {
	for i := t.home(k); ; i = (i + 1) & t.mask {
		switch t.slots[i].key {
		case k:
			return int(i)
		case 0:
			return -1
		}
	}
}

// lookup returns the port a station was learnt on, unless its entry is
// missing or older than the aging time.
func (t *fdb) lookup(k fdbKey, now int64) (int, bool) {
	t.mu.RLock()
	i := t.find(k)
	if i < 0 {
		t.mu.RUnlock()
		return 0, false
	}
	s := &t.slots[i]
	p, fresh := int(s.port), now-s.seen.Load() <= t.aging
	t.mu.RUnlock()
	return p, fresh
}

// learn records that station k sent a frame on port at now.
func (t *fdb) learn(k fdbKey, port int, now int64) {
	t.mu.RLock()
	if i := t.find(k); i >= 0 && int(t.slots[i].port) == port {
		if s := &t.slots[i]; now-s.seen.Load() >= refreshEvery {
			s.seen.Store(now)
		}
		t.mu.RUnlock()
		return
	}
	t.mu.RUnlock()

	t.mu.Lock()
	defer t.mu.Unlock()
	if i := t.find(k); i >= 0 { // moved (or raced with another learner)
		t.slots[i].port = int32(port)
		t.slots[i].seen.Store(now)
		return
	}
	if t.n >= t.max && now-t.lastSweep >= sweepEvery {
		t.lastSweep = now
		t.sweepLocked(now)
	}
	if t.n >= t.max {
		t.refused.Add(1)
		return
	}
	i := t.home(k)
	for t.slots[i].key != 0 {
		i = (i + 1) & t.mask
	}
	t.slots[i].key, t.slots[i].port = k, int32(port)
	t.slots[i].seen.Store(now)
	t.n++
}

// sweep removes the entries older than the aging time.
func (t *fdb) sweep(now int64) {
	t.mu.Lock()
	t.sweepLocked(now)
	t.mu.Unlock()
}

// sweepLocked removes expired entries, and flushPort's entries when
// port >= 0. A deletion shifts a later entry into the hole, so the same
// index is looked at again; entries that wrap around from the start are
// looked at where they land.
func (t *fdb) sweepLocked(now int64) {
	t.removeLocked(func(s *fdbSlot) bool { return now-s.seen.Load() > t.aging })
}

func (t *fdb) removeLocked(drop func(*fdbSlot) bool) {
	for i := 0; i < len(t.slots); {
		if s := &t.slots[i]; s.key != 0 && drop(s) {
			t.deleteAt(uint64(i))
			continue
		}
		i++
	}
}

// deleteAt empties slot i and moves back the entries after it that could
// not sit in their home slot, so every entry stays reachable from home.
func (t *fdb) deleteAt(i uint64) {
	t.n--
	for j := (i + 1) & t.mask; t.slots[j].key != 0; j = (j + 1) & t.mask {
		h := t.home(t.slots[j].key)
		// Entry j stays when its home lies cyclically in (i, j].
		if i <= j && i < h && h <= j || i > j && (i < h || h <= j) {
			continue
		}
		t.slots[i].key, t.slots[i].port = t.slots[j].key, t.slots[j].port
		t.slots[i].seen.Store(t.slots[j].seen.Load())
		i = j
	}
	t.slots[i].key, t.slots[i].port = 0, 0
	t.slots[i].seen.Store(0)
}

// flushPort forgets every station learnt on port.
func (t *fdb) flushPort(port int) {
	t.mu.Lock()
	t.removeLocked(func(s *fdbSlot) bool { return int(s.port) == port })
	t.mu.Unlock()
}

// size is the number of entries, expired ones included until a sweep.
func (t *fdb) size() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.n
}

// each calls f for every entry that has not expired.
func (t *fdb) each(now int64, f func(k fdbKey, port int, seen int64)) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	for i := range t.slots {
		s := &t.slots[i]
		if seen := s.seen.Load(); s.key != 0 && now-seen <= t.aging {
			f(s.key, int(s.port), seen)
		}
	}
}
