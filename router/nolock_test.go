package router

import (
	"testing"
	"time"

	"natlab/packet"
	"natlab/port"
)

// TestPacketPathTakesNoConfigLock forwards packets, answers pings to the
// router, sends ICMP errors and pings from the router while the
// configuration lock is held: the packet path reads only the published
// snapshot, so none of it waits for a configuration change.
func TestPacketPathTakesNoConfigLock(t *testing.T) {
	l := newLab(t)
	l.r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("198.51.100.0/24"), NextHop: isp})
	release := l.r.HoldConfig()
	defer release()

	cases := []struct {
		name     string
		from, to *port.MemHost
		pkt      []byte
		want     func(p *packet.Parsed) bool
	}{
		{"forwarded to a connected host", l.inside, l.outside, udpPkt(pc1, isp, 1, 2, 64, nil),
			func(p *packet.Parsed) bool { return p.Dst == isp && p.TTL == 63 }},
		{"forwarded by a static route", l.inside, l.outside, tcpPkt(pc1, farAway, 64, nil),
			func(p *packet.Parsed) bool { return p.Dst == farAway }},
		{"echo to the router", l.inside, l.inside, echoPkt(pc1, r1Outside.Addr(), 7, 1, 64),
			func(p *packet.Parsed) bool { return p.ICMPType == packet.ICMPEchoReply && p.Src == r1Outside.Addr() }},
		{"time exceeded", l.inside, l.inside, udpPkt(pc1, isp, 1, 2, 1, nil),
			func(p *packet.Parsed) bool { return p.ICMPType == packet.ICMPTimeExceeded }},
		{"no route", l.outside, l.outside, udpPkt(isp, unroutable, 1, 2, 64, nil),
			func(p *packet.Parsed) bool {
				return p.ICMPType == packet.ICMPDestUnreachable && p.ICMPCode == packet.ICMPHostUnreachable
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.from.Inject(c.pkt)
			b := c.to.Recv(time.Second)
			if b == nil {
				t.Fatal("nothing came out while the configuration lock was held")
			}
			var p packet.Parsed
			if p.Decode(b) != packet.OK || !c.want(&p) {
				t.Fatalf("got %v", p.String())
			}
		})
	}
	t.Run("ping from the router", func(t *testing.T) {
		startResponder(t, l.outside, isp, isp)
		marks := make(chan string, 1)
		go func() { marks <- pingMarks(l.r, isp, PingOptions{Count: 2, Timeout: time.Second}) }()
		select {
		case got := <-marks:
			if got != "!!" {
				t.Fatalf("ping while the configuration lock was held: %q", got)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("ping waits for the configuration lock")
		}
	})
}
