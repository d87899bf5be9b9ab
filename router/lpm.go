package router

import (
	"encoding/binary"
	"net/netip"
)

// lpm is a compiled longest-prefix-match table for IPv4: one hash map per
// prefix length in use, probed from the longest length down. A routing
// table has few distinct lengths (/32 locals, a few subnet sizes, /0), so a
// lookup is a handful of map probes on uint32 keys and never allocates. The
// table is immutable once built; a change builds a new one.
type lpm struct {
	lens  []uint8 // lengths present, longest first
	byLen [33]map[uint32]int32
	ents  []fibEntry
}

// fibKind says what to do with a packet that matched.
type fibKind uint8

const (
	fibForward   fibKind = iota // send out ent.out
	fibLocal                    // an address of the router
	fibBroadcast                // a directed broadcast of a connected subnet
	fibNull                     // a loopback subnet: nowhere to send
)

// fibEntry is what the packet path needs from a route.
type fibEntry struct {
	kind    fibKind
	out     int32      // interface index (forward; the owning interface for local/broadcast)
	nextHop netip.Addr // zero: the destination is on the link
	rib     int32      // index into snapshot.rib, -1 if none
}

func addrBits(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func maskBits(n uint8) uint32 {
	if n == 0 {
		return 0
	}
	return ^uint32(0) << (32 - n)
}

// insert adds e for p unless p already has an entry: callers insert the
// preferred route first.
func (t *lpm) insert(p netip.Prefix, e fibEntry) {
	n := uint8(p.Bits())
	key := addrBits(p.Addr()) & maskBits(n)
	m := t.byLen[n]
	if m == nil {
		m = make(map[uint32]int32)
		t.byLen[n] = m
		t.lens = append(t.lens, n)
		for i := len(t.lens) - 1; i > 0 && t.lens[i] > t.lens[i-1]; i-- {
			t.lens[i], t.lens[i-1] = t.lens[i-1], t.lens[i]
		}
	}
	if _, ok := m[key]; ok {
		return
	}
	m[key] = int32(len(t.ents))
	t.ents = append(t.ents, e)
}

// lookup returns the entry of the longest prefix containing a.
func (t *lpm) lookup(a netip.Addr) (*fibEntry, bool) {
	x := addrBits(a)
	for _, n := range t.lens {
		if i, ok := t.byLen[n][x&maskBits(n)]; ok {
			return &t.ents[i], true
		}
	}
	return nil, false
}
