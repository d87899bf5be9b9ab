package acl

import (
	"fmt"
	"strconv"
	"strings"

	"natlab/packet"
)

// ipString renders a number as a dotted IPv4 address.
func ipString(v uint32) string {
	var b [15]byte
	out := strconv.AppendUint(b[:0], uint64(v>>24), 10)
	for _, s := range []uint32{16, 8, 0} {
		out = append(out, '.')
		out = strconv.AppendUint(out, uint64(v>>s&0xff), 10)
	}
	return string(out)
}

// ConfigText renders the entry as it appears in the running-config
// (without `access-list N` or the leading space of named lists): deny is
// padded to the width of permit, host entries of standard lists are the
// bare address, extended ones use `host`.
func (e *Entry) ConfigText() string { return e.text(true, false) }

// ShowText renders the entry as `show access-lists` prints it after the
// sequence number: standard entries keep the deny padding and spell
// networks `A.B.C.D, wildcard bits W.W.W.W`; extended entries are the
// config text without the padding.
func (e *Entry) ShowText() string {
	if e.Kind == Standard {
		return e.text(true, true)
	}
	return e.text(false, false)
}

func (e *Entry) text(pad, show bool) string {
	var b strings.Builder
	b.WriteString(e.Action.String())
	if pad && e.Action == Deny {
		b.WriteString("  ")
	}
	b.WriteByte(' ')
	if e.Kind == Standard {
		switch {
		case e.Src.IsAny():
			b.WriteString("any")
		case e.Src.IsHost():
			b.WriteString(ipString(e.Src.Addr))
		case show:
			fmt.Fprintf(&b, "%s, wildcard bits %s", ipString(e.Src.Addr), ipString(e.Src.Wild))
		default:
			fmt.Fprintf(&b, "%s %s", ipString(e.Src.Addr), ipString(e.Src.Wild))
		}
		if e.Log != NoLog {
			b.WriteString(" log")
		}
		return b.String()
	}
	if e.AnyProto {
		b.WriteString("ip")
	} else {
		b.WriteString(protoName(e.Proto))
	}
	writeAddr(&b, e.Src)
	writePorts(&b, e.Proto, e.SrcPort)
	writeAddr(&b, e.Dst)
	writePorts(&b, e.Proto, e.DstPort)
	if e.ICMPType >= 0 {
		if e.ICMPCode >= 0 {
			if n, ok := icmpByValue[[2]int{int(e.ICMPType), int(e.ICMPCode)}]; ok {
				b.WriteString(" " + n)
			} else {
				fmt.Fprintf(&b, " %d %d", e.ICMPType, e.ICMPCode)
			}
		} else if n, ok := icmpByValue[[2]int{int(e.ICMPType), -1}]; ok {
			b.WriteString(" " + n)
		} else {
			fmt.Fprintf(&b, " %d", e.ICMPType)
		}
	}
	if e.Established {
		b.WriteString(" established")
	}
	if e.Fragments {
		b.WriteString(" fragments")
	}
	switch e.Log {
	case Log:
		b.WriteString(" log")
	case LogInput:
		b.WriteString(" log-input")
	}
	return b.String()
}

func writeAddr(b *strings.Builder, a Address) {
	switch {
	case a.IsAny():
		b.WriteString(" any")
	case a.IsHost():
		b.WriteString(" host " + ipString(a.Addr))
	default:
		b.WriteString(" " + ipString(a.Addr) + " " + ipString(a.Wild))
	}
}

func writePorts(b *strings.Builder, proto packet.Proto, m PortMatch) {
	op := ""
	switch m.Op {
	case PortAny:
		return
	case PortEq:
		op = "eq"
	case PortNeq:
		op = "neq"
	case PortLt:
		op = "lt"
	case PortGt:
		op = "gt"
	case PortRange:
		fmt.Fprintf(b, " range %s %s", portName(proto, m.Lo), portName(proto, m.Hi))
		return
	}
	fmt.Fprintf(b, " %s %s", op, portName(proto, m.Lo))
}
