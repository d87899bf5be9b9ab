package nat

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
)

const (
	syn    = packet.TCPSyn
	synack = packet.TCPSyn | packet.TCPAck
	ack    = packet.TCPAck
	finack = packet.TCPFin | packet.TCPAck
	rst    = packet.TCPRst
)

// step is one packet through the NAT: its direction, what it looks like
// before, what it must look like after, and what NAT must report.
type step struct {
	name string
	dir  string // "out", "in", "hairpin"
	pkt  []byte
	want Result
	// expected addresses after translation (ignored for Drop)
	src   string
	sport uint16
	dst   string
	dport uint16
}

func (l *lab) run(t *testing.T, steps []step) {
	t.Helper()
	for _, s := range steps {
		var got Result
		switch s.dir {
		case "out":
			got = l.Outbound(s.pkt)
		case "in":
			got = l.Inbound(s.pkt)
		case "hairpin":
			got = l.Hairpin(s.pkt)
		}
		if got != s.want {
			t.Fatalf("%s: result %d, want %d", s.name, got, s.want)
		}
		if got != Drop {
			expect(t, s.pkt, s.src, s.sport, s.dst, s.dport)
		}
	}
}

func TestPATInterface(t *testing.T) {
	l := newLab(t).reference(t)
	l.run(t, []step{
		{"syn out keeps the port", "out", tcpPkt("192.168.1.10", 49732, "203.0.113.10", 21, syn), Created, "203.0.113.1", 49732, "203.0.113.10", 21},
		{"syn-ack in", "in", tcpPkt("203.0.113.10", 21, "203.0.113.1", 49732, synack), Hit, "203.0.113.10", 21, "192.168.1.10", 49732},
		{"ack out", "out", tcpPkt("192.168.1.10", 49732, "203.0.113.10", 21, ack), Hit, "203.0.113.1", 49732, "203.0.113.10", 21},
		{"second host, same port: lowest free of 1024-65535", "out", tcpPkt("192.168.1.11", 49732, "203.0.113.10", 21, syn), Created, "203.0.113.1", 1024, "203.0.113.10", 21},
		{"reply to second host", "in", tcpPkt("203.0.113.10", 21, "203.0.113.1", 1024, synack), Hit, "203.0.113.10", 21, "192.168.1.11", 49732},
		{"same endpoint, new destination: same mapping (EIM)", "out", tcpPkt("192.168.1.11", 49732, "203.0.113.20", 80, syn), Created, "203.0.113.1", 1024, "203.0.113.20", 80},
		{"privileged port stays privileged", "out", udpPkt("192.168.1.10", 500, "203.0.113.10", 500), Created, "203.0.113.1", 500, "203.0.113.10", 500},
		{"privileged port collision", "out", udpPkt("192.168.1.11", 500, "203.0.113.10", 500), Created, "203.0.113.1", 1, "203.0.113.10", 500},
		{"512-1023 collision", "out", udpPkt("192.168.1.10", 700, "203.0.113.10", 53), Created, "203.0.113.1", 700, "203.0.113.10", 53},
		{"512-1023 collision 2", "out", udpPkt("192.168.1.11", 700, "203.0.113.10", 53), Created, "203.0.113.1", 512, "203.0.113.10", 53},
		{"unsolicited inbound to a PAT port is not translated", "in", udpPkt("203.0.113.99", 53, "203.0.113.1", 700), Pass, "203.0.113.99", 53, "203.0.113.1", 700},
		{"source not in the list is not translated", "out", udpPkt("10.9.9.9", 53, "203.0.113.10", 53), Pass, "10.9.9.9", 53, "203.0.113.10", 53},
	})
}

func TestICMPQueryIdentifiers(t *testing.T) {
	// E3: three PCs pinging with identifier 1 share the address with
	// identifiers 1, 0, 2.
	l := newLab(t)
	must(t, l.AddPool(Pool{Name: "public_access", Start: ip("209.165.200.225"), End: ip("209.165.200.230"), PrefixLen: 29}))
	must(t, l.AddMapping(Mapping{List: "1", Pool: "public_access", Overload: true}))
	l.run(t, []step{
		{"pc-a", "out", echoPkt(8, "192.168.1.20", "192.31.7.1", 1), Created, "209.165.200.225", 1, "192.31.7.1", 1},
		{"pc-b", "out", echoPkt(8, "192.168.1.21", "192.31.7.1", 1), Created, "209.165.200.225", 0, "192.31.7.1", 0},
		{"pc-c", "out", echoPkt(8, "192.168.1.22", "192.31.7.1", 1), Created, "209.165.200.225", 2, "192.31.7.1", 2},
		{"reply to pc-b", "in", echoPkt(0, "192.31.7.1", "209.165.200.225", 0), Hit, "192.31.7.1", 1, "192.168.1.21", 1},
		{"reply to pc-c", "in", echoPkt(0, "192.31.7.1", "209.165.200.225", 2), Hit, "192.31.7.1", 1, "192.168.1.22", 1},
	})
}

func TestStaticNAT(t *testing.T) {
	l := newLab(t).reference(t)
	must(t, l.AddStatic(StaticRule{Proto: packet.ProtoTCP, Local: ip("192.168.2.20"), LocalPort: 8080, Global: ip("203.0.113.101"), GlobalPort: 80}))
	must(t, l.AddStatic(StaticRule{Proto: packet.ProtoTCP, Local: ip("192.168.2.21"), LocalPort: 22, Interface: "GigabitEthernet0/1", GlobalPort: 2222}))
	l.run(t, []step{
		{"ping the server's global", "in", echoPkt(8, "203.0.113.10", "203.0.113.100", 7), Created, "203.0.113.10", 7, "192.168.2.10", 7},
		{"echo reply", "out", echoPkt(0, "192.168.2.10", "203.0.113.10", 7), Hit, "203.0.113.100", 7, "203.0.113.10", 7},
		{"ftp control in", "in", tcpPkt("203.0.113.10", 51022, "203.0.113.100", 21, syn), Created, "203.0.113.10", 51022, "192.168.2.10", 21},
		{"server-initiated flow keeps its port", "out", udpPkt("192.168.2.10", 123, "203.0.113.10", 123), Created, "203.0.113.100", 123, "203.0.113.10", 123},
		{"static port forward", "in", tcpPkt("203.0.113.10", 40000, "203.0.113.101", 80, syn), Created, "203.0.113.10", 40000, "192.168.2.20", 8080},
		{"static port reply", "out", tcpPkt("192.168.2.20", 8080, "203.0.113.10", 40000, synack), Hit, "203.0.113.101", 80, "203.0.113.10", 40000},
		{"static port, other port not forwarded", "in", tcpPkt("203.0.113.10", 40000, "203.0.113.101", 81, syn), Pass, "203.0.113.10", 40000, "203.0.113.101", 81},
		{"static port on the interface address", "in", tcpPkt("203.0.113.10", 40001, "203.0.113.1", 2222, syn), Created, "203.0.113.10", 40001, "192.168.2.21", 22},
		{"PAT does not take a static port", "out", tcpPkt("192.168.1.10", 2222, "203.0.113.10", 80, syn), Created, "203.0.113.1", 1024, "203.0.113.10", 80},
	})
}

func TestPoolNoOverload(t *testing.T) {
	l := newLab(t)
	must(t, l.AddPool(Pool{Name: "P", Start: ip("209.165.200.242"), End: ip("209.165.200.243"), PrefixLen: 27}))
	must(t, l.AddMapping(Mapping{List: "1", Pool: "P"}))
	l.run(t, []step{
		{"first host gets the first address", "out", tcpPkt("192.168.1.10", 1000, "192.31.7.1", 23, syn), Created, "209.165.200.242", 1000, "192.31.7.1", 23},
		{"second host", "out", tcpPkt("192.168.1.11", 1000, "192.31.7.1", 23, syn), Created, "209.165.200.243", 1000, "192.31.7.1", 23},
		{"third host: pool exhausted, dropped", "out", tcpPkt("192.168.1.12", 1000, "192.31.7.1", 23, syn), Drop, "", 0, "", 0},
		{"inbound to a dynamic address binding", "in", echoPkt(8, "192.31.7.1", "209.165.200.242", 9), Created, "192.31.7.1", 9, "192.168.1.10", 9},
		{"gre keeps the address binding", "out", grePkt("192.168.1.11", "192.31.7.1"), Hit, "209.165.200.243", 0, "192.31.7.1", 0},
	})
	st := l.Statistics()
	if st.Pools[0].Misses != 1 || st.Pools[0].Allocated != 2 {
		t.Fatalf("pool stats %+v", st.Pools[0])
	}
	if err := l.RemoveMapping(Mapping{List: "1", Pool: "P"}); err == nil || err.Error() != "%Dynamic mapping in use, cannot remove" {
		t.Fatalf("remove mapping in use: %v", err)
	}
	if err := l.RemovePool("P"); err == nil || err.Error() != "%Pool P in use, cannot destroy" {
		t.Fatalf("remove pool in use: %v", err)
	}
	l.ClearAll()
	must(t, l.RemoveMapping(Mapping{List: "1", Pool: "P"}))
	must(t, l.RemovePool("P"))
}

func grePkt(src, dst string) []byte {
	b := make([]byte, 1500)
	n := packet.BuildUDP(b, ip(src), ip(dst), 1, 2, 81, 64, 8, nil)
	b = b[:n]
	b[9] = byte(packet.ProtoGRE)
	fixHeader(b)
	return b
}

// TestMaxEntries: at the limit, a new flow takes the place of the oldest
// one not established; when every flow is established it is refused.
func TestMaxEntries(t *testing.T) {
	l := newLab(t).reference(t)
	l.SetMaxEntries(2)
	l.run(t, []step{
		{"1", "out", udpPkt("192.168.1.10", 1000, "203.0.113.10", 53), Created, "203.0.113.1", 1000, "203.0.113.10", 53},
		{"1 replied", "in", udpPkt("203.0.113.10", 53, "203.0.113.1", 1000), Hit, "203.0.113.10", 53, "192.168.1.10", 1000},
		{"2", "out", udpPkt("192.168.1.10", 1001, "203.0.113.10", 53), Created, "203.0.113.1", 1001, "203.0.113.10", 53},
		{"3 evicts 2, never replied", "out", udpPkt("192.168.1.10", 1002, "203.0.113.10", 53), Created, "203.0.113.1", 1002, "203.0.113.10", 53},
		{"3 replied", "in", udpPkt("203.0.113.10", 53, "203.0.113.1", 1002), Hit, "203.0.113.10", 53, "192.168.1.10", 1002},
		{"4 over the limit", "out", udpPkt("192.168.1.10", 1003, "203.0.113.10", 53), Drop, "", 0, "", 0},
		{"existing still works", "out", udpPkt("192.168.1.10", 1000, "203.0.113.10", 53), Hit, "203.0.113.1", 1000, "203.0.113.10", 53},
	})
	st := l.Statistics()
	if st.Misses != 4 || st.Hits != 3 || st.Dynamic != 2 {
		t.Fatalf("hits %d misses %d dynamic %d", st.Hits, st.Misses, st.Dynamic)
	}
	if e, m := l.drops.evicted.Load(), l.drops.maxEntryMissed.Load(); e != 1 || m != 1 {
		t.Fatalf("evicted %d, missed %d", e, m)
	}
}

func TestTimers(t *testing.T) {
	l := newLab(t).reference(t)
	count := func() int { return l.Statistics().Dynamic }
	l.Outbound(udpPkt("192.168.1.10", 1000, "203.0.113.10", 5000))
	l.Outbound(echoPkt(8, "192.168.1.10", "203.0.113.10", 1))
	l.Outbound(tcpPkt("192.168.1.10", 2000, "203.0.113.10", 80, syn)) // syn only
	l.Outbound(tcpPkt("192.168.1.10", 2001, "203.0.113.10", 80, syn)) // will be established
	l.Inbound(tcpPkt("203.0.113.10", 80, "203.0.113.1", 2001, synack))
	l.Outbound(tcpPkt("192.168.1.10", 2001, "203.0.113.10", 80, ack))
	l.Outbound(tcpPkt("192.168.1.10", 2002, "203.0.113.10", 80, ack)) // mid-stream: established
	if count() != 5 {
		t.Fatalf("dynamic %d", count())
	}
	l.clock.Advance(59 * time.Second)
	l.Sweep()
	if count() != 5 {
		t.Fatalf("after 59 s: %d", count())
	}
	l.clock.Advance(time.Second)
	l.Sweep() // icmp 60 and syn 60 gone
	if count() != 3 {
		t.Fatalf("after 60 s: %d", count())
	}
	l.clock.Advance(240 * time.Second)
	l.Sweep() // udp 300 gone
	if count() != 2 {
		t.Fatalf("after 300 s: %d", count())
	}
	// FIN both ways: finrst-timeout.
	l.Outbound(tcpPkt("192.168.1.10", 2001, "203.0.113.10", 80, finack))
	l.Inbound(tcpPkt("203.0.113.10", 80, "203.0.113.1", 2001, finack))
	l.clock.Advance(60 * time.Second)
	l.Sweep()
	if count() != 1 {
		t.Fatalf("after fin: %d", count())
	}
	// RST: finrst-timeout.
	l.Inbound(tcpPkt("203.0.113.10", 80, "203.0.113.1", 2002, rst))
	l.clock.Advance(60 * time.Second)
	l.Sweep()
	if count() != 0 {
		t.Fatalf("after rst: %d", count())
	}
	if l.Statistics().Expired != 5 {
		t.Fatalf("expired %d", l.Statistics().Expired)
	}
}

func TestTimerNever(t *testing.T) {
	l := newLab(t).reference(t)
	count := func() int { return l.Statistics().Dynamic }
	must(t, l.SetTimeout("udp-timeout", Never, false))
	l.Outbound(udpPkt("192.168.1.10", 1000, "203.0.113.10", 5000))
	l.clock.Advance(1000 * time.Hour)
	l.Sweep()
	if count() != 1 {
		t.Fatalf("never expired")
	}
	// The port is free again after expiry: a new host takes it unchanged.
	must(t, l.SetTimeout("udp-timeout", 0, true))
	l.Sweep()
	p := udpPkt("192.168.1.11", 1000, "203.0.113.10", 5000)
	l.Outbound(p)
	expect(t, p, "203.0.113.1", 1000, "203.0.113.10", 5000)
}

func TestICMPErrors(t *testing.T) {
	for name, f := range map[string]func(*testing.T, *lab){
		"time exceeded about a packet that left":     errorAboutOutbound,
		"unreachable about an echo":                  errorAboutEcho,
		"port unreachable from the static server":    errorFromStaticServer,
		"an error does not refresh its flow (REQ-6)": errorDoesNotRefresh,
	} {
		t.Run(name, func(t *testing.T) { f(t, newLab(t).reference(t)) })
	}
}

// translatedError translates an ICMP error from the inside (fromInside)
// or the outside, which must hit a translation, and checks the result.
func (l *lab) translatedError(t *testing.T, e []byte, fromInside bool) packet.Parsed {
	t.Helper()
	r := l.Inbound
	if fromInside {
		r = l.Outbound
	}
	if res := r(e); res != Hit {
		t.Fatalf("error not translated: %d", res)
	}
	return checkPacket(t, e)
}

// errorAboutOutbound: outbound UDP, then a router on the way answers time
// exceeded; the inside host gets its own packet quoted.
func errorAboutOutbound(t *testing.T, l *lab) {
	out := udpPkt("192.168.1.10", 33434, "198.51.100.7", 33434)
	orig := append([]byte(nil), out...)
	l.Outbound(out)
	expect(t, out, "203.0.113.1", 33434, "198.51.100.7", 33434)
	e := icmpErr(11, 0, "203.0.113.254", out)
	p := l.translatedError(t, e, false)
	if p.Dst != ip("192.168.1.10") || p.Src != ip("203.0.113.254") {
		t.Fatalf("outer %s -> %s", p.Src, p.Dst)
	}
	quoted := quotedBytes(e, &p)
	if string(quoted[:28]) != string(orig[:28]) {
		t.Fatalf("quoted packet not restored:\n%x\n%x", quoted[:28], orig[:28])
	}
}

// errorAboutEcho: pings out, an error about the second comes back (a
// quoted ICMP query, whose identifier PAT changed).
func errorAboutEcho(t *testing.T, l *lab) {
	echo := echoPkt(8, "192.168.1.11", "198.51.100.7", 1)
	l.Outbound(echo)
	echo2 := echoPkt(8, "192.168.1.12", "198.51.100.7", 1)
	l.Outbound(echo2) // identifier 0
	e := icmpErr(3, 1, "203.0.113.254", echo2)
	p := l.translatedError(t, e, false)
	if id := packet.ICMPv4(quotedBytes(e, &p)[20:]).ID(); p.Dst != ip("192.168.1.12") || id != 1 {
		t.Fatalf("echo error not translated: %s id %d", p.Dst, id)
	}
}

// errorFromStaticServer: inbound UDP to the static server, which answers
// port unreachable; a corrupted copy of that is dropped.
func errorFromStaticServer(t *testing.T, l *lab) {
	in := udpPkt("203.0.113.10", 5000, "203.0.113.100", 69)
	l.Inbound(in)
	e := icmpErr(3, 3, "192.168.2.10", in)
	p := l.translatedError(t, e, true)
	if p.Src != ip("203.0.113.100") || p.Dst != ip("203.0.113.10") {
		t.Fatalf("outer %s -> %s", p.Src, p.Dst)
	}
	q := quotedBytes(e, &p)
	if srcOf(q) != ip("203.0.113.10") || dstOf(q) != ip("203.0.113.100") {
		t.Fatalf("quoted header not translated")
	}
	// A corrupted error is dropped (RFC 5508 REQ-3).
	e[len(e)-1] ^= 0xff
	if r := l.Outbound(e); r != Drop {
		t.Fatalf("bad checksum: %d", r)
	}
}

// errorDoesNotRefresh: errors do not refresh the flow they are about.
func errorDoesNotRefresh(t *testing.T, l *lab) {
	out := udpPkt("192.168.1.10", 7000, "198.51.100.7", 7000)
	l.Outbound(out)
	l.clock.Advance(299 * time.Second)
	if r := l.Inbound(icmpErr(3, 3, "198.51.100.7", out)); r != Hit {
		t.Fatalf("error: %d", r)
	}
	l.clock.Advance(time.Second)
	l.Sweep()
	if n := l.Statistics().Dynamic; n != 0 {
		t.Fatalf("the error refreshed the flow: %d left", n)
	}
}

func TestFragments(t *testing.T) {
	l := newLab(t).reference(t)
	first, later := fragments("192.168.1.10", 4000, "203.0.113.10", 53, 4242)
	if r := l.Outbound(first); r != Created {
		t.Fatalf("first fragment: %d", r)
	}
	if r := l.Outbound(later); r != Hit {
		t.Fatalf("later fragment: %d", r)
	}
	if srcOf(later) != ip("203.0.113.1") || !packet.IPv4(later).HeaderChecksumOK() {
		t.Fatalf("later fragment not translated")
	}
	// The reassembled datagram has a right UDP checksum.
	checkReassembled(t, first, later)

	// A later fragment of an interface-PAT flow that comes before its first
	// fragment gets the interface address, the one the first will get.
	first, orphan := fragments("192.168.1.10", 4001, "203.0.113.10", 53, 4243)
	if r := l.Outbound(orphan); r != Hit || srcOf(orphan) != ip("203.0.113.1") {
		t.Fatalf("orphan: %d", r)
	}
	l.Outbound(first)
	checkReassembled(t, first, orphan)
	// With a pool of several addresses the address is not known: dropped,
	// never sent with the private address.
	must(t, l.AddPool(Pool{Name: "P", Start: ip("198.51.100.1"), End: ip("198.51.100.2"), PrefixLen: 24}))
	must(t, l.AddMapping(Mapping{List: "NAT_ACL", Pool: "P", Overload: true}))
	_, orphan = fragments("192.168.5.10", 4001, "203.0.113.10", 53, 4245)
	if r := l.Outbound(orphan); r != Drop {
		t.Fatalf("pool orphan: %d", r)
	}
	// For the static host the address mapping is enough.
	_, orphan = fragments("192.168.2.10", 4001, "203.0.113.10", 53, 4244)
	if r := l.Outbound(orphan); r != Hit || srcOf(orphan) != ip("203.0.113.100") {
		t.Fatalf("static orphan: %d", r)
	}
	// Inbound fragments of the reply.
	first, later = fragments("203.0.113.10", 53, "203.0.113.1", 4000, 999)
	if l.Inbound(first) != Hit || l.Inbound(later) != Hit || dstOf(later) != ip("192.168.1.10") {
		t.Fatalf("inbound fragments")
	}
	checkReassembled(t, first, later)
}

// fragments splits a UDP datagram with 64 bytes of data into two fragments.
func fragments(src string, sport uint16, dst string, dport uint16, id uint16) (first, later []byte) {
	b := make([]byte, 1500)
	n := packet.BuildUDP(b, ip(src), ip(dst), sport, dport, id, 64, 64, nil)
	return split(b[:n])
}

// split cuts a datagram in two fragments after 32 bytes of transport data,
// filling the data with a pattern first (checksum recomputed).
func split(b []byte) (first, later []byte) {
	n := len(b)
	for i := 28; i < n; i++ {
		b[i] = byte(i)
	}
	var p packet.Parsed
	p.Decode(b[:n])
	p.SetTransportChecksum(b[:n])
	first = make([]byte, 20+32)
	copy(first, b[:20])
	copy(first[20:], b[20:52])
	setFragment(first, 0x2000)
	later = make([]byte, 20+n-52)
	copy(later, b[:20])
	copy(later[20:], b[52:n])
	setFragment(later, 32/8)
	return first, later
}

// setFragment gives a datagram (or a piece of one) its length, its
// flags and fragment offset field, and a right header checksum.
func setFragment(b []byte, flagsOffset uint16) {
	packet.IPv4(b).SetTotalLength(uint16(len(b)))
	binary.BigEndian.PutUint16(b[6:], flagsOffset)
	fixHeader(b)
}

func checkReassembled(t *testing.T, first, later []byte) {
	t.Helper()
	whole := append(append([]byte(nil), first...), later[20:]...)
	setFragment(whole, 0)
	checkPacket(t, whole)
}

// A big ping: the identifier lives in the first fragment only.
func TestFragmentedEcho(t *testing.T) {
	l := newLab(t).reference(t)
	l.Outbound(echoPkt(8, "192.168.1.11", "203.0.113.10", 5)) // takes identifier 5
	b := make([]byte, 1500)
	n := packet.BuildEcho(b, packet.ICMPEcho, ip("192.168.1.10"), ip("203.0.113.10"), 5, 1, 900, 64, 64, nil)
	first, later := split(b[:n])
	if l.Outbound(first) != Created || l.Outbound(later) != Hit {
		t.Fatal("fragments not translated")
	}
	checkReassembled(t, first, later)
	if id := packet.ICMPv4(first[20:]).ID(); id == 5 || srcOf(later) != ip("203.0.113.1") {
		t.Fatalf("identifier %d, later source %s", id, srcOf(later))
	}
}

func TestHairpin(t *testing.T) {
	l := newLab(t).reference(t)
	l.run(t, []step{
		{"pc1 to the server's global address", "hairpin", tcpPkt("192.168.1.10", 5000, "203.0.113.100", 80, syn), Created, "203.0.113.1", 5000, "192.168.2.10", 80},
		{"server reply to pc1's global", "hairpin", tcpPkt("192.168.2.10", 80, "203.0.113.1", 5000, synack), Hit, "203.0.113.100", 80, "192.168.1.10", 5000},
		{"not a global: nothing", "hairpin", tcpPkt("192.168.1.10", 5000, "203.0.113.10", 80, syn), Pass, "192.168.1.10", 5000, "203.0.113.10", 80},
		{"hairpin ping", "hairpin", echoPkt(8, "192.168.1.10", "203.0.113.100", 3), Created, "203.0.113.1", 3, "192.168.2.10", 3},
		{"hairpin ping reply", "hairpin", echoPkt(0, "192.168.2.10", "203.0.113.1", 3), Hit, "203.0.113.100", 3, "192.168.1.10", 3},
		{"ping to the router's outside address is left alone", "hairpin", echoPkt(8, "192.168.1.10", "203.0.113.1", 4), Pass, "192.168.1.10", 4, "203.0.113.1", 4},
		{"unmapped port of the server's global", "hairpin", udpPkt("192.168.1.10", 5000, "203.0.113.1", 9), Pass, "192.168.1.10", 5000, "203.0.113.1", 9},
	})
	// A host no rule translates reaches the server too (its own address is
	// the outside address the server sees).
	l.run(t, []step{
		{"untranslated client", "hairpin", tcpPkt("192.168.3.5", 6000, "203.0.113.100", 80, syn), Created, "192.168.3.5", 6000, "192.168.2.10", 80},
		{"reply to the untranslated client", "hairpin", tcpPkt("192.168.2.10", 80, "192.168.3.5", 6000, synack), Hit, "203.0.113.100", 80, "192.168.3.5", 6000},
	})
}

func TestOutsideStatic(t *testing.T) {
	l := newLab(t).reference(t)
	must(t, l.AddOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5")}))
	l.run(t, []step{
		{"to the outside local", "out", tcpPkt("192.168.1.10", 7000, "10.0.0.5", 80, syn), Created, "203.0.113.1", 7000, "198.51.100.5", 80},
		{"reply from the outside global", "in", tcpPkt("198.51.100.5", 80, "203.0.113.1", 7000, synack), Hit, "10.0.0.5", 80, "192.168.1.10", 7000},
		{"from the outside global to the static server", "in", udpPkt("198.51.100.5", 9, "203.0.113.100", 9), Created, "10.0.0.5", 9, "192.168.2.10", 9},
	})
}

func TestClear(t *testing.T) {
	l := newLab(t).reference(t)
	l.Outbound(udpPkt("192.168.1.10", 1000, "203.0.113.10", 53))
	l.Inbound(udpPkt("203.0.113.10", 53, "203.0.113.100", 53))
	st := l.Statistics()
	if st.Active != 3 || st.Static != 1 || st.Dynamic != 2 || st.Extended != 2 {
		t.Fatalf("%+v", st)
	}
	l.ClearAll()
	st = l.Statistics()
	if st.Active != 1 || st.Static != 1 || st.Dynamic != 0 {
		t.Fatalf("after clear %+v", st)
	}
	// The port was released.
	if len(l.ports) != 0 || len(l.patByLocal) != 0 {
		t.Fatalf("leak: %d port sets, %d bindings", len(l.ports), len(l.patByLocal))
	}
}

func TestConfigErrors(t *testing.T) {
	l := newLab(t).reference(t)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"similar static", l.AddStatic(StaticRule{Local: ip("192.168.2.11"), Global: ip("203.0.113.100")}), "% similar static entry (192.168.2.11 -> 203.0.113.100) already exists"},
		{"already mapped", l.AddStatic(StaticRule{Local: ip("192.168.2.10"), Global: ip("203.0.113.101")}), "% 192.168.2.10 already mapped (192.168.2.10 -> 203.0.113.100)"},
		{"extendable allowed", l.AddStatic(StaticRule{Local: ip("192.168.2.10"), Global: ip("203.0.113.102"), Extendable: true}), ""},
		{"pool different subnets", l.AddPool(Pool{Name: "X", Start: ip("10.0.0.1"), End: ip("10.0.1.1"), PrefixLen: 24}), "%Start and end addresses on different subnets"},
		{"remove unknown static", l.RemoveStatic(StaticRule{Local: ip("1.1.1.1"), Global: ip("2.2.2.2")}), "%Translation not found"},
	}
	for _, c := range cases {
		got := ""
		if c.err != nil {
			got = c.err.Error()
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	must(t, l.AddPool(Pool{Name: "P", Start: ip("10.0.0.1"), End: ip("10.0.0.9"), PrefixLen: 24}))
	must(t, l.AddMapping(Mapping{List: "NAT_ACL", Pool: "P", Overload: true}))
	if err := l.RemovePool("P"); err == nil || err.Error() != "%Pool P in use, cannot destroy" {
		t.Fatalf("pool referenced: %v", err)
	}
}

func TestClearSelectors(t *testing.T) {
	l := newLab(t).reference(t)
	must(t, l.AddPool(Pool{Name: "P", Start: ip("198.51.100.1"), End: ip("198.51.100.9"), PrefixLen: 24}))
	lists := l.lists.(prefixLists)
	lists["9"] = []netip.Prefix{netip.MustParsePrefix("10.9.0.0/16")}
	must(t, l.AddMapping(Mapping{List: "9", Pool: "P"}))
	l.Outbound(udpPkt("192.168.1.10", 1000, "203.0.113.10", 53))
	l.Outbound(udpPkt("192.168.1.10", 1000, "203.0.113.11", 53))
	l.Outbound(tcpPkt("192.168.1.11", 2000, "203.0.113.10", 80, syn))
	l.Outbound(udpPkt("10.9.0.1", 3000, "203.0.113.10", 53))
	count := func() int { return l.Statistics().Dynamic }
	if count() != 5 { // 4 flows + 1 address binding
		t.Fatalf("setup: %d", count())
	}
	if n := l.Clear(Selector{Proto: packet.ProtoUDP, InsideGlobal: ip("203.0.113.1"), InsideGlobalPort: 1000, InsideLocal: ip("192.168.1.10"), InsideLocalPort: 1000,
		OutsideLocal: ip("203.0.113.11"), OutsideLocalPort: 53, OutsideGlobal: ip("203.0.113.11"), OutsideGlobalPort: 53}); n != 1 {
		t.Fatalf("clear one flow: %d", n)
	}
	if n := l.Clear(Selector{OutsideLocal: ip("203.0.113.10"), OutsideGlobal: ip("203.0.113.10")}); n != 3 {
		t.Fatalf("clear outside: %d", n)
	}
	if n := l.Clear(Selector{InsideGlobal: ip("198.51.100.1"), InsideLocal: ip("10.9.0.1")}); n != 1 || count() != 0 {
		t.Fatalf("clear binding: %d, left %d", n, count())
	}
}

// Two extendable static entries publish one server on two addresses; a
// flow the server started through the first cannot be taken over through
// the second, and nothing leaks.
func TestExtendableConflict(t *testing.T) {
	l := newLab(t).reference(t)
	must(t, l.AddStatic(StaticRule{Local: ip("192.168.2.10"), Global: ip("203.0.113.102"), Extendable: true}))
	l.run(t, []step{
		{"server starts a flow", "out", udpPkt("192.168.2.10", 5000, "203.0.113.10", 80), Created, "203.0.113.100", 5000, "203.0.113.10", 80},
		{"the peer answers to the other address", "in", udpPkt("203.0.113.10", 80, "203.0.113.102", 5000), Drop, "", 0, "", 0},
		{"a new flow through the second address works", "in", udpPkt("203.0.113.10", 81, "203.0.113.102", 5000), Created, "203.0.113.10", 81, "192.168.2.10", 5000},
	})
	l.clock.Advance(time.Hour)
	l.Sweep()
	if l.in.count() != 0 || l.out.count() != 0 || l.sessions != 0 {
		t.Fatalf("left %d/%d/%d", l.in.count(), l.out.count(), l.sessions)
	}
}

func TestAddressOnlyInboundAndConfigChanges(t *testing.T) {
	l := newLab(t).reference(t)
	must(t, l.AddOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5")}))
	l.run(t, []step{
		{"gre to the static global", "in", grePkt("203.0.113.10", "203.0.113.100"), Hit, "203.0.113.10", 0, "192.168.2.10", 0},
		{"gre from the outside static host", "in", grePkt("198.51.100.5", "203.0.113.100"), Hit, "10.0.0.5", 0, "192.168.2.10", 0},
		{"gre to an unknown address", "in", grePkt("203.0.113.10", "203.0.113.77"), Pass, "203.0.113.10", 0, "203.0.113.77", 0},
	})
	_, later := fragments("203.0.113.10", 53, "203.0.113.100", 53, 31)
	if r := l.Inbound(later); r != Hit || dstOf(later) != ip("192.168.2.10") {
		t.Fatalf("orphan inbound fragment to a static: %d", r)
	}
	// Outside static flows go with their rule.
	l.Outbound(udpPkt("192.168.1.10", 1000, "10.0.0.5", 53))
	if l.Statistics().Dynamic != 1 {
		t.Fatal("setup")
	}
	must(t, l.RemoveOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5")}))
	if l.Statistics().Dynamic != 0 {
		t.Fatal("flows of a removed outside rule kept")
	}
	// A pool is redefined while unused, not while its mapping has flows.
	must(t, l.AddPool(Pool{Name: "P", Start: ip("198.51.100.10"), End: ip("198.51.100.20"), PrefixLen: 24}))
	must(t, l.AddPool(Pool{Name: "P", Start: ip("198.51.100.10"), End: ip("198.51.100.30"), PrefixLen: 24}))
	must(t, l.AddMapping(Mapping{List: "NAT_ACL", Pool: "P", Overload: true}))
	l.Outbound(udpPkt("192.168.3.1", 1000, "203.0.113.10", 53))
	if err := l.AddPool(Pool{Name: "P", Start: ip("198.51.100.10"), End: ip("198.51.100.40"), PrefixLen: 24}); err == nil || err.Error() != "%Pool P in use, cannot redefine" {
		t.Fatalf("redefine in use: %v", err)
	}
	// Timeouts and never.
	must(t, l.SetTimeout("tcp-timeout", Never, false))
	if got := l.Timeouts().TCP; got != Never {
		t.Fatalf("tcp-timeout %v", got)
	}
}
