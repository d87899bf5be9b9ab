package router

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/packet"
	"natlab/port"
)

var (
	r1Inside   = netip.MustParsePrefix("192.168.1.1/24")
	r1Outside  = netip.MustParsePrefix("203.0.113.1/24")
	pc1        = netip.MustParseAddr("192.168.1.10")
	isp        = netip.MustParseAddr("203.0.113.10")
	farAway    = netip.MustParseAddr("198.51.100.7")
	unroutable = netip.MustParseAddr("8.8.8.8")
)

// lab is the reference topology's first two links over mem ports:
// pc1 -- Gi0/0 192.168.1.1 [R] Gi0/1 203.0.113.1 -- isp.
type lab struct {
	r       *Router
	clock   *testclock.Clock
	inside  *port.MemHost
	outside *port.MemHost
}

func newLab(t testing.TB) *lab {
	t.Helper()
	clk := testclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r := New(Options{Interfaces: 4, Clock: clk.Now})
	t.Cleanup(func() { r.Close() })
	l := &lab{r: r, clock: clk}
	var m0, m1 *port.Mem
	m0, l.inside = port.NewMem("mem0", 1500)
	m1, l.outside = port.NewMem("mem1", 1500)
	for _, c := range []struct {
		name string
		p    *port.Mem
		addr netip.Prefix
	}{{"GigabitEthernet0/0", m0, r1Inside}, {"GigabitEthernet0/1", m1, r1Outside}} {
		if err := r.Bind(c.name, c.p); err != nil {
			t.Fatal(err)
		}
		i := r.Interface(c.name)
		i.SetAddress(c.addr)
		i.SetShutdown(false)
	}
	return l
}

func (l *lab) gi(n int) *Interface {
	return l.r.Interface("GigabitEthernet0/" + string(rune('0'+n)))
}

func udpPkt(src, dst netip.Addr, sport, dport uint16, ttl uint8, data []byte) []byte {
	b := make([]byte, 64+len(data))
	return b[:packet.BuildUDP(b, src, dst, sport, dport, 1, ttl, 0, data)]
}

func tcpPkt(src, dst netip.Addr, ttl uint8, data []byte) []byte {
	b := make([]byte, 64+len(data))
	return b[:packet.BuildTCP(b, src, dst, 40000, 80, 1, 0, packet.TCPSyn, 65535, 1, ttl, data)]
}

func echoPkt(src, dst netip.Addr, id, seq uint16, ttl uint8) []byte {
	b := make([]byte, 100)
	return b[:packet.BuildEcho(b, packet.ICMPEcho, src, dst, id, seq, 1, ttl, 72, nil)]
}

// expect reads the next packet from h, decodes it and checks checksums.
func expect(t *testing.T, h *port.MemHost) ([]byte, packet.Parsed) {
	t.Helper()
	b := h.Recv(2 * time.Second)
	if b == nil {
		t.Fatal("no packet")
	}
	var p packet.Parsed
	if r := p.Decode(b); r != packet.OK {
		t.Fatalf("router sent a bad packet: %v: %x", r, b)
	}
	if !p.TransportChecksumOK(b) {
		t.Fatalf("bad transport checksum: %x", b)
	}
	return b, p
}

// expectNone checks that nothing arrives on h for a short while.
func expectNone(t *testing.T, h *port.MemHost) {
	t.Helper()
	if b := h.Recv(50 * time.Millisecond); b != nil {
		var p packet.Parsed
		p.Decode(b)
		t.Fatalf("unexpected packet %v", p.String())
	}
}

// settle gives the port goroutines a moment. Tests use it only where the
// packet they already received proves the processing they check happened
// (input counters and hooks run before the write), as a margin.
func settle() { time.Sleep(20 * time.Millisecond) }

// responder plays the far side of a link on a MemHost: a next-hop router
// (hop) with hosts behind it (addrs). Packets to anything but hop that
// arrive with TTL 1 get time exceeded from hop; hosts in addrs answer echo
// requests, and UDP with port unreachable; destinations in unreach get
// host unreachable from hop.
type responder struct {
	h     *port.MemHost
	addrs map[netip.Addr]bool
	hop   netip.Addr
	// unreach: destinations the hop answers with host unreachable.
	unreach map[netip.Addr]bool
	stop    chan struct{}
	done    chan struct{}
}

func startResponder(t *testing.T, h *port.MemHost, hop netip.Addr, addrs ...netip.Addr) *responder {
	rs := &responder{h: h, addrs: map[netip.Addr]bool{}, unreach: map[netip.Addr]bool{}, hop: hop, stop: make(chan struct{}), done: make(chan struct{})}
	for _, a := range addrs {
		rs.addrs[a] = true
	}
	go rs.run()
	t.Cleanup(func() { close(rs.stop); <-rs.done })
	return rs
}

func (rs *responder) run() {
	defer close(rs.done)
	out := make([]byte, 70000)
	pending := map[uint16][]byte{} // fragments in arrival order, by IP ID
	send := func(b []byte) {
		if len(b) <= 1400 {
			rs.h.Inject(b)
			return
		}
		for _, f := range fragmentForTest(b, 1400) {
			rs.h.Inject(f)
		}
	}
	for {
		select {
		case <-rs.stop:
			return
		default:
		}
		b := rs.h.Recv(10 * time.Millisecond)
		if b == nil {
			continue
		}
		var p packet.Parsed
		if p.Decode(b) != packet.OK {
			continue
		}
		if p.Frag != packet.NotFragment {
			// Reassemble, trusting in-order delivery over the mem port.
			ip := packet.IPv4(b)
			id := ip.ID()
			if ip.FragmentOffset() == 0 {
				pending[id] = append([]byte(nil), b[:p.TotalLen]...)
			} else if pending[id] != nil {
				pending[id] = append(pending[id], b[p.IHL:p.TotalLen]...)
			}
			if ip.Flags()&packet.IPv4FlagMoreFragments != 0 || pending[id] == nil {
				continue
			}
			b = pending[id]
			delete(pending, id)
			binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
			binary.BigEndian.PutUint16(b[6:], 0)
			packet.IPv4(b).UpdateChecksum()
			if p.Decode(b) != packet.OK {
				continue
			}
		}
		switch {
		case rs.unreach[p.Dst]:
			n := packet.BuildICMPError(out, packet.ICMPDestUnreachable, packet.ICMPHostUnreachable, rs.hop, b, 0, 6)
			rs.h.Inject(out[:n])
		case p.Dst != rs.hop && p.TTL <= 1 && rs.hop.IsValid():
			n := packet.BuildICMPError(out, packet.ICMPTimeExceeded, 0, rs.hop, b, 0, 7)
			rs.h.Inject(out[:n])
		case !rs.addrs[p.Dst]:
		case p.IPProto == packet.ProtoICMP && p.ICMPType == packet.ICMPEcho:
			m := packet.ICMPv4(b[p.L4Off:])
			n := packet.BuildEcho(out, packet.ICMPEchoReply, p.Dst, p.Src, p.ICMPID, m.Seq(), 9, 64, 0, b[p.PayloadOff:p.TotalLen])
			send(out[:n])
		case p.IPProto == packet.ProtoUDP:
			n := packet.BuildICMPError(out, packet.ICMPDestUnreachable, packet.ICMPPortUnreachable, p.Dst, b, 0, 8)
			rs.h.Inject(out[:n])
		}
	}
}
