package acl

import (
	"net/netip"

	"natlab/packet"
)

// Kind tells standard lists (source address only) from extended ones.
type Kind uint8

const (
	Standard Kind = iota
	Extended
)

// Action is what a matching entry does with the packet.
type Action uint8

const (
	Deny Action = iota
	Permit
)

// The IOS keywords of kinds and actions.
var (
	kindNames   = [...]string{Standard: "standard", Extended: "extended"}
	actionNames = [...]string{Deny: "deny", Permit: "permit"}
)

func (k Kind) String() string   { return kindNames[k] }
func (a Action) String() string { return actionNames[a] }

// Address is an IOS address with a wildcard (inverted) mask. Addr has the
// wildcard bits cleared, as IOS stores it: 192.168.1.5 0.0.0.255 is kept
// as 192.168.1.0 0.0.0.255. Wildcards need not be contiguous.
type Address struct {
	Addr, Wild uint32
}

// AnyAddress matches every address.
var AnyAddress = Address{Wild: 0xffffffff}

// NewAddress builds an Address, clearing the wildcard bits of addr.
func NewAddress(addr, wild uint32) Address { return Address{addr &^ wild, wild} }

// Match reports whether ip is inside the address set.
func (a Address) Match(ip uint32) bool { return ip&^a.Wild == a.Addr }

// IsAny reports whether the address is `any`.
func (a Address) IsAny() bool { return a.Wild == 0xffffffff }

// IsHost reports whether the address is a single host.
func (a Address) IsHost() bool { return a.Wild == 0 }

// covers reports whether every address of b is also in a.
func (a Address) covers(b Address) bool {
	return b.Wild&^a.Wild == 0 && b.Addr&^a.Wild == a.Addr
}

// PortOp is the port comparison of a TCP/UDP entry.
type PortOp uint8

const (
	PortAny PortOp = iota
	PortEq
	PortNeq
	PortLt
	PortGt
	PortRange
)

// PortMatch is `eq P`, `neq P`, `lt P`, `gt P` or `range Lo Hi` (Hi used
// only by range).
type PortMatch struct {
	Op     PortOp
	Lo, Hi uint16
}

// Match reports whether port satisfies the comparison.
func (m PortMatch) Match(port uint16) bool {
	switch m.Op {
	case PortEq:
		return port == m.Lo
	case PortNeq:
		return port != m.Lo
	case PortLt:
		return port < m.Lo
	case PortGt:
		return port > m.Lo
	case PortRange:
		return port >= m.Lo && port <= m.Hi
	}
	return true
}

// LogMode is the `log` / `log-input` option of an entry.
type LogMode uint8

const (
	NoLog LogMode = iota
	Log
	LogInput
)

// Entry is one access-list entry (not a remark). The zero value is
// `deny ip any any` with AnyProto false, so fill every field (the CLI
// builds entries from what ios matched: readEntry).
type Entry struct {
	Kind     Kind
	Action   Action
	AnyProto bool         // `ip`: every protocol; Proto is then unused
	Proto    packet.Proto // when !AnyProto
	Src, Dst Address
	SrcPort  PortMatch // TCP/UDP only
	DstPort  PortMatch // TCP/UDP only
	// ICMPType and ICMPCode are -1 when not given.
	ICMPType, ICMPCode int16
	Established        bool // TCP: ACK or RST set
	Fragments          bool // only non-initial fragments
	Log                LogMode
}

// addr32 is the IPv4 address as a number; non-IPv4 addresses are 0
// (access-lists here are IPv4 only, and nothing may panic on input).
func addr32(a netip.Addr) uint32 {
	if !a.Is4() {
		return 0
	}
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// hasL4 reports whether the entry looks beyond the IP header.
func (e *Entry) hasL4() bool {
	return e.SrcPort.Op != PortAny || e.DstPort.Op != PortAny || e.ICMPType >= 0 || e.Established
}

// matchL3 compares protocol and addresses only.
func (e *Entry) matchL3(proto packet.Proto, src, dst uint32) bool {
	return (e.AnyProto || e.Proto == proto) && e.Src.Match(src) && e.Dst.Match(dst)
}

// Match is the reference semantics of one entry, written for clarity: the
// slow matcher runs it entry by entry and the compiled classifier runs it
// to confirm candidates.
//
// Non-initial fragments follow IOS ("Access Control Lists and IP
// Fragments"): an entry with only layer-3 fields applies normally; an
// entry with layer-4 fields permits the fragment when its layer-3 fields
// match if it is a permit, and is skipped if it is a deny; `fragments`
// entries apply to non-initial fragments only.
func (e *Entry) Match(p *packet.Parsed) bool {
	return e.match(p, addr32(p.Src), addr32(p.Dst))
}

// match is Match with the addresses as numbers (the classifier converts
// them once per packet). Layer-4 fields are read only where Parsed says
// they are valid: not in non-initial fragments, ports for TCP and UDP,
// flags for TCP, type and code for ICMP.
func (e *Entry) match(p *packet.Parsed, src, dst uint32) bool {
	if !e.matchL3(p.IPProto, src, dst) {
		return false
	}
	if p.Frag == packet.LaterFragment {
		if e.hasL4() {
			return e.Action == Permit && !e.Fragments
		}
		return true
	}
	if e.Fragments {
		return false
	}
	if e.AnyProto {
		return true
	}
	switch p.IPProto {
	case packet.ProtoTCP, packet.ProtoUDP:
		if !e.SrcPort.Match(p.SrcPort) || !e.DstPort.Match(p.DstPort) {
			return false
		}
		if e.Established && (p.IPProto != packet.ProtoTCP || p.TCPFlags&(packet.TCPAck|packet.TCPRst) == 0) {
			return false
		}
	case packet.ProtoICMP:
		if e.ICMPType >= 0 && int16(p.ICMPType) != e.ICMPType {
			return false
		}
		if e.ICMPCode >= 0 && int16(p.ICMPCode) != e.ICMPCode {
			return false
		}
	}
	return true
}
