package router

import (
	"net/netip"
	"slices"

	"natlab/packet"
)

// HookPoint is a place in the packet path where features run, in IOS order
// of operations:
//
//	inside->outside: HookInput(in-iface) -> routing -> HookPostRouting (NAT in->out) -> HookOutput (out-iface ACL) -> HookInspect
//	outside->inside: HookInput(in-iface) -> HookPreRouting (NAT out->in) -> routing -> HookOutput -> HookInspect
//
// Every forwarded packet passes all five points; a feature decides from
// Packet.In/Out whether it applies (NAT acts in PreRouting only for packets
// from an outside interface, in PostRouting only for inside-to-outside).
// Packets to the router pass HookInput and HookPreRouting and are then
// delivered locally. Router-originated packets (In == nil: echo replies,
// ICMP errors, ping, traceroute) pass HookPostRouting, HookOutput and
// HookInspect.
type HookPoint int

const (
	HookInput HookPoint = iota
	HookPreRouting
	HookPostRouting
	HookOutput
	// HookInspect runs last, after the output ACL, for stateful inspection.
	HookInspect
	numHookPoints
)

func (p HookPoint) String() string {
	switch p {
	case HookInput:
		return "input"
	case HookPreRouting:
		return "prerouting"
	case HookPostRouting:
		return "postrouting"
	case HookOutput:
		return "output"
	case HookInspect:
		return "inspect"
	}
	return "unknown"
}

// Verdict is what a hook decides for a packet.
type Verdict int

const (
	// Accept passes the packet to the next hook.
	Accept Verdict = iota
	// Drop discards it silently (counted as a drop).
	Drop
	// DropProhibited discards it and answers with ICMP 3/13
	// "communication administratively prohibited" (rate-limited), as an IOS
	// ACL deny does.
	DropProhibited
	// Stolen: the hook took the packet over. The router stops processing it
	// and counts nothing; the buffer is still the router's once Process
	// returns, so a hook that keeps the bytes copies them.
	Stolen
)

// Packet is a packet on its way through the router, as hooks see it.
type Packet struct {
	// Buf is the IP packet. Hooks may rewrite it in place and may grow it
	// up to cap(Buf) (payload rewrites), fixing lengths and checksums and
	// then calling Reparse.
	Buf []byte
	// P is the decoded view of Buf.
	P packet.Parsed
	// In is the receiving interface; nil for router-originated packets.
	In *Interface
	// Out is the sending interface; valid after routing (HookPostRouting and
	// later).
	Out *Interface
	// NextHop is the on-link next hop (the destination itself on a
	// connected subnet); valid after routing.
	NextHop netip.Addr
	// Mark carries feature flags between hooks (e.g. an inspection pinhole
	// marks a packet so the ACL hooks accept it). Zero on entry.
	Mark uint32
}

// Reparse decodes Buf into P again after a hook changed it; false means
// the packet is no longer valid, and the router drops it.
func (p *Packet) Reparse() bool {
	return p.P.Decode(p.Buf) == packet.OK
}

// Hook is a feature's packet-path entry point. Process runs on packet
// goroutines, concurrently for different interfaces: it must not block and
// should not allocate.
type Hook interface {
	Process(p *Packet) Verdict
}

// HookFunc adapts a function to Hook.
type HookFunc func(p *Packet) Verdict

// Process implements Hook.
func (f HookFunc) Process(p *Packet) Verdict { return f(p) }

type hookEntry struct {
	order, seq int
	h          Hook
}

// AddHook installs h at point; lower order runs first (e.g. ACL input 100,
// NAT 200), equal orders in the order added.
func (r *Router) AddHook(point HookPoint, order int, h Hook) {
	if point < 0 || point >= numHookPoints || h == nil {
		return
	}
	r.configure(func() {
		r.hookSeq++
		r.hooks[point] = append(r.hooks[point], hookEntry{order, r.hookSeq, h})
		slices.SortStableFunc(r.hooks[point], func(a, b hookEntry) int {
			if a.order != b.order {
				return a.order - b.order
			}
			return a.seq - b.seq
		})
	})
}
