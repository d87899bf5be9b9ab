package packet

import (
	"bytes"
	"net/netip"
	"testing"
)

func TestBuildEcho(t *testing.T) {
	b := make([]byte, 100)
	n := BuildEcho(b, ICMPEcho, addrA, addrB, 0x1234, 5, 77, 255, 72, nil)
	if n != 100 {
		t.Fatalf("n = %d", n)
	}
	var p Parsed
	if r := p.Decode(b[:n]); r != OK {
		t.Fatal(r)
	}
	m := ICMPv4(b[p.L4Off:n])
	if p.TTL != 255 || IPv4(b).ID() != 77 || m.Type() != ICMPEcho || m.ID() != 0x1234 || m.Seq() != 5 || !p.TransportChecksumOK(b[:n]) {
		t.Errorf("echo %+v", p)
	}
	if !bytes.Equal(m.Payload()[:4], []byte{0xab, 0xcd, 0xab, 0xcd}) {
		t.Errorf("payload % x", m.Payload()[:4])
	}
	if BuildEcho(b[:50], ICMPEcho, addrA, addrB, 1, 1, 1, 1, 72, nil) != 0 {
		t.Error("built into a short buffer")
	}
}

func TestBuildICMPError(t *testing.T) {
	orig := tcpPacket(t)
	b := make([]byte, 200)
	n := BuildICMPError(b, ICMPDestUnreachable, ICMPFragNeeded, addrB, orig, 1400, 3)
	if n != 20+8+20+8 {
		t.Fatalf("n = %d", n)
	}
	var p Parsed
	if r := p.Decode(b[:n]); r != OK {
		t.Fatal(r)
	}
	m := ICMPv4(b[p.L4Off:n])
	if p.Src != addrB || p.Dst != addrA || p.ICMPType != ICMPDestUnreachable || p.ICMPCode != ICMPFragNeeded ||
		m.MTU() != 1400 || !p.TransportChecksumOK(b[:n]) || p.ICMPID != 0 {
		t.Errorf("error %+v mtu %d", p, m.MTU())
	}
	if !bytes.Equal(m.Payload(), orig[:28]) {
		t.Error("quote is not the header and 8 bytes")
	}
	var q Parsed
	if r := q.DecodeQuoted(m.Payload()); r != OK || q.SrcPort != 40000 || q.DstPort != 21 {
		t.Errorf("quoted: %v %+v", r, q)
	}
	// A short original is quoted whole.
	u := make([]byte, 64)
	u = u[:BuildUDP(u, addrA, addrB, 1, 2, 3, 4, 0, nil)]
	if n := BuildICMPError(b, ICMPTimeExceeded, 0, addrB, u, 0, 1); n != 20+8+28 {
		t.Errorf("n = %d", n)
	}
	if BuildICMPError(b, ICMPTimeExceeded, 0, addrB, u[:10], 0, 1) != 0 {
		t.Error("quoted a partial header")
	}
}

func TestIPv4View(t *testing.T) {
	b := tcpPacket(t)
	ip := IPv4(b)
	if !ip.IsValid(len(b)) || ip.Version() != 4 || ip.HeaderLength() != 20 || int(ip.TotalLength()) != len(b) ||
		ip.Protocol() != ProtoTCP || ip.Src() != addrA || ip.Dst() != addrB || ip.TTL() != 64 || ip.ID() != 7 {
		t.Errorf("view wrong")
	}
	if ip.IsValid(len(b)+1) || IPv4(b[:10]).IsValid(10) {
		t.Error("IsValid accepts bad sizes")
	}
	ip.SetSrc(addrB)
	ip.SetDst(addrA)
	if !ip.HeaderChecksumOK() || ip.Src() != addrB {
		t.Error("SetSrc/SetDst broke the checksum")
	}
	tcp := TCP(ip.Payload())
	if tcp.SrcPort() != 40000 || tcp.DstPort() != 21 || tcp.Seq() != 1000 || tcp.Ack() != 2000 || tcp.DataOffset() != 20 ||
		tcp.Flags() != TCPSyn|TCPAck || tcp.Window() != 65535 || len(tcp.Options()) != 0 {
		t.Error("TCP view wrong")
	}
	var p Parsed
	p.Decode(b)
	tcp.SetSeq(0xdeadbeef)
	tcp.SetAck(42)
	if !p.TransportChecksumOK(b) {
		t.Error("SetSeq/SetAck broke the checksum")
	}
	if p.String() != "tcp 203.0.113.10:40000 > 192.168.1.10:21" {
		t.Errorf("String %q", p.String())
	}
}

func TestStringers(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{ProtoTCP.String(), "tcp"},
		{Proto(200).String(), "200"},
		{ErrChecksum.String(), "bad IP header checksum"},
		{DecodeResult(99).String(), "DecodeResult(99)"},
		{LaterFragment.String(), "later"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestClassfulBits(t *testing.T) {
	for a, want := range map[string]int{"10.1.2.3": 8, "127.0.0.1": 8, "128.0.0.1": 16, "191.255.0.1": 16, "192.168.1.1": 24, "223.1.1.1": 24} {
		if got := ClassfulBits(netip.MustParseAddr(a)); got != want {
			t.Errorf("ClassfulBits(%s) = %d, want %d", a, got, want)
		}
	}
}
