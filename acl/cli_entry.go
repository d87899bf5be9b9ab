package acl

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"natlab/ios"
	"natlab/packet"
)

// The syntax of one access-list entry after its list (or sequence number),
// as ios matches it: ios checks every word, so the handlers only read the
// values back by their $labels (readEntry) and refuse, with the caret
// error, the few combinations IOS refuses that a grammar cannot say. The
// long alternations (protocols, port keywords, ICMP messages) come from
// the keyword tables of names.go. A label is never the text of a keyword of
// the entry: Args falls back to keyword names, so a label `icmp` would
// find the protocol keyword when no ICMP type was typed.

// Help texts as IOS prints them.
const (
	helpPermit    = "Specify packets to forward"
	helpDeny      = "Specify packets to reject"
	helpRemark    = "Access list entry comment"
	helpRemarkTxt = "Comment up to 100 characters"
	helpSeq       = "Sequence Number"
	helpLog       = "Log matches against this entry"
	helpLogInput  = "Log matches against this entry, including input interface"
	helpPort      = "Port number"
)

// syntax is part of a command definition and the help of each of its
// tokens, left to right.
type syntax struct {
	text string
	help []string
}

// join puts pieces of syntax one after the other.
func join(parts ...syntax) syntax {
	var s syntax
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.text
		s.help = append(s.help, p.help...)
	}
	s.text = strings.Join(texts, " ")
	return s
}

func words(text string, help ...string) syntax { return syntax{text, help} }

// keywords is the alternation `a|b|c` of a keyword table and its helps.
func keywords[T any](list []T, keyword func(T) (name, help string)) syntax {
	var s syntax
	names := make([]string, len(list))
	for i, k := range list {
		var help string
		names[i], help = keyword(k)
		s.help = append(s.help, help)
	}
	s.text = strings.Join(names, "|")
	return s
}

func (k keyword) nameHelp() (string, string)     { return k.Name, k.Help }
func (m icmpMessage) nameHelp() (string, string) { return m.Name, m.Help }

var action = words("<permit|deny>", helpPermit, helpDeny)

// stdEntry is a standard entry: without a wildcard the address is a host.
var stdEntry = join(action,
	words("<A.B.C.D$src [A.B.C.D$srcwild]|host A.B.C.D$src|any>",
		"Address to match", "Wildcard bits", "A single host address", "Host address", "Any source host"),
	words("[log]", helpLog))

// address is an extended entry's source or destination, labelled side
// (src, dst) and sidewild.
func address(side, lower, title string) syntax {
	return words("<A.B.C.D$"+side+" A.B.C.D$"+side+"wild|host A.B.C.D$"+side+"|any>",
		title+" address", title+" wildcard bits", "A single "+lower+" host", title+" address", "Any "+lower+" host")
}

var (
	srcAddress = address("src", "source", "Source")
	dstAddress = address("dst", "destination", "Destination")
)

// ports is `[eq|gt|lt|neq PORT | range PORT PORT]` with the keywords of one
// protocol, labelled side+"op", side+"port" and, for the end of a range,
// side+"port2" (side is s or d).
func ports(side string, list []keyword) syntax {
	names := keywords(list, keyword.nameHelp)
	port := "<(0-65535)|" + names.text + ">"
	portHelp := append([]string{helpPort}, names.help...)
	return syntax{
		fmt.Sprintf("[<eq|gt|lt|neq>$%[1]sop %[2]s$%[1]sport|range$%[1]sop %[2]s$%[1]sport %[2]s$%[1]sport2]", side, port),
		slices.Concat([]string{
			"Match only packets on a given port number", "Match only packets with a greater port number",
			"Match only packets with a lower port number", "Match only packets not on a given port number",
		}, portHelp, []string{"Match only packets in the range of port numbers"}, portHelp, portHelp),
	}
}

// icmpMatch is `[TYPE [CODE] | MESSAGE]`, labelled itype (the type or the
// message keyword) and icode.
func icmpMatch() syntax {
	msgs := keywords(ICMPMessages, icmpMessage.nameHelp)
	return syntax{"[(0-255) [(0-255)$icode]|" + msgs.text + "]$itype",
		append([]string{"ICMP message type", "ICMP message code"}, msgs.help...)}
}

// options ends every extended entry; established is for TCP only.
func options(established bool) syntax {
	if established {
		return words("[{established|fragments|log|log-input}]",
			"Match established connections", "Check non-initial fragments", helpLog, helpLogInput)
	}
	return words("[{fragments|log|log-input}]", "Check non-initial fragments", helpLog, helpLogInput)
}

// extendedEntries are the four forms of an extended entry: other
// protocols, tcp, udp and icmp.
func extendedEntries() []syntax {
	var other []keyword
	var tcp, udp, icmp syntax
	for _, p := range Protocols {
		k := words(p.Name+"$proto", p.Help)
		switch p.Name {
		case "tcp":
			tcp = k
		case "udp":
			udp = k
		case "icmp":
			icmp = k
		default:
			other = append(other, p)
		}
	}
	names := keywords(other, keyword.nameHelp)
	proto := syntax{"<(0-255)|" + names.text + ">$proto", append([]string{"An IP protocol number"}, names.help...)}
	return []syntax{
		join(action, proto, srcAddress, dstAddress, options(false)),
		join(action, tcp, srcAddress, ports("s", TCPPorts), dstAddress, ports("d", TCPPorts), options(true)),
		join(action, udp, srcAddress, ports("s", UDPPorts), dstAddress, ports("d", UDPPorts), options(false)),
		join(action, icmp, srcAddress, dstAddress, icmpMatch(), options(false)),
	}
}

// entrySyntaxes are the forms of an entry of a list of this kind.
func entrySyntaxes(kind Kind) []syntax {
	if kind == Standard {
		return []syntax{stdEntry}
	}
	return extendedEntries()
}

// readEntry takes the entry that ios matched out of its arguments. bad is
// the offset of a word IOS refuses although the grammar accepts it (for
// Context.InvalidAt), or -1.
func readEntry(kind Kind, a ios.Args) (e Entry, bad int) {
	e = Entry{Kind: kind, AnyProto: true, Src: readAddress(a, "src"), Dst: AnyAddress, ICMPType: -1, ICMPCode: -1}
	if a.Has("permit") {
		e.Action = Permit
	}
	if kind == Standard {
		if a.Has("log") {
			e.Log = Log
		}
		return e, -1
	}
	e.Dst = readAddress(a, "dst")
	if v, ok := protoByName[a.Str("proto")]; ok {
		e.AnyProto, e.Proto = v < 0, packet.Proto(max(v, 0))
	} else {
		e.AnyProto, e.Proto = false, packet.Proto(a.Int("proto"))
	}
	if e.SrcPort, bad = readPorts(a, "s", e.Proto); bad >= 0 {
		return e, bad
	}
	if e.DstPort, bad = readPorts(a, "d", e.Proto); bad >= 0 {
		return e, bad
	}
	if a.Has("itype") {
		if m, ok := icmpByName[a.Str("itype")]; ok {
			e.ICMPType, e.ICMPCode = int16(m.Type), int16(m.Code)
		} else {
			e.ICMPType = int16(a.Int("itype"))
			if a.Has("icode") {
				e.ICMPCode = int16(a.Int("icode"))
			}
		}
	}
	return e, e.readOptions(a)
}

// readAddress is A.B.C.D [WILDCARD], host A.B.C.D or any (the label is
// absent).
func readAddress(a ios.Args, side string) Address {
	if !a.Has(side) {
		return AnyAddress
	}
	var wild uint32
	if a.Has(side + "wild") {
		wild = addr32(a.Addr(side + "wild"))
	}
	return NewAddress(addr32(a.Addr(side)), wild)
}

var portOps = map[string]PortOp{"eq": PortEq, "neq": PortNeq, "lt": PortLt, "gt": PortGt, "range": PortRange}

// readPorts reads one side's port match; a range whose end is below its
// start is refused at its end.
func readPorts(a ios.Args, side string, proto packet.Proto) (PortMatch, int) {
	op, ok := portOps[a.Str(side+"op")]
	if !ok {
		return PortMatch{}, -1
	}
	m := PortMatch{Op: op, Lo: readPort(a, side+"port", proto)}
	if op == PortRange {
		m.Hi = readPort(a, side+"port2", proto)
		if m.Hi < m.Lo {
			return m, a.Offset(side + "port2")
		}
	}
	return m, -1
}

// readPort is a port number or a keyword of the protocol.
func readPort(a ios.Args, label string, proto packet.Proto) uint16 {
	byName := tcpByName
	if proto == packet.ProtoUDP {
		byName = udpByName
	}
	if v, ok := byName[a.Str(label)]; ok {
		return uint16(v)
	}
	return uint16(a.Int(label))
}

// readOptions reads the options in the order typed, as IOS checks them:
// `fragments` after a layer-4 match and a second log keyword are refused
// where they stand; `established` typed after `fragments` is refused at
// the end of the line.
func (e *Entry) readOptions(a ios.Args) (bad int) {
	type option struct {
		name string
		at   int
	}
	var typed []option
	for _, name := range []string{"established", "fragments", "log", "log-input"} {
		if a.Has(name) {
			typed = append(typed, option{name, a.Offset(name)})
		}
	}
	slices.SortFunc(typed, func(x, y option) int { return cmp.Compare(x.at, y.at) })
	for _, o := range typed {
		switch o.name {
		case "established":
			e.Established = true
		case "fragments":
			if e.hasL4() {
				return o.at
			}
			e.Fragments = true
		case "log", "log-input":
			if e.Log != NoLog {
				return o.at
			}
			e.Log = Log
			if o.name == "log-input" {
				e.Log = LogInput
			}
		}
	}
	if e.Fragments && e.hasL4() {
		return typed[len(typed)-1].at
	}
	return -1
}
