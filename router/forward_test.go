package router

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"

	"natlab/packet"
)

func TestChassisBootsShutdown(t *testing.T) {
	r := New(Options{})
	defer r.Close()
	ifs := r.Interfaces()
	if len(ifs) != 4 {
		t.Fatalf("%d interfaces", len(ifs))
	}
	for k, i := range ifs {
		if want := "GigabitEthernet0/" + string(rune('0'+k)); i.Name() != want || i.Index() != k {
			t.Errorf("interface %d = %s/%d", k, i.Name(), i.Index())
		}
		if !i.Shutdown() || i.Bound() || i.LineUp() || i.MTU() != 1500 {
			t.Errorf("%s: shutdown=%v bound=%v up=%v mtu=%d", i.Name(), i.Shutdown(), i.Bound(), i.LineUp(), i.MTU())
		}
	}
	lo := r.Loopback(5)
	lo0 := r.Loopback(0)
	if lo.Shutdown() || !lo.LineUp() || r.Loopback(5) != lo {
		t.Errorf("loopback state")
	}
	ifs = r.Interfaces()
	if len(ifs) != 6 || ifs[4] != lo0 || ifs[5] != lo {
		t.Errorf("order: %v", names(ifs))
	}
	if err := r.RemoveInterface("GigabitEthernet0/0"); err == nil {
		t.Error("removed a physical interface")
	}
	if err := r.RemoveInterface("Loopback5"); err != nil || r.Interface("Loopback5") != nil {
		t.Errorf("remove loopback: %v", err)
	}
	if r.Loopback(7).Index() != lo.Index() {
		t.Error("free index not reused")
	}
}

func names(ifs []*Interface) []string {
	var s []string
	for _, i := range ifs {
		s = append(s, i.Name())
	}
	return s
}

func TestForward(t *testing.T) {
	l := newLab(t)
	data := []byte("GET / HTTP/1.0\r\n\r\n")
	in := tcpPkt(pc1, isp, 64, data)
	l.inside.Inject(in)
	b, p := expect(t, l.outside)
	if p.Src != pc1 || p.Dst != isp || p.TTL != 63 || p.DstPort != 80 {
		t.Errorf("forwarded %v ttl %d", p.String(), p.TTL)
	}
	if !bytes.Equal(b[p.PayloadOff:], data) {
		t.Error("payload changed")
	}
	if packet.IPv4(b).Checksum() != packet.IPv4(b).CalculateChecksum() {
		t.Error("header checksum")
	}
	// And back.
	l.outside.Inject(udpPkt(isp, pc1, 53, 5353, 5, []byte("answer")))
	_, p = expect(t, l.inside)
	if p.Src != isp || p.Dst != pc1 || p.TTL != 4 {
		t.Errorf("back: %v ttl %d", p.String(), p.TTL)
	}
	// Output counters are updated after the write: wait for them.
	var c0, c1 Counters
	for k := 0; k < 200; k++ {
		if c0, c1 = l.gi(0).Counters(), l.gi(1).Counters(); c0.OutPackets == 1 && c1.OutPackets == 1 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if c0.InPackets != 1 || c0.InBytes != uint64(len(in)) || c0.OutPackets != 1 || c1.InPackets != 1 || c1.OutPackets != 1 {
		t.Errorf("counters %+v %+v", c0, c1)
	}
	if c0.LastInput.IsZero() || c1.LastOutput.IsZero() {
		t.Error("last input/output not set")
	}
	l.gi(0).ClearCounters()
	if c := l.gi(0).Counters(); c.InPackets != 0 || c.OutBytes != 0 || c.Cleared.IsZero() || c.LastInput.IsZero() {
		t.Errorf("after clear: %+v", c)
	}
}

func TestTTLExceeded(t *testing.T) {
	l := newLab(t)
	orig := udpPkt(pc1, isp, 40000, 33434, 1, nil)
	l.inside.Inject(orig)
	b, p := expect(t, l.inside)
	if p.IPProto != packet.ProtoICMP || p.ICMPType != packet.ICMPTimeExceeded || p.ICMPCode != 0 ||
		p.Src != r1Inside.Addr() || p.Dst != pc1 {
		t.Fatalf("got %v", p.String())
	}
	if q := b[p.PayloadOff:]; !bytes.Equal(q, orig[:28]) {
		t.Errorf("quoted %x, want %x", q, orig[:28])
	}
	expectNone(t, l.outside)
	settle()
	if c := l.gi(0).Counters(); c.InDrops != 1 {
		t.Errorf("InDrops %d", c.InDrops)
	}
	// Time exceeded is not rate-limited (IOS limits only unreachables).
	l.inside.Inject(orig)
	expect(t, l.inside)
}

func TestUnreachableRateLimited(t *testing.T) {
	l := newLab(t)
	l.inside.Inject(tcpPkt(pc1, unroutable, 64, nil))
	_, p := expect(t, l.inside)
	if p.ICMPType != packet.ICMPDestUnreachable || p.ICMPCode != packet.ICMPHostUnreachable || p.Src != r1Inside.Addr() {
		t.Fatalf("got %v", p.String())
	}
	// Within 500 ms: suppressed.
	l.clock.Advance(100 * time.Millisecond)
	l.inside.Inject(tcpPkt(pc1, unroutable, 64, nil))
	expectNone(t, l.inside)
	// The limit is per interface: the outside still gets one.
	l.outside.Inject(tcpPkt(isp, unroutable, 64, nil))
	expect(t, l.outside)
	l.clock.Advance(500 * time.Millisecond)
	l.inside.Inject(tcpPkt(pc1, unroutable, 64, nil))
	expect(t, l.inside)
	settle()
	if c := l.gi(0).Counters(); c.InDrops != 3 {
		t.Errorf("InDrops %d", c.InDrops)
	}
	// No errors about ICMP errors.
	l.clock.Advance(time.Second)
	e := make([]byte, 100)
	e = e[:packet.BuildICMPError(e, packet.ICMPDestUnreachable, 1, pc1, udpPkt(unroutable, pc1, 1, 2, 9, nil), 0, 1)]
	packet.IPv4(e).SetDst(unroutable)
	l.inside.Inject(e)
	expectNone(t, l.inside)
}

func TestEchoToRouter(t *testing.T) {
	l := newLab(t)
	l.r.Loopback(0).SetAddress(mustPrefix("10.255.0.1/32"))
	for _, dst := range []string{"192.168.1.1", "203.0.113.1", "10.255.0.1", "192.168.1.255"} {
		t.Run(dst, func(t *testing.T) {
			d := mustAddr(dst)
			req := echoPkt(pc1, d, 0x77, 3, 1) // TTL 1 still reaches the router
			l.clock.Advance(time.Second)
			l.inside.Inject(req)
			b, p := expect(t, l.inside)
			want := d
			if dst == "192.168.1.255" {
				want = r1Inside.Addr()
			}
			if p.ICMPType != packet.ICMPEchoReply || p.Src != want || p.Dst != pc1 || p.ICMPID != 0x77 {
				t.Fatalf("got %v", p.String())
			}
			if packet.ICMPv4(b[p.L4Off:]).Seq() != 3 || !bytes.Equal(b[p.PayloadOff:], req[28:]) {
				t.Error("seq or data not echoed")
			}
		})
	}
	settle()
	if c := l.gi(0).Counters(); c.InBroadcasts != 1 {
		t.Errorf("InBroadcasts %d", c.InBroadcasts)
	}
}

func TestUDPToRouterPortUnreachable(t *testing.T) {
	l := newLab(t)
	orig := udpPkt(isp, r1Inside.Addr(), 40000, 33434, 1, []byte("probe"))
	l.outside.Inject(orig)
	b, p := expect(t, l.outside)
	if p.ICMPType != packet.ICMPDestUnreachable || p.ICMPCode != packet.ICMPPortUnreachable || p.Src != r1Inside.Addr() || p.Dst != isp {
		// From the address probed, so a traceroute to it ends with it.
		t.Fatalf("got %v", p.String())
	}
	if !bytes.Equal(b[p.PayloadOff:], orig[:28]) {
		t.Error("quote")
	}
}

func TestShutdownDrops(t *testing.T) {
	l := newLab(t)
	var changes []string
	l.r.OnLinkChange(func(i *Interface, up bool) {
		s := "down"
		if up {
			s = "up"
		}
		changes = append(changes, i.Name()+" "+s)
	})
	l.gi(1).SetShutdown(true)
	if l.outside.AdminUp() {
		t.Error("port link still up after shutdown")
	}
	if len(changes) != 1 || changes[0] != "GigabitEthernet0/1 down" {
		t.Errorf("link changes %v", changes)
	}
	// The connected route is gone: unreachable back to the sender.
	l.inside.Inject(tcpPkt(pc1, isp, 64, nil))
	_, p := expect(t, l.inside)
	if p.ICMPType != packet.ICMPDestUnreachable {
		t.Errorf("got %v", p.String())
	}
	expectNone(t, l.outside)
	if _, ok := l.r.Lookup(isp); ok {
		t.Error("route to a shut interface")
	}
	// Shut the inside: nothing enters.
	l.gi(0).SetShutdown(true)
	if err := l.inside.Inject(tcpPkt(pc1, isp, 64, nil)); err == nil {
		t.Error("inject into a shut interface accepted")
	}
	l.gi(0).SetShutdown(false)
	l.gi(1).SetShutdown(false)
	if len(changes) != 4 {
		t.Errorf("link changes %v", changes)
	}
	l.inside.Inject(tcpPkt(pc1, isp, 64, nil))
	expect(t, l.outside)

	// Carrier loss on the far side takes the line down too.
	l.outside.SetCarrier(false)
	waitFor := func(want bool) {
		for k := 0; k < 100 && l.gi(1).LineUp() != want; k++ {
			time.Sleep(5 * time.Millisecond)
		}
		if l.gi(1).LineUp() != want {
			t.Fatalf("LineUp != %v", want)
		}
	}
	waitFor(false)
	l.outside.SetCarrier(true)
	waitFor(true)
}

func TestMalformedCountedAsInputErrors(t *testing.T) {
	l := newLab(t)
	good := tcpPkt(pc1, isp, 64, []byte("x"))
	mod := func(f func(b []byte)) []byte {
		c := append([]byte(nil), good...)
		f(c)
		return c
	}
	bad := [][]byte{
		{},
		{0x45},
		good[:19],
		mod(func(b []byte) { b[0] = 0x55 }),
		mod(func(b []byte) { b[0] = 0x43 }),
		mod(func(b []byte) { binary.BigEndian.PutUint16(b[2:], 1000); packet.IPv4(b).UpdateChecksum() }),
		mod(func(b []byte) { b[11]++ }),
		mod(func(b []byte) { b[32] = 0x10; packet.IPv4(b).UpdateChecksum() }),
	}
	for _, b := range bad {
		l.inside.Inject(b)
	}
	v6 := make([]byte, 48)
	v6[0] = 0x60
	l.inside.Inject(v6)
	l.inside.Inject(good)
	_, p := expect(t, l.outside)
	if p.Dst != isp {
		t.Fatal("good packet lost")
	}
	expectNone(t, l.outside)
	expectNone(t, l.inside)
	if c := l.gi(0).Counters(); c.InErrors != uint64(len(bad)) || c.InPackets != uint64(len(bad)+2) || c.InUnknownProto != 1 {
		t.Errorf("InErrors %d InPackets %d InUnknownProto %d, want %d %d 1", c.InErrors, c.InPackets, c.InUnknownProto, len(bad), len(bad)+2)
	}
}

func TestFragmentation(t *testing.T) {
	l := newLab(t)
	l.gi(1).SetMTU(576)
	data := make([]byte, 1000)
	for k := range data {
		data[k] = byte(k)
	}
	l.inside.Inject(udpPkt(pc1, isp, 1, 2, 64, data))
	var got []byte
	for k := 0; ; k++ {
		b, p := expect(t, l.outside)
		ip := packet.IPv4(b)
		if len(b) > 576 || ip.FragmentOffset() != len(got) {
			t.Fatalf("fragment %d: len %d offset %d", k, len(b), ip.FragmentOffset())
		}
		got = append(got, b[p.IHL:]...)
		if ip.Flags()&packet.IPv4FlagMoreFragments == 0 {
			break
		}
	}
	if len(got) != 8+len(data) || !bytes.Equal(got[8:], data) {
		t.Error("reassembled payload differs")
	}
	// DF set: fragmentation needed with the MTU.
	df := udpPkt(pc1, isp, 1, 2, 64, data)
	setDF(df)
	l.inside.Inject(df)
	b, p := expect(t, l.inside)
	if p.ICMPType != packet.ICMPDestUnreachable || p.ICMPCode != packet.ICMPFragNeeded || packet.ICMPv4(b[p.L4Off:]).MTU() != 576 {
		t.Errorf("got %v mtu %d", p.String(), packet.ICMPv4(b[p.L4Off:]).MTU())
	}
}

func TestRouterRefusesTCPAndUnknownProtocols(t *testing.T) {
	l := newLab(t)
	syn := tcpPkt(pc1, r1Outside.Addr(), 64, nil)
	l.inside.Inject(syn)
	b, p := expect(t, l.inside)
	seg := packet.TCP(b[p.L4Off:])
	if p.IPProto != packet.ProtoTCP || p.TCPFlags != packet.TCPRst|packet.TCPAck || p.Src != r1Outside.Addr() ||
		p.SrcPort != 80 || p.DstPort != 40000 || seg.Ack() != 2 || seg.Seq() != 0 {
		t.Errorf("got %v flags %#x seq %d ack %d", p.String(), p.TCPFlags, seg.Seq(), seg.Ack())
	}
	gre := tcpPkt(pc1, r1Inside.Addr(), 64, nil)
	gre[9] = 47
	packet.IPv4(gre).UpdateChecksum()
	l.inside.Inject(gre)
	_, p = expect(t, l.inside)
	if p.ICMPType != packet.ICMPDestUnreachable || p.ICMPCode != packet.ICMPProtoUnreachable {
		t.Errorf("got %v", p.String())
	}
}

func TestNoIPUnreachables(t *testing.T) {
	l := newLab(t)
	l.gi(0).SetUnreachables(false)
	if l.gi(0).Unreachables() || !l.gi(1).Unreachables() {
		t.Fatal("setting not kept")
	}
	l.inside.Inject(tcpPkt(pc1, unroutable, 64, nil))
	l.inside.Inject(udpPkt(pc1, r1Inside.Addr(), 1, 2, 64, nil))
	expectNone(t, l.inside)
	// Time exceeded is not an unreachable.
	l.inside.Inject(udpPkt(pc1, isp, 1, 2, 1, nil))
	if _, p := expect(t, l.inside); p.ICMPType != packet.ICMPTimeExceeded {
		t.Errorf("got %v", p.String())
	}
}
