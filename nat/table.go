package nat

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"sync/atomic"

	"natlab/packet"
)

const (
	shardBits  = 6
	shardCount = 1 << shardBits
)

// endpoint is an IPv4 address and a port (or ICMP identifier), in the
// form packet.Tuple holds them.
type endpoint struct {
	addr [4]byte
	port uint16
}

// addrPort is the endpoint as a netip value, for the exported API.
func (e endpoint) addrPort() netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4(e.addr), e.port)
}

func be32(a [4]byte) uint32 { return binary.BigEndian.Uint32(a[:]) }

func from32(u uint32) [4]byte {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], u)
	return a
}

// Session is one IOS "extended" translation: a flow with its four
// addresses. Packets from the inside carry inLocal -> outLocal and leave as
// inGlobal -> outGlobal; packets from the outside the reverse.
type Session struct {
	proto     packet.Proto
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
	// replied is set by the first packet from the side that did not
	// start the flow: until then the flow may be spoofed (evict.go).
	replied atomic.Bool
	// links place it in the eviction queues: the table's and its inside
	// local host's. Under NAT.mu.
	links [2]link
}

// inKey is the session's flow as the inside sends it (inside local ->
// outside local).
func (s *Session) inKey() packet.Tuple {
	return packet.Tuple{Src: s.inLocal.addr, Dst: s.outLocal.addr, SrcPort: s.inLocal.port, DstPort: s.outLocal.port, Proto: s.proto}
}

// outKey is the session's flow as the outside sends it (outside global ->
// inside global).
func (s *Session) outKey() packet.Tuple {
	return packet.Tuple{Src: s.outGlobal.addr, Dst: s.inGlobal.addr, SrcPort: s.outGlobal.port, DstPort: s.inGlobal.port, Proto: s.proto}
}

// bindingKind tells what made a binding.
type bindingKind uint8

const (
	bindPAT    bindingKind = iota // dynamic address+port (overload), endpoint independent
	bindSimple                    // dynamic address only (pool without overload): a "---" row
	bindStatic                    // from a static rule (never expires, never shown as its own row here)
)

// bindKey is one endpoint of a protocol: a PAT binding's inside local or
// inside global side, a static rule's local or global side.
type bindKey struct {
	addr  [4]byte
	port  uint16
	proto packet.Proto
}

// Binding is an inside local -> inside global mapping shared by every
// session of the same inside endpoint (endpoint-independent mapping,
// RFC 4787 REQ-1). Simple bindings map the address only.
type Binding struct {
	kind     bindingKind
	proto    packet.Proto // PAT only
	local    endpoint
	global   endpoint
	mapID    int
	static   *staticRule
	refs     int     // sessions using it (under NAT.mu)
	holdTill int64   // an expectation keeps it without sessions until then
	peer     [4]byte // the one host an expectation admits; zero: any
	created  int64
	lastUsed atomic.Int64
	seq      uint64
}

// shard is one lock and one map; padding keeps neighbouring locks off the
// same cache line.
type shard struct {
	mu sync.RWMutex
	m  map[packet.Tuple]*Session
	_  [32]byte
}

// sessionIndex is a sharded map from a flow's tuple to its session.
// Readers take one shard's read lock; writers hold NAT.mu and then a
// shard's write lock.
type sessionIndex struct {
	shards [shardCount]shard
}

func (x *sessionIndex) init() {
	for i := range x.shards {
		x.shards[i].m = make(map[packet.Tuple]*Session)
	}
}

func (x *sessionIndex) shard(k *packet.Tuple) *shard {
	return &x.shards[k.Hash()>>(64-shardBits)]
}

func (x *sessionIndex) get(k packet.Tuple) *Session { return x.lookup(&k) }

// lookup is get for the packet path: a Tuple, holding arrays, is passed in
// memory, never in registers, so a pointer saves a copy.
func (x *sessionIndex) lookup(k *packet.Tuple) *Session {
	sh := x.shard(k)
	sh.mu.RLock()
	s := sh.m[*k]
	sh.mu.RUnlock()
	return s
}

func (x *sessionIndex) put(k packet.Tuple, s *Session) {
	sh := x.shard(&k)
	sh.mu.Lock()
	sh.m[k] = s
	sh.mu.Unlock()
}

func (x *sessionIndex) del(k packet.Tuple, s *Session) {
	sh := x.shard(&k)
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
