package nat

import (
	"encoding/binary"
	"sync/atomic"
)

// addrSet is a set of IPv4 addresses that the packet path reads without a
// lock while the configuration changes it: an open-addressing hash table
// of atomic slots. Writers are serialized by NAT.mu; each add or remove is
// O(1) amortized, so loading thousands of static rules stays linear where
// a copy-on-write snapshot would copy the whole set per rule. An address
// added more than once (extendable rules sharing a global address) stays
// until removed as often.
type addrSet struct {
	table atomic.Pointer[addrTable]
	refs  map[[4]byte]int // under NAT.mu
	used  int             // slots not empty (members and tombstones), under NAT.mu
}

// addrTable is one generation of the table; a grown table replaces it
// whole, so readers never see a half-rehashed one.
type addrTable struct {
	slots []atomic.Uint64 // 0 empty, tombstone, or present|address
	shift uint            // 64 - log2(len(slots))
}

const (
	addrPresent   = 1 << 32
	addrTombstone = 1 << 33
	addrMinSlots  = 16
)

func (s *addrSet) init() {
	s.refs = make(map[[4]byte]int)
	s.table.Store(newAddrTable(addrMinSlots))
}

func newAddrTable(size int) *addrTable {
	t := &addrTable{slots: make([]atomic.Uint64, size), shift: 64}
	for ; size > 1; size >>= 1 {
		t.shift--
	}
	return t
}

// start is where the probe for a begins (Fibonacci hashing) and the mask
// that wraps it.
func (t *addrTable) start(a uint32) (int, int) {
	return int((uint64(a) * 0x9e3779b97f4a7c15) >> t.shift), len(t.slots) - 1
}

// find is the slot that holds a, or -1.
func (t *addrTable) find(a [4]byte) int {
	u := binary.BigEndian.Uint32(a[:])
	want := addrPresent | uint64(u)
	for i, mask := t.start(u); ; i = (i + 1) & mask {
		switch t.slots[i].Load() {
		case want:
			return i
		case 0:
			return -1
		}
	}
}

// has reports whether a is in the set. It takes no lock.
func (s *addrSet) has(a [4]byte) bool { return s.table.Load().find(a) >= 0 }

// add puts a in the set (once more). Caller holds NAT.mu.
func (s *addrSet) add(a [4]byte) {
	if s.refs[a] > 0 {
		s.refs[a]++
		return
	}
	t := s.table.Load()
	if (s.used+1)*2 > len(t.slots) {
		t = s.grow()
	}
	s.refs[a] = 1
	u := binary.BigEndian.Uint32(a[:])
	for i, mask := t.start(u); ; i = (i + 1) & mask {
		switch v := t.slots[i].Load(); v {
		case 0:
			s.used++
			fallthrough
		case addrTombstone:
			t.slots[i].Store(addrPresent | uint64(u))
			return
		}
	}
}

// remove takes a out of the set (once). Caller holds NAT.mu.
func (s *addrSet) remove(a [4]byte) {
	if s.refs[a] == 0 {
		return
	}
	if s.refs[a]--; s.refs[a] > 0 {
		return
	}
	delete(s.refs, a)
	t := s.table.Load()
	if i := t.find(a); i >= 0 {
		t.slots[i].Store(addrTombstone)
	}
}

// grow publishes a table sized for the members (tombstones dropped) and
// returns it. Caller holds NAT.mu.
func (s *addrSet) grow() *addrTable {
	size := addrMinSlots
	for size < 4*(len(s.refs)+1) {
		size *= 2
	}
	t := newAddrTable(size)
	for a := range s.refs {
		u := binary.BigEndian.Uint32(a[:])
		i, mask := t.start(u)
		for t.slots[i].Load() != 0 {
			i = (i + 1) & mask
		}
		t.slots[i].Store(addrPresent | uint64(u))
	}
	s.used = len(s.refs)
	s.table.Store(t)
	return t
}
