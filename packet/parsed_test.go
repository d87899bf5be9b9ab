package packet

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

var (
	addrA = netip.MustParseAddr("192.168.1.10")
	addrB = netip.MustParseAddr("203.0.113.10")
)

func tcpPacket(t testing.TB) []byte {
	b := make([]byte, 100)
	n := BuildTCP(b, addrA, addrB, 40000, 21, 1000, 2000, TCPSyn|TCPAck, 65535, 7, 64, []byte("USER anonymous\r\n"))
	if n == 0 {
		t.Fatal("BuildTCP failed")
	}
	return b[:n]
}

func TestDecode(t *testing.T) {
	tcp := tcpPacket(t)
	udp := make([]byte, 64)
	udp = udp[:BuildUDP(udp, addrA, addrB, 33434, 33435, 1, 1, 12, nil)]
	echo := make([]byte, 128)
	echo = echo[:BuildEcho(echo, ICMPEcho, addrA, addrB, 0x1234, 1, 9, 255, 72, nil)]

	mod := func(b []byte, f func(b []byte)) []byte {
		c := append([]byte(nil), b...)
		f(c)
		return c
	}
	fixsum := func(b []byte) { IPv4(b).UpdateChecksum() }

	tests := []struct {
		name string
		b    []byte
		want DecodeResult
		chk  func(t *testing.T, p *Parsed)
	}{
		{"tcp", tcp, OK, func(t *testing.T, p *Parsed) {
			if p.IPProto != ProtoTCP || p.Src != addrA || p.Dst != addrB || p.SrcPort != 40000 || p.DstPort != 21 ||
				p.TCPFlags != TCPSyn|TCPAck || p.PayloadOff != 40 || p.TotalLen != len(tcp) || p.TTL != 64 || p.Frag != NotFragment {
				t.Errorf("got %+v", *p)
			}
		}},
		{"udp", udp, OK, func(t *testing.T, p *Parsed) {
			if p.IPProto != ProtoUDP || p.SrcPort != 33434 || p.DstPort != 33435 || p.PayloadOff != 28 || p.TTL != 1 {
				t.Errorf("got %+v", *p)
			}
		}},
		{"echo", echo, OK, func(t *testing.T, p *Parsed) {
			if p.IPProto != ProtoICMP || p.ICMPType != ICMPEcho || p.ICMPID != 0x1234 || p.PayloadOff != 28 {
				t.Errorf("got %+v", *p)
			}
		}},
		{"padded", append(append([]byte(nil), tcp...), 0, 0, 0, 0), OK, func(t *testing.T, p *Parsed) {
			if p.TotalLen != len(tcp) {
				t.Errorf("TotalLen %d", p.TotalLen)
			}
		}},
		{"empty", nil, ErrShort, nil},
		{"short", tcp[:19], ErrShort, nil},
		{"version6", mod(tcp, func(b []byte) { b[0] = 0x65; fixsum(b) }), ErrVersion, nil},
		{"ihl4", mod(tcp, func(b []byte) { b[0] = 0x44 }), ErrIHL, nil},
		{"ihl beyond", mod(tcp[:24], func(b []byte) { b[0] = 0x4f }), ErrIHL, nil},
		{"total too long", mod(tcp, func(b []byte) { binary.BigEndian.PutUint16(b[2:], 200); fixsum(b) }), ErrTotalLength, nil},
		{"total below ihl", mod(tcp, func(b []byte) { binary.BigEndian.PutUint16(b[2:], 10); fixsum(b) }), ErrTotalLength, nil},
		{"bad checksum", mod(tcp, func(b []byte) { b[10] ^= 1 }), ErrChecksum, nil},
		{"tcp short", mod(tcp[:30], func(b []byte) { binary.BigEndian.PutUint16(b[2:], 30); fixsum(b) }), ErrShortL4, nil},
		{"tcp bad data offset", mod(tcp, func(b []byte) { b[32] = 0x40 }), ErrShortL4, nil},
		{"tcp data offset beyond", mod(tcp, func(b []byte) { b[32] = 0xf0 }), ErrShortL4, nil},
		{"udp short", mod(udp[:25], func(b []byte) { binary.BigEndian.PutUint16(b[2:], 25); fixsum(b) }), ErrShortL4, nil},
		{"later fragment", mod(tcp[:30], func(b []byte) {
			binary.BigEndian.PutUint16(b[2:], 30)
			binary.BigEndian.PutUint16(b[6:], 100)
			fixsum(b)
		}), OK, func(t *testing.T, p *Parsed) {
			if p.Frag != LaterFragment || p.HasPorts() || p.SrcPort != 0 {
				t.Errorf("got %+v", *p)
			}
		}},
		{"first fragment", mod(tcp, func(b []byte) { binary.BigEndian.PutUint16(b[6:], IPv4FlagMoreFragments); fixsum(b) }), OK,
			func(t *testing.T, p *Parsed) {
				if p.Frag != FirstFragment || !p.HasPorts() || p.DstPort != 21 {
					t.Errorf("got %+v", *p)
				}
			}},
		{"tiny first fragment", mod(tcp[:28], func(b []byte) {
			binary.BigEndian.PutUint16(b[2:], 28)
			binary.BigEndian.PutUint16(b[6:], IPv4FlagMoreFragments)
			fixsum(b)
		}), ErrShortL4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parsed
			if got := p.Decode(tt.b); got != tt.want {
				t.Fatalf("Decode = %v, want %v", got, tt.want)
			}
			if tt.chk != nil {
				tt.chk(t, &p)
			}
		})
	}
}

func TestDecodeQuoted(t *testing.T) {
	tcp := tcpPacket(t)
	var p Parsed
	if r := p.DecodeQuoted(tcp[:28]); r != OK {
		t.Fatalf("DecodeQuoted = %v", r)
	}
	if p.SrcPort != 40000 || p.DstPort != 21 || p.TotalLen != len(tcp) {
		t.Errorf("got %+v", p)
	}
	// Whole-datagram operations on a quoted packet are refused, not panics.
	p.SetTransportChecksum(tcp[:28])
	if p.TransportChecksumOK(tcp[:28]) {
		t.Error("verified a truncated datagram")
	}
	p.SetSrcPort(tcp[:28], 1) // the TCP checksum is not quoted: ports still change
	if p.SrcPort != 1 || TCP(tcp[20:]).SrcPort() != 1 {
		t.Error("SetSrcPort on a quoted packet")
	}
	if r := p.DecodeQuoted(tcp[:24]); r != ErrShortL4 {
		t.Errorf("DecodeQuoted(short) = %v", r)
	}
}

func TestICMPKinds(t *testing.T) {
	echo := make([]byte, 64)
	echo = echo[:BuildEcho(echo, ICMPEcho, addrA, addrB, 7, 1, 9, 64, 8, nil)]
	errb := make([]byte, 128)
	errb = errb[:BuildICMPError(errb, ICMPTimeExceeded, 0, addrB, echo, 0, 10)]
	later := append([]byte(nil), echo...)
	binary.BigEndian.PutUint16(later[6:], 1) // fragment offset 8
	IPv4(later).UpdateChecksum()
	tests := []struct {
		name         string
		b            []byte
		query, error bool
	}{
		{"echo", echo, true, false},
		{"time exceeded", errb, false, true},
		{"later fragment of an echo", later, false, false},
		{"tcp", tcpPacket(t), false, false},
	}
	for _, tt := range tests {
		var p Parsed
		if r := p.Decode(tt.b); r != OK {
			t.Fatalf("%s: %v", tt.name, r)
		}
		if p.IsICMPQuery() != tt.query || p.IsICMPError() != tt.error {
			t.Errorf("%s: IsICMPQuery %v, IsICMPError %v; want %v, %v", tt.name, p.IsICMPQuery(), p.IsICMPError(), tt.query, tt.error)
		}
	}
}

func TestDecodeNoAllocs(t *testing.T) {
	b := tcpPacket(t)
	var p Parsed
	if n := testing.AllocsPerRun(1000, func() { p.Decode(b) }); n != 0 {
		t.Errorf("Decode allocates %v times", n)
	}
	if n := testing.AllocsPerRun(1000, func() {
		p.Decode(b)
		p.SetSrcAddr(b, addrB)
		p.SetSrcPort(b, 1024)
		p.DecTTL(b)
	}); n != 0 {
		t.Errorf("rewrites allocate %v times", n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(tcpPacket(f))
	u := make([]byte, 64)
	f.Add(u[:BuildUDP(u, addrA, addrB, 1, 2, 3, 4, 5, nil)])
	e := make([]byte, 64)
	f.Add(e[:BuildEcho(e, ICMPEcho, addrA, addrB, 1, 2, 3, 4, 5, nil)])
	f.Add([]byte{0x45})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p Parsed
		if p.Decode(b) != OK {
			if p.DecodeQuoted(b) == OK {
				// Quoted packets get rewritten by NAT: must not panic.
				c := append([]byte(nil), b...)
				p.SetSrcAddr(c, addrB)
				p.SetDstPort(c, 1)
				p.SetICMPID(c, 2)
				p.SetTransportChecksum(c)
				p.TransportChecksumOK(c)
			}
			return
		}
		if p.TotalLen > len(b) || p.PayloadOff > p.TotalLen || p.L4Off != p.IHL {
			t.Fatalf("inconsistent %+v for %d bytes", p, len(b))
		}
		// Rewrites on a valid packet keep it valid.
		c := append([]byte(nil), b...)
		p.SetSrcAddr(c, addrB)
		p.SetDstPort(c, 4242)
		p.DecTTL(c)
		var q Parsed
		if r := q.Decode(c); r != OK {
			t.Fatalf("after rewrite: %v", r)
		}
		if q.Src != addrB {
			t.Fatalf("src %v", q.Src)
		}
	})
}
