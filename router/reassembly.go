package router

import (
	"encoding/binary"
	"sort"
	"sync"
	"sync/atomic"

	"natlab/packet"
)

// Reassembly of fragmented datagrams addressed to the router (RFC 791
// §3.2), so that a large ping to the router, or the fragmented replies to
// a large ping from it, are answered as on IOS. Forwarded fragments are
// never reassembled. This path is rare and may allocate; it has its own
// mutex, never the configuration lock.
//
// A datagram is delivered only when its fragments cover every byte from 0
// to the end the last fragment (the one without MF) gives, once each: a
// fragment that overlaps another drops the whole train (RFC 5722's rule,
// which Linux applies to IPv4 too since 4.19), so overlapping fragments can
// neither fill a hole nor overwrite what arrived first. A fragment wholly
// inside one already held is a duplicate: it is dropped and the train
// kept. Memory is bounded: reassemblyMaxTrains trains, reassemblyMaxBytes
// bytes across all of them, reassemblyMaxFragments fragments a train; the
// oldest train is dropped to make room.

const (
	// reassemblyTimeout is how long a train waits for the rest of its
	// fragments (Linux's ipfrag_time, 30 s).
	reassemblyTimeout = 30e9
	// reassemblyMaxTrains bounds the datagrams in progress (IOS virtual
	// reassembly's max-reassemblies default).
	reassemblyMaxTrains = 16
	// reassemblyMaxBytes bounds the bytes held across all trains: four
	// datagrams of the largest size.
	reassemblyMaxBytes = 4 << 16
	// reassemblyMaxFragments bounds a train's fragments: a 64 KiB datagram
	// over a 576-byte MTU is 120.
	reassemblyMaxFragments = 128
	// fragOverhead is what each fragment held is charged beyond its data,
	// so that a flood of tiny fragments is bounded too.
	fragOverhead = 64
)

type fragKey struct {
	src, dst [4]byte
	id       uint16
	proto    packet.Proto
}

// fragPart is the data of one fragment, at [off, off+len(data)) of the
// datagram's payload.
type fragPart struct {
	off  int
	data []byte
}

func (f fragPart) end() int { return f.off + len(f.data) }

// fragTrain is a datagram being reassembled.
type fragTrain struct {
	key     fragKey
	started int64
	header  []byte     // the first fragment's header, once it arrives
	parts   []fragPart // sorted by offset, disjoint
	total   int        // payload length, -1 until the last fragment arrives
	covered int        // payload bytes held (the parts are disjoint)
	held    int        // bytes charged against reassemblyMaxBytes
}

// ReassemblyStats are the reassembler's counters (IOS `show ip traffic`'s
// Frags line, with the causes of failure apart).
type ReassemblyStats struct {
	// Reassembled counts datagrams delivered whole.
	Reassembled uint64
	// Timeouts counts trains dropped unfinished after the timeout.
	Timeouts uint64
	// Overlaps counts trains dropped because two fragments overlapped.
	Overlaps uint64
	// Invalid counts trains or fragments dropped because a fragment
	// contradicted the others or RFC 791 (a second, different end; data
	// past the end; a non-last fragment not a multiple of 8 bytes; a
	// datagram over 65,535 bytes; an empty fragment).
	Invalid uint64
	// Evicted counts trains dropped to stay within the limits.
	Evicted uint64
	// Duplicates counts fragments dropped because their data had arrived.
	Duplicates uint64
	// Trains and Bytes are what is held now.
	Trains, Bytes int
}

type reassemblyCounters struct {
	reassembled, timeouts, overlaps, invalid, evicted, duplicates atomic.Uint64
}

type reassembler struct {
	mu     sync.Mutex
	trains []*fragTrain // oldest first
	held   int          // sum of the trains' held
	c      reassemblyCounters
}

// ReassemblyStats reads the reassembler's counters.
func (r *Router) ReassemblyStats() ReassemblyStats { return r.frags.stats() }

func (ra *reassembler) stats() ReassemblyStats {
	ra.mu.Lock()
	trains, held := len(ra.trains), ra.held
	ra.mu.Unlock()
	return ReassemblyStats{
		Reassembled: ra.c.reassembled.Load(), Timeouts: ra.c.timeouts.Load(),
		Overlaps: ra.c.overlaps.Load(), Invalid: ra.c.invalid.Load(),
		Evicted: ra.c.evicted.Load(), Duplicates: ra.c.duplicates.Load(),
		Trains: trains, Bytes: held,
	}
}

// add files the fragment p and returns the whole datagram once complete,
// or nil.
func (ra *reassembler) add(p *Packet, now int64) []byte {
	b := p.Buf
	ip := packet.IPv4(b)
	off := ip.FragmentOffset()
	data := b[p.P.IHL:p.P.TotalLen]
	more := ip.Flags()&packet.IPv4FlagMoreFragments != 0
	k := fragKey{src: p.P.Src.As4(), dst: p.P.Dst.As4(), id: ip.ID(), proto: p.P.IPProto}

	ra.mu.Lock()
	defer ra.mu.Unlock()
	ra.expire(now)
	f := ra.find(k)
	if len(data) == 0 || more && len(data)%8 != 0 || off+len(data) > 0xffff-packet.IPv4MinimumSize {
		ra.c.invalid.Add(1)
		ra.drop(f)
		return nil
	}
	if f == nil {
		f = ra.start(k, now)
	}
	end := off + len(data)
	switch {
	case !more && (f.total >= 0 && end != f.total || f.maxEnd() > end),
		more && f.total >= 0 && end > f.total:
		ra.c.invalid.Add(1)
		ra.drop(f)
		return nil
	}
	at, dup, overlap := f.place(off, end)
	switch {
	case dup:
		ra.c.duplicates.Add(1)
		return nil
	case overlap:
		ra.c.overlaps.Add(1)
		ra.drop(f)
		return nil
	case len(f.parts) == reassemblyMaxFragments:
		ra.c.evicted.Add(1)
		ra.drop(f)
		return nil
	}
	cost := len(data) + fragOverhead
	if off == 0 {
		cost += p.P.IHL
	}
	if !ra.makeRoom(f, cost) {
		return nil
	}
	if off == 0 {
		f.header = append([]byte(nil), b[:p.P.IHL]...)
	}
	if !more {
		f.total = end
	}
	f.parts = append(f.parts, fragPart{})
	copy(f.parts[at+1:], f.parts[at:])
	f.parts[at] = fragPart{off: off, data: append([]byte(nil), data...)}
	f.covered += len(data)
	f.held += cost
	ra.held += cost
	if f.total < 0 || f.header == nil || f.covered != f.total {
		return nil
	}
	ra.remove(f)
	if len(f.header)+f.total > 0xffff {
		ra.c.invalid.Add(1)
		return nil
	}
	ra.c.reassembled.Add(1)
	return f.assemble()
}

// expire drops the trains older than the timeout; the oldest come first.
func (ra *reassembler) expire(now int64) {
	for len(ra.trains) > 0 && now-ra.trains[0].started > reassemblyTimeout {
		ra.c.timeouts.Add(1)
		ra.remove(ra.trains[0])
	}
}

func (ra *reassembler) find(k fragKey) *fragTrain {
	for _, f := range ra.trains {
		if f.key == k {
			return f
		}
	}
	return nil
}

// start opens a train for k, dropping the oldest when all slots are taken.
func (ra *reassembler) start(k fragKey, now int64) *fragTrain {
	if len(ra.trains) == reassemblyMaxTrains {
		ra.c.evicted.Add(1)
		ra.remove(ra.trains[0])
	}
	f := &fragTrain{key: k, started: now, total: -1}
	ra.trains = append(ra.trains, f)
	return f
}

// makeRoom drops the oldest other trains until cost more bytes fit; when
// they cannot (f alone would exceed the limit), it drops f and reports
// false.
func (ra *reassembler) makeRoom(f *fragTrain, cost int) bool {
	for ra.held+cost > reassemblyMaxBytes {
		victim := ra.trains[0]
		if victim == f {
			if len(ra.trains) == 1 {
				ra.c.evicted.Add(1)
				ra.remove(f)
				return false
			}
			victim = ra.trains[1]
		}
		ra.c.evicted.Add(1)
		ra.remove(victim)
	}
	return true
}

// drop discards f (nil: nothing) after a fault.
func (ra *reassembler) drop(f *fragTrain) {
	if f != nil {
		ra.remove(f)
	}
}

func (ra *reassembler) remove(f *fragTrain) {
	for i, x := range ra.trains {
		if x == f {
			copy(ra.trains[i:], ra.trains[i+1:])
			ra.trains[len(ra.trains)-1] = nil
			ra.trains = ra.trains[:len(ra.trains)-1]
			ra.held -= f.held
			return
		}
	}
}

// maxEnd is the end of the furthest fragment held.
func (f *fragTrain) maxEnd() int {
	if len(f.parts) == 0 {
		return 0
	}
	return f.parts[len(f.parts)-1].end()
}

// place finds where [off, end) goes among the parts: at is its index;
// dup says it lies wholly inside one part, overlap that it overlaps one
// otherwise.
func (f *fragTrain) place(off, end int) (at int, dup, overlap bool) {
	at = sort.Search(len(f.parts), func(i int) bool { return f.parts[i].off >= off })
	if at > 0 {
		prev := f.parts[at-1]
		if end <= prev.end() {
			return at, true, false
		}
		if off < prev.end() {
			return at, false, true
		}
	}
	if at < len(f.parts) {
		next := f.parts[at]
		if next.off == off && end <= next.end() {
			return at, true, false
		}
		if end > next.off {
			return at, false, true
		}
	}
	return at, false, false
}

// assemble builds the whole datagram from a complete train: the first
// fragment's header with the total length, no MF and no offset.
func (f *fragTrain) assemble() []byte {
	hl := len(f.header)
	whole := make([]byte, hl+f.total, hl+f.total+growRoom)
	copy(whole, f.header)
	for _, part := range f.parts {
		copy(whole[hl+part.off:], part.data)
	}
	wip := packet.IPv4(whole)
	wip.SetTotalLength(uint16(len(whole)))
	fo := binary.BigEndian.Uint16(whole[6:]) & packet.IPv4FlagDontFragment
	binary.BigEndian.PutUint16(whole[6:], fo)
	wip.UpdateChecksum()
	return whole
}
