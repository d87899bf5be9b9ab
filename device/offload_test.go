package device

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
	"natlab/port"
)

// Super-packets through the whole router: lab E5 (pc1 behind PAT on Gi0/0,
// the ISP on Gi0/1) on in-memory ports that carry offloads as the fast TUN
// does, so a TSO super-packet and its partial checksum reach the router
// whole.

type offloadLab struct {
	d        *Device
	pc1, isp *port.MemOffloadHost
	ispPlain *port.MemHost // the ISP on a port without offloads, when asked
}

func newOffloadLab(t *testing.T, ispOffload bool, extra string) *offloadLab {
	t.Helper()
	l := &offloadLab{d: New(Options{Interfaces: 3, Clock: fixedClock})}
	t.Cleanup(func() { l.d.Close() })
	m0, h0 := port.NewMemOffload("o0", 1500)
	l.pc1 = h0
	if err := l.d.Router.Bind("GigabitEthernet0/0", m0); err != nil {
		t.Fatal(err)
	}
	var m1 port.Port
	if ispOffload {
		m, h := port.NewMemOffload("o1", 1500)
		m1, l.isp = m, h
	} else {
		m, h := port.NewMem("o1", 1500)
		m1, l.ispPlain = m, h
	}
	if err := l.d.Router.Bind("GigabitEthernet0/1", m1); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	s := l.d.Engine.NewSession(&out)
	s.SetMode(ios.Exec)
	if s.RunScript(strings.NewReader(strings.TrimLeft(e5Config+extra, "\n"))) != 0 {
		t.Fatalf("configuration failed:\n%s", out.String())
	}
	l.d.FTP.SetNATPinholes(true)
	return l
}

// superTCP builds a TCP super-packet carrying payload from src to dst, cut
// every mss bytes, with the partial checksum a sending kernel leaves.
func superTCP(t *testing.T, src, dst string, seq, ack uint32, flags uint8, payload []byte, mss int, df bool) ([]byte, port.Offload) {
	t.Helper()
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	b := make([]byte, 40+len(payload))
	n := packet.BuildTCP(b, s.Addr(), d.Addr(), s.Port(), d.Port(), seq, ack, flags, 65535, 7, 64, payload)
	if n == 0 {
		t.Fatal("build")
	}
	b = b[:n]
	if df {
		ip := packet.IPv4(b)
		b[6] |= 0x40
		ip.UpdateChecksum()
	}
	binary.BigEndian.PutUint16(b[36:], packet.PseudoHeaderChecksum(packet.ProtoTCP, s.Addr(), d.Addr(), uint16(n-20)))
	o := port.Offload{NeedsCsum: true, CsumStart: 20, CsumOffset: 16}
	if len(payload) > mss {
		o.GSO, o.GSOSize, o.HdrLen = port.GSOTCPv4, uint16(mss), 40
	}
	return b, o
}

func streamPayload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + i>>9)
	}
	return b
}

// segmentsOf splits what the router sent (super-packet or not) into wire
// packets and checks every one's checksums; it returns them decoded.
func segmentsOf(t *testing.T, b []byte, o port.Offload) ([]packet.Parsed, [][]byte) {
	t.Helper()
	n := port.OffloadSegments(b, o)
	if n == 0 {
		t.Fatalf("malformed super-packet out of the router: %+v", o)
	}
	segs := make([][]byte, n)
	for k := range segs {
		segs[k] = make([]byte, 2048)
	}
	sizes := make([]int, n)
	if _, err := port.SplitOffload(b, o, segs, sizes); err != nil {
		t.Fatal(err)
	}
	ps := make([]packet.Parsed, n)
	for k := range segs {
		segs[k] = segs[k][:sizes[k]]
		if ps[k].Decode(segs[k]) != packet.OK || !ps[k].TransportChecksumOK(segs[k]) {
			t.Fatalf("segment %d: bad checksums", k)
		}
	}
	return ps, segs
}

func joinPayloads(ps []packet.Parsed, segs [][]byte) []byte {
	var all []byte
	for k := range ps {
		all = append(all, segs[k][ps[k].PayloadOff:ps[k].TotalLen]...)
	}
	return all
}

// A TSO super-packet through PAT leaves whole, translated, and is the same
// byte stream with correct checksums once the kernel cuts it; the reply
// super-packet comes back translated to pc1. Interface counters count wire
// packets.
func TestSuperPacketThroughPAT(t *testing.T) {
	l := newOffloadLab(t, true, "configure terminal\ninterface GigabitEthernet0/1\n no ip access-group OUTSIDE_IN in\nend\n")
	data := streamPayload(20000)
	pkt, o := superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 1000, 1, packet.TCPAck|packet.TCPPsh, data, 1448, true)
	if err := l.pc1.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	got, go1 := l.isp.RecvOffload(time.Second)
	if got == nil {
		t.Fatal("nothing left Gi0/1")
	}
	if go1.GSO != port.GSOTCPv4 || go1.GSOSize != 1448 || !go1.NeedsCsum {
		t.Fatalf("the super-packet was not forwarded whole: %+v", go1)
	}
	ps, segs := segmentsOf(t, got, go1)
	if len(ps) != 14 {
		t.Fatalf("%d segments, want 14", len(ps))
	}
	if ps[0].Src != netip.MustParseAddr("203.0.113.1") || ps[0].TTL != 63 {
		t.Fatalf("not translated/routed: src %v ttl %d", ps[0].Src, ps[0].TTL)
	}
	if !bytes.Equal(joinPayloads(ps, segs), data) {
		t.Fatal("the byte stream changed")
	}
	gport := ps[0].SrcPort
	if c := l.d.Router.Interface("GigabitEthernet0/0").Counters(); c.InPackets != 14 {
		t.Fatalf("Gi0/0 counted %d packets in, want the 14 on the wire", c.InPackets)
	}
	if c := l.d.Router.Interface("GigabitEthernet0/1").Counters(); c.OutPackets != 14 {
		t.Fatalf("Gi0/1 counted %d packets out, want 14", c.OutPackets)
	}

	// The download direction: a super-packet to the global address.
	back := streamPayload(9000)
	pkt, o = superTCP(t, "203.0.113.10:5001", netip.AddrPortFrom(netip.MustParseAddr("203.0.113.1"), gport).String(), 1, 21000, packet.TCPAck, back, 1000, true)
	if err := l.isp.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	got, go1 = l.pc1.RecvOffload(time.Second)
	if got == nil || go1.GSO != port.GSOTCPv4 {
		t.Fatalf("reply super-packet lost or split: %+v", go1)
	}
	ps, segs = segmentsOf(t, got, go1)
	if ps[0].Dst != netip.MustParseAddr("192.168.1.10") || ps[0].DstPort != 40000 || !bytes.Equal(joinPayloads(ps, segs), back) {
		t.Fatalf("reply not translated back: %v:%d", ps[0].Dst, ps[0].DstPort)
	}

	// An ICMP error from beyond, quoting the first segment as it left, is
	// translated for pc1.
	outPkt, outOff := mustResend(t, l, data)
	_, outSegs := segmentsOf(t, outPkt, outOff)
	e := make([]byte, 1024)
	n := packet.BuildICMPError(e, packet.ICMPDestUnreachable, packet.ICMPHostUnreachable, netip.MustParseAddr("203.0.113.10"), outSegs[0], 0, 9)
	if err := l.isp.Inject(e[:n]); err != nil {
		t.Fatal(err)
	}
	got, _ = l.pc1.RecvOffload(time.Second)
	var ep, qp packet.Parsed
	if got == nil || ep.Decode(got) != packet.OK || ep.ICMPType != packet.ICMPDestUnreachable {
		t.Fatal("the ICMP error did not reach pc1")
	}
	if qp.DecodeQuoted(got[ep.L4Off+8:]) != packet.OK || qp.Src != netip.MustParseAddr("192.168.1.10") || qp.SrcPort != 40000 {
		t.Fatalf("quoted segment not translated: %v:%d", qp.Src, qp.SrcPort)
	}
}

// mustResend sends another super-packet of pc1's flow and returns what
// left, for tests that need the translated segments.
func mustResend(t *testing.T, l *offloadLab, data []byte) ([]byte, port.Offload) {
	t.Helper()
	pkt, o := superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 21000, 9001, packet.TCPAck, data, 1448, true)
	if err := l.pc1.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	got, go1 := l.isp.RecvOffload(time.Second)
	if got == nil {
		t.Fatal("nothing left Gi0/1")
	}
	return got, go1
}

// Out of a port without offloads, a super-packet leaves as its segments,
// each finished; a plain packet with a partial checksum leaves finished.
func TestSuperPacketToPlainPort(t *testing.T) {
	l := newOffloadLab(t, false, "")
	data := streamPayload(5000)
	pkt, o := superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 1000, 1, packet.TCPAck, data, 1448, true)
	if err := l.pc1.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	var all []byte
	for k := 0; k < 4; k++ {
		b := l.ispPlain.Recv(time.Second)
		var p packet.Parsed
		if b == nil || p.Decode(b) != packet.OK || !p.TransportChecksumOK(b) || len(b) > 1500 {
			t.Fatalf("segment %d missing or bad", k)
		}
		all = append(all, b[p.PayloadOff:p.TotalLen]...)
	}
	if !bytes.Equal(all, data) {
		t.Fatal("the byte stream changed")
	}
	small, so := superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 6000, 1, packet.TCPAck, []byte("hello"), 1448, true)
	if err := l.pc1.InjectOffload(small, so); err != nil {
		t.Fatal(err)
	}
	b := l.ispPlain.Recv(time.Second)
	var p packet.Parsed
	if b == nil || p.Decode(b) != packet.OK || !p.TransportChecksumOK(b) {
		t.Fatal("partial checksum not finished")
	}
}

// An egress MTU below the segments: with DF the sender learns the MTU
// (the quote is the first segment), without DF each segment is fragmented.
// A super-packet whose TTL runs out gets time exceeded about its first
// segment.
func TestSuperPacketMTU(t *testing.T) {
	l := newOffloadLab(t, true, "configure terminal\ninterface GigabitEthernet0/1\n ip mtu 1000\nend\n")
	data := streamPayload(4000)
	pkt, o := superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 1000, 1, packet.TCPAck, data, 1448, true)
	if err := l.pc1.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	got, _ := l.pc1.RecvOffload(time.Second)
	var ep, qp packet.Parsed
	if got == nil || ep.Decode(got) != packet.OK || ep.ICMPType != packet.ICMPDestUnreachable || ep.ICMPCode != packet.ICMPFragNeeded {
		t.Fatal("no fragmentation needed")
	}
	if mtu := binary.BigEndian.Uint16(got[ep.L4Off+6:]); mtu != 1000 {
		t.Fatalf("next-hop MTU %d", mtu)
	}
	if qp.DecodeQuoted(got[ep.L4Off+8:]) != packet.OK || qp.TotalLen != 20+20+1448 {
		t.Fatalf("quoted total length %d, want one segment's 1488", qp.TotalLen)
	}

	pkt, o = superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 1000, 1, packet.TCPAck, data, 1448, false)
	if err := l.pc1.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	frags, bytesOut := 0, 0
	for {
		b, bo := l.isp.RecvOffload(200 * time.Millisecond)
		if b == nil {
			break
		}
		var p packet.Parsed
		if !bo.IsZero() || len(b) > 1000 || p.Decode(b) != packet.OK {
			t.Fatalf("fragment %d: %d bytes, offload %+v", frags, len(b), bo)
		}
		frags++
		bytesOut += p.TotalLen - p.IHL
	}
	if frags < 6 || bytesOut != len(data)+3*20 {
		t.Fatalf("%d fragments carrying %d bytes, want at least 6 carrying %d", frags, bytesOut, len(data)+60)
	}

	pkt, o = superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 1000, 1, packet.TCPAck, data, 1448, true)
	pkt[8] = 1
	packet.IPv4(pkt).UpdateChecksum()
	if err := l.pc1.InjectOffload(pkt, o); err != nil {
		t.Fatal(err)
	}
	got, _ = l.pc1.RecvOffload(time.Second)
	if got == nil || ep.Decode(got) != packet.OK || ep.ICMPType != packet.ICMPTimeExceeded {
		t.Fatal("no time exceeded")
	}
	if qp.DecodeQuoted(got[ep.L4Off+8:]) != packet.OK || qp.TotalLen != 1488 || !ep.TransportChecksumOK(got) {
		t.Fatalf("time exceeded quotes total length %d", qp.TotalLen)
	}
}

// A super-packet on an inspected FTP control connection is split: each
// segment is inspected byte-exact, the PORT in the second is rewritten to
// the global address, and the sequence numbers after it are adjusted.
func TestSuperPacketFTPControl(t *testing.T) {
	l := newOffloadLab(t, true, "")
	const pc1, isp = "192.168.1.10:40000", "203.0.113.10:21"
	send := func(from *port.MemOffloadHost, src, dst string, seq, ack uint32, flags uint8) {
		t.Helper()
		b, o := superTCP(t, src, dst, seq, ack, flags, nil, 1448, true)
		if err := from.InjectOffload(b, o); err != nil {
			t.Fatal(err)
		}
	}
	recv := func(at *port.MemOffloadHost) ([]packet.Parsed, [][]byte) {
		t.Helper()
		b, o := at.RecvOffload(time.Second)
		if b == nil {
			t.Fatal("lost")
		}
		return segmentsOf(t, b, o)
	}
	send(l.pc1, pc1, isp, 999, 0, packet.TCPSyn)
	recv(l.isp)
	send(l.isp, isp, "203.0.113.1:40000", 4999, 1000, packet.TCPSyn|packet.TCPAck)
	recv(l.pc1)
	send(l.pc1, pc1, isp, 1000, 5000, packet.TCPAck)
	recv(l.isp)
	lines := "NOOP\r\nPORT 192,168,1,10,195,80\r\n"
	b, o := superTCP(t, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, []byte(lines), 6, true)
	if o.GSO != port.GSOTCPv4 {
		t.Fatal("not a super-packet")
	}
	if err := l.pc1.InjectOffload(b, o); err != nil {
		t.Fatal(err)
	}
	var got []string
	var seqs []uint32
	for k := 0; k < 6; k++ {
		b, bo := l.isp.RecvOffload(300 * time.Millisecond)
		if b == nil {
			break
		}
		if !bo.IsZero() {
			t.Fatalf("an inspected control segment left with offload %+v", bo)
		}
		var p packet.Parsed
		if p.Decode(b) != packet.OK || !p.TransportChecksumOK(b) {
			t.Fatal("bad control segment")
		}
		got = append(got, string(b[p.PayloadOff:p.TotalLen]))
		seqs = append(seqs, packet.TCP(b[p.L4Off:]).Seq())
	}
	joined := strings.Join(got, "")
	if joined != "NOOP\r\nPORT 203,0,113,1,195,80\r\n" {
		t.Fatalf("the ISP received %q", joined)
	}
	if seqs[0] != 1000 {
		t.Fatalf("first segment seq %d", seqs[0])
	}
	// The ISP acknowledges the whole (one byte shorter) stream; pc1 sees
	// its own numbering.
	send(l.isp, isp, "203.0.113.1:40000", 5000, 1000+uint32(len(joined)), packet.TCPAck)
	ps, segs := recv(l.pc1)
	if a := packet.TCP(segs[0][ps[0].L4Off:]).Ack(); a != 1000+uint32(len(lines)) {
		t.Fatalf("ACK %d reached pc1, want %d", a, 1000+len(lines))
	}
}

// A super-packet through PAT and an output access-list that matches it,
// forwarded whole, allocates nothing; nor does a plain packet with a
// partial checksum.
func TestSuperPacketNoAllocs(t *testing.T) {
	l := newOffloadLab(t, true, "configure terminal\naccess-list 120 permit tcp any any\ninterface GigabitEthernet0/1\n ip access-group 120 out\nend\n")
	dst := make([]byte, port.MaxOffloadPacket)
	for _, size := range []int{20000, 100} {
		pkt, o := superTCP(t, "192.168.1.10:40000", "203.0.113.10:5001", 1000, 1, packet.TCPAck, streamPayload(size), 1448, true)
		run := func() {
			if err := l.pc1.InjectOffload(pkt, o); err != nil {
				t.Fatal(err)
			}
			if _, got, err := l.isp.ReadOffloadInto(dst); err != nil || got.NeedsCsum != true {
				t.Fatalf("%v %+v", err, got)
			}
		}
		run() // the translation is made
		if a := testing.AllocsPerRun(500, run); a != 0 {
			t.Errorf("%d-byte payload: %v allocations per packet", size, a)
		}
	}
}
