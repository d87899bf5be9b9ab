package router

import (
	"net/netip"
	"slices"

	"natlab/packet"
	"natlab/port"
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
//
// Features do not name hook points or orders: they Attach to a Stage, and
// the Stage table below places each at its point.
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

// Stage is a feature's step in the IOS order of operations. The table
// orderOfOperations is the one place that says at which hook point each
// step runs and what runs before it; features Attach to a Stage and never
// name a number.
type Stage uint8

const (
	// StageInspectReturn: return traffic of a CBAC (`ip inspect`) session
	// is marked MarkPermit before the input ACL sees it.
	StageInspectReturn Stage = iota
	// StageFTPData: a data connection that an FTP pinhole admits is marked
	// MarkPermit before the input ACL sees it.
	StageFTPData
	// StageInputACL: `ip access-group NAME in` of the receiving interface;
	// it sees the addresses on the wire (global ones on the outside).
	StageInputACL
	// StageNATOutsideToInside: NAT of packets from an outside interface
	// (and hairpinned inside ones), before routing, so routing sees the
	// inside local destination.
	StageNATOutsideToInside
	// StageFTPControl: FTP control inspection; after outside-to-inside NAT
	// and before inside-to-outside NAT, it sees inside local addresses
	// (where Linux runs its helpers too).
	StageFTPControl
	// StageNATInsideToOutside: NAT of packets leaving through an outside
	// interface, after routing.
	StageNATInsideToOutside
	// StageOutputACL: `ip access-group NAME out` of the sending interface;
	// it sees translated (global) source addresses.
	StageOutputACL
	// StageInspect: CBAC opens sessions for packets that leave through an
	// interface with `ip inspect NAME out` (or came in through `in`).
	StageInspect
	numStages
)

// orderOfOperations places every Stage at its hook point, in IOS order
// (Cisco, "NAT Order of Operation"):
//
//	inside->outside:  input ACL -> routing -> NAT inside-to-outside -> output ACL -> inspect
//	outside->inside:  input ACL -> NAT outside-to-inside -> routing -> output ACL -> inspect
//
// Rows run in table order within a hook point.
var orderOfOperations = [numStages]struct {
	point HookPoint
	name  string
}{
	StageInspectReturn:      {HookInput, "inspect return traffic"},
	StageFTPData:            {HookInput, "ftp data pinholes"},
	StageInputACL:           {HookInput, "input access-list"},
	StageNATOutsideToInside: {HookPreRouting, "nat outside-to-inside"},
	StageFTPControl:         {HookPreRouting, "ftp control inspection"},
	StageNATInsideToOutside: {HookPostRouting, "nat inside-to-outside"},
	StageOutputACL:          {HookOutput, "output access-list"},
	StageInspect:            {HookInspect, "inspect sessions"},
}

func (s Stage) String() string {
	if s < numStages {
		return orderOfOperations[s].name
	}
	return "unknown"
}

// Point is the hook point the stage runs at.
func (s Stage) Point() HookPoint {
	if s < numStages {
		return orderOfOperations[s].point
	}
	return numHookPoints
}

// order is the stage's rank in AddHook terms: stages are 100 apart, so a
// hook added with AddHook at another number runs between them.
func (s Stage) order() int { return 100 * (int(s) + 1) }

// Attach installs h at its stage of the order of operations.
func (r *Router) Attach(s Stage, h Hook) {
	if s >= numStages {
		return
	}
	r.AddHook(s.Point(), s.order(), h)
}

// MarkPermit is the Packet.Mark bit with which a stage that runs before the
// access-lists (an inspection session's return traffic, an FTP pinhole)
// lets a packet pass them.
const MarkPermit uint32 = 1 << 0

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
	// Off is what the packet still owes the kernel when it came from a
	// port with offloads: a partial transport checksum (P.CsumPartial
	// says so too) or, for a super-packet, the segment size its payload is
	// cut into after it leaves. Hooks see a super-packet's headers once,
	// for all its segments; a hook that must see each segment implements
	// SegmentWanter. Zero for a plain packet.
	Off port.Offload
}

// Reparse decodes Buf into P again after a hook changed it; false means
// the packet is no longer valid, and the router drops it.
func (p *Packet) Reparse() bool {
	ok := p.P.Decode(p.Buf) == packet.OK
	p.P.CsumPartial = p.Off.NeedsCsum
	return ok
}

// SegmentWanter is implemented by hooks that must see every segment of a
// super-packet, byte-exact and with a finished checksum (the FTP control
// channel inspection, which rewrites payload and adjusts sequence
// numbers). The router splits a super-packet a SegmentWanter wants before
// it reaches the hooks, and finishes a partial checksum, so such a hook
// never sees Off set. It is asked on the packet as received and again
// after NAT outside-to-inside, so a port-forwarded control port counts.
type SegmentWanter interface {
	WantsSegments(p *Packet) bool
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

// AddHook installs h at point; lower order runs first, equal orders in the
// order added. Features use Attach; AddHook is for hooks that have no
// Stage (tests that record what each point sees).
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
