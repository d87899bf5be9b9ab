package acl

import (
	"fmt"
	"net/netip"
	"strconv"
)

// ParseError says which word of an entry is wrong and why.
type ParseError struct {
	Word int    // index into the words given to ParseEntry; len(words) when input ended early
	Msg  string // e.g. "invalid port"
}

func (e *ParseError) Error() string { return fmt.Sprintf("word %d: %s", e.Word, e.Msg) }

// ParseEntry parses the words of one access-list entry, starting at the
// action, as the CLI handlers receive them (keywords already expanded):
//
//	standard: permit|deny {A.B.C.D [WILDCARD] | host A.B.C.D | any} [log]
//	extended: permit|deny PROTOCOL SOURCE [PORTSPEC] DEST [PORTSPEC]
//	          [ICMP-TYPE [ICMP-CODE] | ICMP-MESSAGE] [established] [fragments] [log|log-input]
//
// SOURCE and DEST are `A.B.C.D WILDCARD`, `host A.B.C.D` or `any`;
// PORTSPEC is `eq|neq|lt|gt P` or `range P1 P2` with P a number or a
// keyword of that protocol. Keywords may also be given as unique
// prefixes. It never panics.
func ParseEntry(kind Kind, words []string) (Entry, error) {
	p := parser{words: words}
	e := Entry{Kind: kind, AnyProto: true, Src: AnyAddress, Dst: AnyAddress, ICMPType: -1, ICMPCode: -1}
	switch p.take("permit", "deny") {
	case "permit":
		e.Action = Permit
	case "deny":
		e.Action = Deny
	default:
		return e, p.fail("expected permit or deny")
	}
	if kind == Standard {
		if err := p.address(&e.Src, true); err != nil {
			return e, err
		}
		if p.more() {
			if p.take("log") == "" {
				return e, p.fail("unexpected word")
			}
			e.Log = Log
		}
		if p.more() {
			return e, p.fail("unexpected word")
		}
		return e, nil
	}
	if err := p.protocol(&e); err != nil {
		return e, err
	}
	ported := !e.AnyProto && (e.Proto == protoTCP || e.Proto == protoUDP)
	if err := p.address(&e.Src, false); err != nil {
		return e, err
	}
	if ported {
		if err := p.portSpec(e.Proto, &e.SrcPort); err != nil {
			return e, err
		}
	}
	if err := p.address(&e.Dst, false); err != nil {
		return e, err
	}
	if ported {
		if err := p.portSpec(e.Proto, &e.DstPort); err != nil {
			return e, err
		}
	}
	if !e.AnyProto && e.Proto == protoICMP {
		if err := p.icmp(&e); err != nil {
			return e, err
		}
	}
	for p.more() {
		opts := []string{"fragments", "log", "log-input"}
		if !e.AnyProto && e.Proto == protoTCP {
			opts = append(opts, "established")
		}
		switch p.keyword(opts...) {
		case "established":
			if e.Established {
				return e, p.fail("duplicate option")
			}
			e.Established = true
		case "fragments":
			if e.Fragments {
				return e, p.fail("duplicate option")
			}
			if e.hasL4() {
				return e, p.fail("fragments cannot be used with layer 4 options")
			}
			e.Fragments = true
		case "log":
			if e.Log != NoLog {
				return e, p.fail("duplicate option")
			}
			e.Log = Log
		case "log-input":
			if e.Log != NoLog {
				return e, p.fail("duplicate option")
			}
			e.Log = LogInput
		default:
			return e, p.fail("unexpected word")
		}
		p.next()
	}
	if e.Fragments && e.hasL4() { // established after fragments
		return e, &ParseError{len(words) - 1, "fragments cannot be used with layer 4 options"}
	}
	return e, nil
}

type parser struct {
	words []string
	i     int
}

func (p *parser) more() bool { return p.i < len(p.words) }
func (p *parser) next()      { p.i++ }

func (p *parser) fail(msg string) error {
	if !p.more() {
		msg = "incomplete entry"
	}
	return &ParseError{p.i, msg}
}

// keyword matches the current word against choices, exactly or as a
// unique prefix, without consuming it; "" when nothing (or several) match.
func (p *parser) keyword(choices ...string) string {
	if !p.more() {
		return ""
	}
	return matchKeyword(p.words[p.i], choices)
}

func matchKeyword(w string, choices []string) string {
	found := ""
	for _, c := range choices {
		if c == w {
			return c
		}
		if len(w) > 0 && len(w) < len(c) && c[:len(w)] == w {
			if found != "" {
				return ""
			}
			found = c
		}
	}
	return found
}

func (p *parser) take(choices ...string) string {
	k := p.keyword(choices...)
	if k != "" {
		p.next()
	}
	return k
}

func (p *parser) ipv4() (uint32, bool) {
	if !p.more() {
		return 0, false
	}
	a, err := netip.ParseAddr(p.words[p.i])
	if err != nil || !a.Is4() {
		return 0, false
	}
	p.next()
	return addr32(a), true
}

func (p *parser) number(lo, hi int) (int, bool) {
	if !p.more() {
		return 0, false
	}
	n, err := strconv.Atoi(p.words[p.i])
	if err != nil || n < lo || n > hi || p.words[p.i][0] == '+' || p.words[p.i][0] == '-' {
		return 0, false
	}
	p.next()
	return n, true
}

// address parses A.B.C.D WILDCARD | host A.B.C.D | any. In a standard entry the wildcard is optional
// (a bare address is a host), so it is read only when more than a trailing `log` follows.
func (p *parser) address(a *Address, wildcardOptional bool) error {
	switch p.take("any", "host") {
	case "any":
		*a = AnyAddress
		return nil
	case "host":
		ip, ok := p.ipv4()
		if !ok {
			return p.fail("invalid address")
		}
		*a = Address{ip, 0}
		return nil
	}
	ip, ok := p.ipv4()
	if !ok {
		return p.fail("invalid address")
	}
	wild := uint32(0)
	if !wildcardOptional || p.more() && p.keyword("log") == "" {
		if wild, ok = p.ipv4(); !ok {
			return p.fail("invalid wildcard")
		}
	}
	*a = NewAddress(ip, wild)
	return nil
}

// Keyword lists for prefix matching, built once from the tables.
var (
	protoNames = keywordNames(Protocols)
	tcpNames   = keywordNames(TCPPorts)
	udpNames   = keywordNames(UDPPorts)
	icmpNames  = func() []string {
		names := make([]string, 0, len(ICMPMessages)+5)
		for _, m := range ICMPMessages {
			names = append(names, m.Name)
		}
		// The options that may follow take part so that a prefix shared
		// with one of them is ambiguous, as the CLI sees it.
		return append(names, "net-unknown", "established", "fragments", "log", "log-input")
	}()
)

func keywordNames(list []keyword) []string {
	names := make([]string, len(list))
	for i, k := range list {
		names[i] = k.Name
	}
	return names
}

func (p *parser) protocol(e *Entry) error {
	if k := p.take(protoNames...); k != "" {
		v := protoByName[k]
		e.AnyProto = v < 0
		e.Proto = uint8(max(v, 0))
		return nil
	}
	n, ok := p.number(0, 255)
	if !ok {
		return p.fail("invalid protocol")
	}
	e.AnyProto = false
	e.Proto = uint8(n)
	return nil
}

func (p *parser) port(proto uint8) (uint16, bool) {
	if !p.more() {
		return 0, false
	}
	byName, names := tcpByName, tcpNames
	if proto == protoUDP {
		byName, names = udpByName, udpNames
	}
	if k := p.take(names...); k != "" {
		return uint16(byName[k]), true
	}
	n, ok := p.number(0, 65535)
	return uint16(n), ok
}

func (p *parser) portSpec(proto uint8, m *PortMatch) error {
	// A wildcard address word never looks like a port operator, so the
	// operator keywords are only tried where a port spec may start.
	op := p.take("eq", "neq", "lt", "gt", "range")
	if op == "" {
		return nil
	}
	lo, ok := p.port(proto)
	if !ok {
		return p.fail("invalid port")
	}
	switch op {
	case "eq":
		*m = PortMatch{PortEq, lo, 0}
	case "neq":
		*m = PortMatch{PortNeq, lo, 0}
	case "lt":
		*m = PortMatch{PortLt, lo, 0}
	case "gt":
		*m = PortMatch{PortGt, lo, 0}
	case "range":
		hi, ok := p.port(proto)
		if !ok {
			return p.fail("invalid port")
		}
		if hi < lo {
			return &ParseError{p.i - 1, "invalid port range"}
		}
		*m = PortMatch{PortRange, lo, hi}
	}
	return nil
}

func (p *parser) icmp(e *Entry) error {
	if !p.more() {
		return nil
	}
	if t, ok := p.number(0, 255); ok {
		e.ICMPType = int16(t)
		if c, ok := p.number(0, 255); ok {
			e.ICMPCode = int16(c)
		}
		return nil
	}
	k := p.keyword(icmpNames...)
	if m, ok := icmpByName[k]; ok {
		p.next()
		e.ICMPType = int16(m.Type)
		e.ICMPCode = int16(m.Code)
	}
	return nil
}
