package acl

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"natlab/packet"
)

func listOf(t testing.TB, kind Kind, lines ...string) *compiled {
	l := &List{Name: "T", Kind: kind}
	for _, s := range lines {
		if _, err := l.add(0, mustEntry(t, kind, s)); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
	}
	return &compiled{name: l.Name, kind: l.Kind, cls: newClassifier(ruleCopy(l))}
}

// flow is a decoded packet with the fields access-lists compare.
func flow(proto packet.Proto, src, dst string, sport, dport uint16) packet.Parsed {
	return packet.Parsed{IPProto: proto, Src: netip.MustParseAddr(src), Dst: netip.MustParseAddr(dst), SrcPort: sport, DstPort: dport}
}

func TestMatchTable(t *testing.T) {
	e5 := []string{
		"permit tcp any host 203.0.113.100 eq ftp",
		"permit tcp any any established",
		"permit icmp any any echo-reply",
		"deny ip any any log",
	}
	icmp := func(src, dst string, typ, code uint8) packet.Parsed {
		f := flow(packet.ProtoICMP, src, dst, 0, 0)
		f.ICMPType, f.ICMPCode = typ, code
		return f
	}
	tcpFlags := func(f packet.Parsed, flags uint8) packet.Parsed { f.TCPFlags = flags; return f }
	frag := func(f packet.Parsed) packet.Parsed {
		f.Frag, f.SrcPort, f.DstPort = packet.LaterFragment, 0, 0
		return f
	}
	tests := []struct {
		name  string
		kind  Kind
		lines []string
		f     packet.Parsed
		want  int // index of the first matching entry, -1 implicit deny
	}{
		{"ftp control in", Extended, e5, tcpFlags(flow(packet.ProtoTCP, "203.0.113.10", "203.0.113.100", 40000, 21), packet.TCPSyn), 0},
		{"ssh to server", Extended, e5, tcpFlags(flow(packet.ProtoTCP, "203.0.113.10", "203.0.113.100", 40000, 22), packet.TCPSyn), 3},
		{"return traffic", Extended, e5, tcpFlags(flow(packet.ProtoTCP, "198.51.100.1", "203.0.113.1", 80, 40000), packet.TCPAck), 1},
		{"rst counts as established", Extended, e5, tcpFlags(flow(packet.ProtoTCP, "198.51.100.1", "203.0.113.1", 80, 40000), packet.TCPRst), 1},
		{"echo reply", Extended, e5, icmp("203.0.113.10", "203.0.113.1", 0, 0), 2},
		{"echo request", Extended, e5, icmp("203.0.113.10", "203.0.113.1", 8, 0), 3},
		{"udp", Extended, e5, flow(packet.ProtoUDP, "203.0.113.10", "203.0.113.100", 53, 21), 3},
		{"standard network", Standard, []string{"deny host 192.168.1.10", "permit 192.168.1.0 0.0.0.255"}, flow(packet.ProtoTCP, "192.168.1.20", "8.8.8.8", 1, 2), 1},
		{"standard host", Standard, []string{"deny host 192.168.1.10", "permit 192.168.1.0 0.0.0.255"}, flow(packet.ProtoTCP, "192.168.1.10", "8.8.8.8", 1, 2), 0},
		{"standard outside", Standard, []string{"deny host 192.168.1.10", "permit 192.168.1.0 0.0.0.255"}, flow(packet.ProtoTCP, "192.168.2.10", "8.8.8.8", 1, 2), -1},
		{"non-contiguous", Extended, []string{"permit ip 10.0.0.1 0.255.255.0 any"}, flow(packet.ProtoGRE, "10.77.3.1", "1.1.1.1", 0, 0), 0},
		{"non-contiguous miss", Extended, []string{"permit ip 10.0.0.1 0.255.255.0 any"}, flow(packet.ProtoGRE, "10.77.3.2", "1.1.1.1", 0, 0), -1},
		{"range", Extended, []string{"permit udp any any range 1000 2000"}, flow(packet.ProtoUDP, "1.1.1.1", "2.2.2.2", 5, 2000), 0},
		{"range miss", Extended, []string{"permit udp any any range 1000 2000"}, flow(packet.ProtoUDP, "1.1.1.1", "2.2.2.2", 5, 2001), -1},
		{"neq", Extended, []string{"deny tcp any any neq 80", "permit ip any any"}, flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 5, 80), 1},
		{"lt gt", Extended, []string{"permit tcp any lt 1024 any gt 1023"}, flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 1023, 1024), 0},
		{"udp entry vs tcp packet", Extended, []string{"permit udp any any eq 53"}, flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 5, 53), -1},
		{"icmp type code", Extended, []string{"permit icmp any any 3 13"}, icmp("1.1.1.1", "2.2.2.2", 3, 13), 0},
		{"icmp type code miss", Extended, []string{"permit icmp any any 3 13"}, icmp("1.1.1.1", "2.2.2.2", 3, 1), -1},
		{"icmp type any code", Extended, []string{"permit icmp any any unreachable"}, icmp("1.1.1.1", "2.2.2.2", 3, 1), 0},
		{"fragment permit with ports", Extended, []string{"permit tcp any any eq 80"}, frag(flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 0, 0)), 0},
		{"fragment deny with ports skipped", Extended, []string{"deny tcp any any eq 80", "permit ip any any"}, frag(flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 0, 0)), 1},
		{"fragments keyword", Extended, []string{"deny ip any any fragments", "permit ip any any"}, frag(flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 0, 0)), 0},
		{"fragments keyword skips first", Extended, []string{"deny ip any any fragments", "permit ip any any"}, flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 1, 2), 1},
		{"empty list", Extended, nil, flow(packet.ProtoTCP, "1.1.1.1", "2.2.2.2", 1, 2), -1},
		{"ipv6 flow never panics", Extended, []string{"permit ip any any"}, packet.Parsed{IPProto: packet.ProtoTCP, Src: netip.MustParseAddr("::1"), Dst: netip.Addr{}}, 0},
	}
	for _, tt := range tests {
		c := listOf(t, tt.kind, tt.lines...)
		if got := c.cls.lookup(&tt.f); got != tt.want {
			t.Errorf("%s: compiled matched %d, want %d", tt.name, got, tt.want)
		}
		if got := c.cls.slowLookup(&tt.f); got != tt.want {
			t.Errorf("%s: reference matched %d, want %d", tt.name, got, tt.want)
		}
		if got := c.cls.probe(&tt.f, addr32(tt.f.Src), addr32(tt.f.Dst)); got != tt.want {
			t.Errorf("%s: group search matched %d, want %d", tt.name, got, tt.want)
		}
	}
}

// randomEntry draws entries from a small universe so that random flows
// hit them often, with every kind of field the grammar has.
func randomEntry(r *rand.Rand, kind Kind) Entry {
	addr := func() Address {
		switch r.IntN(5) {
		case 0:
			return AnyAddress
		case 1:
			return Address{0x0a000000 | uint32(r.IntN(4))<<8 | uint32(r.IntN(4)), 0}
		case 2:
			return NewAddress(0x0a000000|uint32(r.IntN(4))<<8, 0xff)
		case 3:
			return NewAddress(0x0a000000|uint32(r.IntN(4)), 0x0000ff00) // non-contiguous
		default:
			return NewAddress(0x0a000000, 0xffff)
		}
	}
	port := func() PortMatch {
		lo := uint16(r.IntN(6))
		switch r.IntN(7) {
		case 0, 1, 2:
			return PortMatch{}
		case 3:
			return PortMatch{PortEq, lo, 0}
		case 4:
			return PortMatch{PortRange, lo, lo + uint16(r.IntN(3))}
		case 5:
			return PortMatch{PortNeq, lo, 0}
		default:
			if r.IntN(2) == 0 {
				return PortMatch{PortLt, lo, 0}
			}
			return PortMatch{PortGt, lo, 0}
		}
	}
	e := Entry{Kind: kind, Action: Action(r.IntN(2)), AnyProto: true, Src: addr(), Dst: AnyAddress, ICMPType: -1, ICMPCode: -1}
	if kind == Standard {
		return e
	}
	e.Dst = addr()
	switch r.IntN(6) {
	case 0:
	case 1, 2:
		e.AnyProto, e.Proto = false, packet.ProtoTCP
		e.SrcPort, e.DstPort = port(), port()
		e.Established = r.IntN(4) == 0
	case 3:
		e.AnyProto, e.Proto = false, packet.ProtoUDP
		e.SrcPort, e.DstPort = port(), port()
	case 4:
		e.AnyProto, e.Proto = false, packet.ProtoICMP
		if r.IntN(2) == 0 {
			e.ICMPType = int16(r.IntN(3))
			if r.IntN(2) == 0 {
				e.ICMPCode = int16(r.IntN(2))
			}
		}
	default:
		e.AnyProto, e.Proto = false, packet.ProtoGRE
	}
	if !e.hasL4() && r.IntN(6) == 0 {
		e.Fragments = true
	}
	return e
}

func randomPacket(r *rand.Rand) packet.Parsed {
	ip := func() netip.Addr {
		return netip.AddrFrom4([4]byte{10, byte(r.IntN(2)), byte(r.IntN(5)), byte(r.IntN(5))})
	}
	f := packet.Parsed{Src: ip(), Dst: ip()}
	switch r.IntN(4) {
	case 0:
		f.IPProto = packet.ProtoTCP
		f.TCPFlags = uint8(r.IntN(32))
	case 1:
		f.IPProto = packet.ProtoUDP
	case 2:
		f.IPProto = packet.ProtoICMP
		f.ICMPType, f.ICMPCode = uint8(r.IntN(3)), uint8(r.IntN(2))
	default:
		f.IPProto = packet.ProtoGRE
	}
	if f.IPProto == packet.ProtoTCP || f.IPProto == packet.ProtoUDP {
		f.SrcPort, f.DstPort = uint16(r.IntN(8)), uint16(r.IntN(8))
	}
	if r.IntN(8) == 0 {
		f.Frag, f.SrcPort, f.DstPort, f.ICMPType, f.ICMPCode = packet.LaterFragment, 0, 0, 0, 0
	}
	return f
}

// TestCompiledMatchesReference compares the classifier with the slow
// first-match matcher over random lists and packets.
func TestCompiledMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for list := 0; list < 400; list++ {
		kind := Kind(r.IntN(2))
		n := r.IntN(60)
		rules := make([]rule, n)
		for i := range rules {
			rules[i] = rule{Entry: randomEntry(r, kind), stats: &stats{}}
		}
		c := newClassifier(rules)
		for p := 0; p < 300; p++ {
			f := randomPacket(r)
			want := c.slowLookup(&f)
			if got := c.lookup(&f); got != want {
				t.Fatalf("list %d flow %+v: compiled %d, reference %d\n%s", list, f, got, want, dumpRules(rules))
			}
			// The group search on its own, whatever the list size.
			if got := c.probe(&f, addr32(f.Src), addr32(f.Dst)); got != want {
				t.Fatalf("list %d flow %+v: group search %d, reference %d\n%s", list, f, got, want, dumpRules(rules))
			}
		}
	}
}

// TestTailMatchesReference checks classifiers whose groups cover only the
// first entries and scan the ones appended after them.
func TestTailMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for list := 0; list < 300; list++ {
		kind := Kind(r.IntN(2))
		n := linearMax + 1 + r.IntN(60)
		rules := make([]rule, n)
		for i := range rules {
			rules[i] = rule{Entry: randomEntry(r, kind), stats: &stats{}}
		}
		m := r.IntN(n + 1)
		c := newClassifier(rules[:m])
		c.rules = rules
		for p := 0; p < 300; p++ {
			f := randomPacket(r)
			if got, want := c.lookup(&f), c.slowLookup(&f); got != want {
				t.Fatalf("list %d (%d grouped of %d) packet %+v: compiled %d, reference %d\n%s", list, m, n, f, got, want, dumpRules(rules))
			}
		}
	}
}

func dumpRules(rules []rule) string {
	var b strings.Builder
	for i := range rules {
		fmt.Fprintf(&b, "  %d %s\n", i, rules[i].ConfigText())
	}
	return b.String()
}
