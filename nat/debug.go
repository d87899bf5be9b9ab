package nat

import (
	"fmt"
	"strings"
)

// Debug lines in the IOS format (ios-cli.md §5.5):
//
//	NAT: s=192.168.1.10->203.0.113.1, d=203.0.113.10 [23]
//	NAT*: s=203.0.113.10, d=203.0.113.1->192.168.1.10 [23]
//	NAT: expiring 203.0.113.1(192.168.1.10) icmp 1 (1)
//
// "NAT:" marks the first packet of a flow (process switched on IOS),
// "NAT*:" the fast path; a->b marks the field NAT rewrote; [n] is the IP
// identification.

// debugLine formats one packet's debug line.
func debugLine(res Result, oldSrc, newSrc, oldDst, newDst uint32, ipid uint16) string {
	var sb strings.Builder
	if res == Hit {
		sb.WriteString("NAT*: s=")
	} else {
		sb.WriteString("NAT: s=")
	}
	sb.WriteString(addrFrom(oldSrc).String())
	if newSrc != oldSrc {
		sb.WriteString("->")
		sb.WriteString(addrFrom(newSrc).String())
	}
	sb.WriteString(", d=")
	sb.WriteString(addrFrom(oldDst).String())
	if newDst != oldDst {
		sb.WriteString("->")
		sb.WriteString(addrFrom(newDst).String())
	}
	fmt.Fprintf(&sb, " [%d]", ipid)
	return sb.String()
}

func protoName(p uint8) string {
	switch p {
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMP:
		return "icmp"
	}
	return fmt.Sprint(p)
}

// expiryLine appends the expiry line when debugging.
func (n *NAT) expiryLine(lines []string, global, local endpoint, proto uint8, extended bool) []string {
	if !n.debug.Load() {
		return lines
	}
	if extended {
		return append(lines, fmt.Sprintf("NAT: expiring %s(%s) %s %d (%d)", addrFrom(global.addr), addrFrom(local.addr), protoName(proto), global.port, local.port))
	}
	return append(lines, fmt.Sprintf("NAT: expiring %s(%s)", addrFrom(global.addr), addrFrom(local.addr)))
}

// detailedLine is the extra line of `debug ip nat detailed`, before the
// translation: where the packet came from (i: inside, o: outside), its
// protocol and its endpoints as they arrived (layout not confirmed on a
// device: ios-cli.md §5.5).
func detailedLine(fromInside bool, f *flow) string {
	side := "o"
	if fromInside {
		side = "i"
	}
	return fmt.Sprintf("NAT: %s: %s (%s, %d) -> (%s, %d) [%d]", side, protoName(f.proto),
		addrFrom(f.src), f.sport, addrFrom(f.dst), f.dport, f.ipid)
}
