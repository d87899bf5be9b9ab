package nat

import (
	"fmt"
	"net/netip"
	"strings"

	"natlab/packet"
)

// Debug lines in the IOS format (IOS 15):
//
//	NAT: s=192.168.1.10->203.0.113.1, d=203.0.113.10 [23]
//	NAT*: s=203.0.113.10, d=203.0.113.1->192.168.1.10 [23]
//	NAT: expiring 203.0.113.1(192.168.1.10) icmp 1 (1)
//
// "NAT:" marks the first packet of a flow (process switched on IOS),
// "NAT*:" the fast path; a->b marks the field NAT rewrote; [n] is the IP
// identification.

// debugLine formats one packet's debug line from its tuple as it arrived
// and its decoded view after translation.
func debugLine(res Result, before *packet.Tuple, after *packet.Parsed) string {
	var sb strings.Builder
	if res == Hit {
		sb.WriteString("NAT*: s=")
	} else {
		sb.WriteString("NAT: s=")
	}
	writeChange(&sb, before.SrcAddr(), after.Src)
	sb.WriteString(", d=")
	writeChange(&sb, before.DstAddr(), after.Dst)
	fmt.Fprintf(&sb, " [%d]", after.ID)
	return sb.String()
}

// writeChange writes an address, and what NAT made of it when it changed.
func writeChange(sb *strings.Builder, old, new netip.Addr) {
	sb.WriteString(old.String())
	if new != old {
		sb.WriteString("->")
		sb.WriteString(new.String())
	}
}

// expiryLine appends the expiry line when debugging.
func (n *NAT) expiryLine(lines []string, global, local endpoint, proto packet.Proto, extended bool) []string {
	if !n.debug.Load() {
		return lines
	}
	g, l := netip.AddrFrom4(global.addr), netip.AddrFrom4(local.addr)
	if extended {
		return append(lines, fmt.Sprintf("NAT: expiring %s(%s) %s %d (%d)", g, l, proto, global.port, local.port))
	}
	return append(lines, fmt.Sprintf("NAT: expiring %s(%s)", g, l))
}

// detailedLine is the extra line of `debug ip nat detailed`, before the
// translation: where the packet came from (i: inside, o: outside), its
// protocol and its endpoints as they arrived, and its IP identification
// (layout not confirmed on a device).
func detailedLine(fromInside bool, t *packet.Tuple, id uint16) string {
	side := "o"
	if fromInside {
		side = "i"
	}
	return fmt.Sprintf("NAT: %s: %s (%s, %d) -> (%s, %d) [%d]", side, t.Proto,
		t.SrcAddr(), t.SrcPort, t.DstAddr(), t.DstPort, id)
}
