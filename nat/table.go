package nat

import (
	"sync"
	"sync/atomic"
)

// Key identifies a flow as seen on one side of the router: fixed size and
// pointer-free, so maps keyed by it hash plain memory and the garbage
// collector never scans it. For ICMP queries both ports hold the identifier.
type Key struct {
	Src, Dst         uint32
	SrcPort, DstPort uint16
	Proto            uint8
}

// shardIndex spreads keys over the shards (a multiplicative hash of the
// fields; the map does its own hashing inside the shard).
func (k *Key) shardIndex() int {
	h := uint64(k.Src)<<32 | uint64(k.Dst)
	h ^= (uint64(k.SrcPort)<<16 | uint64(k.DstPort) | uint64(k.Proto)<<32) * 0x9e3779b97f4a7c15
	h *= 0xbf58476d1ce4e5b9
	return int(h >> (64 - shardBits))
}

const (
	shardBits  = 6
	shardCount = 1 << shardBits
)

// endpoint is an address and port (or ICMP identifier).
type endpoint struct {
	addr uint32
	port uint16
}

// Session is one IOS "extended" translation: a flow with its four
// addresses. Packets from the inside carry inLocal -> outLocal and leave as
// inGlobal -> outGlobal; packets from the outside the reverse.
type Session struct {
	proto     uint8
	outbound  bool // created by a packet from the inside (the TCP originator)
	hairpin   atomic.Bool
	inLocal   endpoint
	inGlobal  endpoint
	outLocal  endpoint
	outGlobal endpoint
	binding   *Binding // inside translation; nil when only the outside is translated
	mapID     int      // dynamic mapping that created the binding, 0 if none
	seq       uint64   // creation order, for show
	created   int64
	lastUsed  atomic.Int64
	tcpState  atomic.Uint32
}

func (s *Session) inKey() Key {
	return Key{Src: s.inLocal.addr, Dst: s.outLocal.addr, SrcPort: s.inLocal.port, DstPort: s.outLocal.port, Proto: s.proto}
}

func (s *Session) outKey() Key {
	return Key{Src: s.outGlobal.addr, Dst: s.inGlobal.addr, SrcPort: s.outGlobal.port, DstPort: s.inGlobal.port, Proto: s.proto}
}

// bindingKind tells what made a binding.
type bindingKind uint8

const (
	bindPAT    bindingKind = iota // dynamic address+port (overload), endpoint independent
	bindSimple                    // dynamic address only (pool without overload): a "---" row
	bindStatic                    // from a static rule (never expires, never shown as its own row here)
)

// Binding is an inside local -> inside global mapping shared by every
// session of the same inside endpoint (endpoint-independent mapping,
// RFC 4787 REQ-1). Simple bindings map the address only.
type Binding struct {
	kind     bindingKind
	proto    uint8 // PAT only
	local    endpoint
	global   endpoint
	mapID    int
	static   *staticRule
	refs     int   // sessions using it (under NAT.mu)
	holdTill int64 // an expectation keeps it without sessions until then
	peer     uint32
	created  int64
	lastUsed atomic.Int64
	seq      uint64
}

// shard is one lock and one map; padding keeps neighbouring locks off the
// same cache line.
type shard struct {
	mu sync.RWMutex
	m  map[Key]*Session
	_  [32]byte
}

// sessionIndex is a sharded map from Key to Session. Readers take one
// shard's read lock; writers hold NAT.mu and then a shard's write lock.
type sessionIndex struct {
	shards [shardCount]shard
}

func (x *sessionIndex) init() {
	for i := range x.shards {
		x.shards[i].m = make(map[Key]*Session)
	}
}

func (x *sessionIndex) get(k *Key) *Session {
	sh := &x.shards[k.shardIndex()]
	sh.mu.RLock()
	s := sh.m[*k]
	sh.mu.RUnlock()
	return s
}

func (x *sessionIndex) put(k Key, s *Session) {
	sh := &x.shards[k.shardIndex()]
	sh.mu.Lock()
	sh.m[k] = s
	sh.mu.Unlock()
}

func (x *sessionIndex) del(k Key, s *Session) {
	sh := &x.shards[k.shardIndex()]
	sh.mu.Lock()
	if sh.m[k] == s {
		delete(sh.m, k)
	}
	sh.mu.Unlock()
}

// each calls f for every session under the shard read locks; f must not
// modify the index.
func (x *sessionIndex) each(f func(*Session)) {
	for i := range x.shards {
		sh := &x.shards[i]
		sh.mu.RLock()
		for _, s := range sh.m {
			f(s)
		}
		sh.mu.RUnlock()
	}
}

func (x *sessionIndex) count() int {
	n := 0
	for i := range x.shards {
		sh := &x.shards[i]
		sh.mu.RLock()
		n += len(sh.m)
		sh.mu.RUnlock()
	}
	return n
}
