package acl

import "strings"

// grammar builds a command syntax and its help strings side by side, so
// the large alternations (protocols, port and ICMP keywords) come from the
// same tables ParseEntry uses.
type grammar struct {
	syn  []string
	help []string
}

func (g grammar) kw(word, help string) grammar {
	return grammar{append(clone(g.syn), word), append(clone(g.help), help)}
}

func (g grammar) add(o grammar) grammar {
	return grammar{append(clone(g.syn), o.syn...), append(clone(g.help), o.help...)}
}

func (g grammar) text() string { return strings.Join(g.syn, " ") }

func clone(s []string) []string { return append([]string(nil), s...) }

// choice is `<a|b|...>` (or `[a|b|...]` when optional).
func choice(optional bool, alts ...grammar) grammar {
	open, close := "<", ">"
	if optional {
		open, close = "[", "]"
	}
	var g grammar
	parts := make([]string, len(alts))
	for i, a := range alts {
		parts[i] = a.text()
		g.help = append(g.help, a.help...)
	}
	g.syn = []string{open + strings.Join(parts, "|") + close}
	return g
}

func tok(word, help string) grammar { return grammar{[]string{word}, []string{help}} }

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

var (
	action = choice(false, tok("permit", helpPermit), tok("deny", helpDeny))

	stdAddress = choice(false,
		tok("A.B.C.D", "Address to match").add(choice(true, tok("A.B.C.D", "Wildcard bits"))),
		tok("host", "A single host address").kw("A.B.C.D", "Host address"),
		tok("any", "Any source host"))

	srcAddress = address("source", "Source")
	dstAddress = address("destination", "Destination")
)

func address(lower, title string) grammar {
	return choice(false,
		tok("A.B.C.D", title+" address").kw("A.B.C.D", title+" wildcard bits"),
		tok("host", "A single "+lower+" host").kw("A.B.C.D", title+" address"),
		tok("any", "Any "+lower+" host"))
}

// portSpec is `[eq|neq|lt|gt PORT | range PORT PORT]` with the keywords of
// one protocol.
func portSpec(ports []keyword) grammar {
	alts := []grammar{tok("(0-65535)", helpPort)}
	for _, k := range ports {
		alts = append(alts, tok(k.Name, k.Help))
	}
	port := choice(false, alts...)
	ops := choice(false,
		tok("eq", "Match only packets on a given port number"),
		tok("gt", "Match only packets with a greater port number"),
		tok("lt", "Match only packets with a lower port number"),
		tok("neq", "Match only packets not on a given port number"))
	return choice(true, ops.add(port), tok("range", "Match only packets in the range of port numbers").add(port).add(port))
}

func options(established bool) grammar {
	alts := []grammar{}
	if established {
		alts = append(alts, tok("established", "Match established connections"))
	}
	alts = append(alts,
		tok("fragments", "Check non-initial fragments"),
		tok("log", helpLog),
		tok("log-input", helpLogInput))
	var parts []string
	var help []string
	for _, a := range alts {
		parts = append(parts, a.text())
		help = append(help, a.help...)
	}
	return grammar{[]string{"[{" + strings.Join(parts, "|") + "}]"}, help}
}

func icmpSpec() grammar {
	alts := []grammar{tok("(0-255)", "ICMP message type").add(choice(true, tok("(0-255)", "ICMP message code")))}
	for _, m := range ICMPMessages {
		alts = append(alts, tok(m.Name, m.Help))
	}
	return choice(true, alts...)
}

// entryForms are the grammars of one entry after the action: one for a
// standard list, four for an extended one (other protocols, tcp, udp, icmp).
func entryForms(kind Kind) []grammar {
	if kind == Standard {
		return []grammar{stdAddress.add(choice(true, tok("log", helpLog)))}
	}
	other := []grammar{tok("(0-255)", "An IP protocol number")}
	var tcp, udp, icmp grammar
	for _, p := range Protocols {
		switch p.Name {
		case "tcp":
			tcp = tok(p.Name, p.Help)
		case "udp":
			udp = tok(p.Name, p.Help)
		case "icmp":
			icmp = tok(p.Name, p.Help)
		default:
			other = append(other, tok(p.Name, p.Help))
		}
	}
	return []grammar{
		choice(false, other...).add(srcAddress).add(dstAddress).add(options(false)),
		tcp.add(srcAddress).add(portSpec(TCPPorts)).add(dstAddress).add(portSpec(TCPPorts)).add(options(true)),
		udp.add(srcAddress).add(portSpec(UDPPorts)).add(dstAddress).add(portSpec(UDPPorts)).add(options(false)),
		icmp.add(srcAddress).add(dstAddress).add(icmpSpec()).add(options(false)),
	}
}
