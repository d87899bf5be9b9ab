package ether

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"time"
)

// Bounds and timers of a port's ARP cache.
const (
	// DefaultTimeout is IOS's ARP timeout (arp timeout 14400).
	DefaultTimeout = 4 * time.Hour
	// MaxEntries bounds a port's cache; when it is full new entries
	// (incomplete or learned) are refused and counted.
	MaxEntries = 4096
	// QueuePerHop is how many packets wait for one next hop to resolve.
	QueuePerHop = 3
	// QueuePerPort is how many packets wait for resolution on one port.
	QueuePerPort = 256
	// RetryInterval and MaxTries: an incomplete entry sends a request
	// every second, three in all, then gives its packets up.
	RetryInterval = time.Second
	MaxTries      = 3

	// sweepEvery is how often expired complete entries are swept (they are
	// also ignored on lookup as soon as they expire).
	sweepEvery = 30 * time.Second
	// spareEntries bounds the recycled entry structs kept for reuse.
	spareEntries = 64
)

// entry is one neighbor. Incomplete entries hold the packets waiting for it.
type entry struct {
	mac      MAC
	complete bool
	updated  time.Time // learned, confirmed or created: Age counts from it
	tries    int       // requests sent while incomplete
	nextTry  time.Time
	nq       int
	q        [QueuePerHop]int16 // slots of the queue pool
}

// cache is a port's ARP cache and the pool of packets waiting in it. All
// fields are guarded by mu.
type cache struct {
	mu         sync.Mutex
	timeout    time.Duration
	m          map[uint32]*entry
	incomplete int
	lastSweep  time.Time
	spare      []*entry
	debugLines []string // held until the lock is released (Port.noteLocked)

	// The queue pool: slot i holds a packet at bufs[i][TaggedHeaderSize:]
	// [:lens[i]], leaving room to put the Ethernet header in front of it
	// in place once the next hop resolves. Buffers are allocated on first
	// use and kept.
	bufs    [QueuePerPort][]byte
	lens    [QueuePerPort]int
	free    []int16
	bufSize int
}

func (c *cache) init(bufSize int) {
	c.timeout = DefaultTimeout
	c.m = make(map[uint32]*entry)
	c.bufSize = bufSize
	c.free = make([]int16, QueuePerPort)
	for i := range c.free {
		c.free[i] = int16(QueuePerPort - 1 - i)
	}
}

func key4(a [4]byte) uint32 { return binary.BigEndian.Uint32(a[:]) }

func addrOf(k uint32) netip.Addr {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], k)
	return netip.AddrFrom4(a)
}

// fresh reports whether e may be used at now.
func (c *cache) fresh(e *entry, now time.Time) bool {
	return e != nil && e.complete && now.Sub(e.updated) < c.timeout
}

// newEntry adds an entry for k, or returns nil when the cache is full.
func (c *cache) newEntry(k uint32) *entry {
	if len(c.m) >= MaxEntries {
		return nil
	}
	var e *entry
	if n := len(c.spare); n > 0 {
		e = c.spare[n-1]
		c.spare = c.spare[:n-1]
	} else {
		e = new(entry)
	}
	c.m[k] = e
	return e
}

// remove deletes k's entry; its queued packets must have been taken.
func (c *cache) remove(k uint32, e *entry) {
	delete(c.m, k)
	if !e.complete {
		c.incomplete--
	}
	*e = entry{}
	if len(c.spare) < spareEntries {
		c.spare = append(c.spare, e)
	}
}

// enqueue copies pkt into the pool for e; false when e's queue or the pool
// is full, or pkt does not fit a buffer.
func (c *cache) enqueue(e *entry, pkt []byte) bool {
	n := len(c.free)
	if e.nq == QueuePerHop || n == 0 || TaggedHeaderSize+len(pkt) > c.bufSize {
		return false
	}
	s := c.free[n-1]
	c.free = c.free[:n-1]
	if c.bufs[s] == nil {
		c.bufs[s] = make([]byte, c.bufSize)
	}
	c.lens[s] = copy(c.bufs[s][TaggedHeaderSize:], pkt)
	e.q[e.nq] = s
	e.nq++
	return true
}

// packet is the IP packet in slot s.
func (c *cache) packet(s int16) []byte {
	return c.bufs[s][TaggedHeaderSize : TaggedHeaderSize+c.lens[s]]
}

// frame puts an Ethernet header in front of slot s's packet and returns
// the frame.
func (c *cache) frame(s int16, dst, src MAC, vlan uint16) []byte {
	start := TaggedHeaderSize - headerSize(vlan)
	putHeader(c.bufs[s][start:], dst, src, vlan, TypeIPv4)
	return c.bufs[s][start : TaggedHeaderSize+c.lens[s]]
}

func (c *cache) release(s int16) { c.free = append(c.free, s) }

// dropAll empties the cache, dropping queued packets (clear arp-cache).
func (c *cache) dropAll() {
	for k, e := range c.m {
		for _, s := range e.q[:e.nq] {
			c.release(s)
		}
		e.nq = 0
		c.remove(k, e)
	}
}
