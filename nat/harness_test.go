package nat

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/packet"
	"natlab/port"
)

// prefixLists is a ListEvaluator: each list permits sources in its prefixes.
type prefixLists map[string][]netip.Prefix

func (l prefixLists) Evaluate(name string, p *packet.Parsed) (bool, bool) {
	ps, ok := l[name]
	if !ok {
		return false, false
	}
	for _, pfx := range ps {
		if pfx.Contains(p.Src) {
			return true, true
		}
	}
	return false, true
}

// labInterfaces are the lab's interfaces by index, as a three-port router
// numbers them.
var labInterfaces = []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"}

// lab is the reference topology: inside 192.168.1.0/24 and
// 192.168.2.0/24, outside Gi0/1 203.0.113.1.
type lab struct {
	*NAT
	clock *testclock.Clock
	ifs   map[string]netip.Addr
}

func newLab(t testing.TB) *lab {
	t.Helper()
	l := &lab{clock: newFakeClock(), ifs: map[string]netip.Addr{
		"GigabitEthernet0/0": ip("192.168.1.1"),
		"GigabitEthernet0/1": ip("203.0.113.1"),
		"GigabitEthernet0/2": ip("192.168.2.1"),
	}}
	l.NAT = New(Options{
		Clock:            l.clock.Now,
		Lists:            prefixLists{"1": {netip.MustParsePrefix("192.168.1.0/24")}, "NAT_ACL": {netip.MustParsePrefix("192.168.0.0/16")}},
		InterfaceIndex:   func(name string) int { return slices.Index(labInterfaces, name) },
		InterfaceAddress: func(i int) netip.Addr { return l.ifs[labInterfaces[i]] },
	})
	l.SetRole("GigabitEthernet0/0", RoleInside)
	l.SetRole("GigabitEthernet0/2", RoleInside)
	l.SetRole("GigabitEthernet0/1", RoleOutside)
	return l
}

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The reference rules: PAT on Gi0/1 for list 1, static NAT for the server.
func (l *lab) reference(t testing.TB) *lab {
	must(t, l.AddMapping(Mapping{List: "1", Interface: "GigabitEthernet0/1", Overload: true}))
	must(t, l.AddStatic(StaticRule{Local: ip("192.168.2.10"), Global: ip("203.0.113.100")}))
	return l
}

func tcpPkt(src string, sport uint16, dst string, dport uint16, flags uint8) []byte {
	b := make([]byte, 1500)
	n := packet.BuildTCP(b, ip(src), ip(dst), sport, dport, 1000, 2000, flags, 65535, 77, 64, []byte("hello, world"))
	return b[:n]
}

func udpPkt(src string, sport uint16, dst string, dport uint16) []byte {
	b := make([]byte, 1500)
	n := packet.BuildUDP(b, ip(src), ip(dst), sport, dport, 78, 64, 37, nil)
	return b[:n]
}

func echoPkt(typ uint8, src, dst string, id uint16) []byte {
	b := make([]byte, 1500)
	n := packet.BuildEcho(b, typ, ip(src), ip(dst), id, 1, 79, 64, 32, nil)
	return b[:n]
}

func icmpErr(typ, code uint8, from string, orig []byte) []byte {
	b := make([]byte, 1500)
	n := packet.BuildICMPError(b, typ, code, ip(from), orig, 0, 80)
	return b[:n]
}

// checkPacket verifies every checksum of a packet: IP header, transport
// (whole datagram), and for ICMP errors the quoted IP header and, when
// quoted in full, the quoted UDP checksum.
func checkPacket(t testing.TB, b []byte) packet.Parsed {
	t.Helper()
	p, err := verifyPacket(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// verifyPacket is checkPacket for goroutines other than the test's.
func verifyPacket(b []byte) (packet.Parsed, error) {
	var p packet.Parsed
	switch r := p.Decode(b); {
	case r != packet.OK:
		return p, fmt.Errorf("decode: %v", r)
	case !p.TransportChecksumOK(b):
		return p, fmt.Errorf("bad transport checksum in %v", &p)
	case p.IsICMPError() && !packet.IPv4(quotedBytes(b, &p)).HeaderChecksumOK():
		return p, fmt.Errorf("bad quoted IP header checksum")
	}
	return p, nil
}

// hop is a packet a host sends through a whole router and what another
// host must receive: its endpoints after translation.
type hop struct {
	name     string
	from, to *port.MemHost
	pkt      []byte
	src, dst netip.AddrPort
}

// cross sends the hops' packets one after the other and checks what
// arrives, waiting at most wait for each.
func cross(hops []hop, wait time.Duration) error {
	for _, h := range hops {
		h.from.Inject(append([]byte(nil), h.pkt...))
		b := h.to.Recv(wait)
		if b == nil {
			return fmt.Errorf("%s: no packet", h.name)
		}
		p, err := verifyPacket(b)
		if err != nil {
			return fmt.Errorf("%s: %v", h.name, err)
		}
		if tu := p.Tuple(); tu.SrcAddrPort() != h.src || tu.DstAddrPort() != h.dst {
			return fmt.Errorf("%s: got %v, want %v -> %v", h.name, tu, h.src, h.dst)
		}
	}
	return nil
}

// expect asserts the addresses and ports of a packet.
func expect(t testing.TB, b []byte, src string, sport uint16, dst string, dport uint16) {
	t.Helper()
	p := checkPacket(t, b)
	got := p.Tuple()
	if got.SrcAddr() != ip(src) || got.DstAddr() != ip(dst) || got.SrcPort != sport || got.DstPort != dport {
		t.Fatalf("got %s -> %s, want %s:%d -> %s:%d", got.SrcAddrPort(), got.DstAddrPort(), src, sport, dst, dport)
	}
}

// quotedBytes is the datagram an ICMP error quotes.
func quotedBytes(b []byte, p *packet.Parsed) []byte { return b[p.PayloadOff:p.TotalLen] }

// Field access for the checks: the addresses of a packet as they are in
// its bytes, and a header fix after a test changed them by hand.
func srcOf(b []byte) netip.Addr { return packet.IPv4(b).Src() }
func dstOf(b []byte) netip.Addr { return packet.IPv4(b).Dst() }
func fixHeader(b []byte)        { packet.IPv4(b).UpdateChecksum() }

// newFakeClock is the NAT tests' clock, standing at the reference date.
func newFakeClock() *testclock.Clock {
	return testclock.New(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
}
