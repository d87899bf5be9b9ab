package nat

import (
	"sync"
	"time"

	"natlab/packet"
)

// Non-first fragments carry no ports, so they are translated with the
// addresses chosen for the first fragment of the same datagram (RFC 4787
// REQ-14: IP ID, addresses and protocol name the datagram). The cache is
// direct-mapped and fixed-size: a flood of fragments can only evict
// entries, never grow memory (REQ-14a).
const (
	fragSlots    = 4096
	fragLifetime = int64(30 * time.Second)
)

type fragKey struct {
	src, dst [4]byte
	id       uint16
	proto    packet.Proto
}

// fragKeyOf names the datagram a packet (or fragment) belongs to.
func fragKeyOf(p *packet.Parsed) fragKey {
	return fragKey{p.Src.As4(), p.Dst.As4(), p.ID, p.IPProto}
}

type fragEntry struct {
	key      fragKey
	src, dst [4]byte
	expires  int64
}

type fragCache struct {
	mu    sync.Mutex
	slots [fragSlots]fragEntry
}

func (k *fragKey) slot() int {
	h := (uint64(be32(k.src))<<32 | uint64(be32(k.dst))) ^ (uint64(k.id)<<8|uint64(k.proto))*0x9e3779b97f4a7c15
	h *= 0xbf58476d1ce4e5b9
	return int(h >> (64 - 12))
}

func (c *fragCache) add(k fragKey, src, dst [4]byte, now int64) {
	c.mu.Lock()
	c.slots[k.slot()] = fragEntry{key: k, src: src, dst: dst, expires: now + fragLifetime}
	c.mu.Unlock()
}

func (c *fragCache) get(k fragKey, now int64) (src, dst [4]byte, ok bool) {
	c.mu.Lock()
	e := &c.slots[k.slot()]
	if e.expires > now && e.key == k {
		src, dst, ok = e.src, e.dst, true
	}
	c.mu.Unlock()
	return
}

func (c *fragCache) expire(now int64) {
	c.mu.Lock()
	for i := range c.slots {
		if c.slots[i].expires != 0 && c.slots[i].expires <= now {
			c.slots[i] = fragEntry{}
		}
	}
	c.mu.Unlock()
}

func (c *fragCache) clear() {
	c.mu.Lock()
	c.slots = [fragSlots]fragEntry{}
	c.mu.Unlock()
}
