package router

import (
	"bytes"
	"testing"
	"time"

	"natlab/packet"
	"natlab/port"
)

// FuzzForward feeds arbitrary bytes into a mem port of a configured router
// (static route, loopback, a hook that rewrites) and checks that the router
// survives and sends only well-formed packets.
func FuzzForward(f *testing.F) {
	f.Add(tcpPkt(pc1, isp, 64, []byte("hello")))
	f.Add(udpPkt(pc1, r1Inside.Addr(), 1, 33434, 1, nil))
	f.Add(echoPkt(pc1, r1Outside.Addr(), 1, 2, 64))
	f.Add(echoPkt(pc1, mustAddr("192.168.1.255"), 1, 2, 64))
	f.Add(udpPkt(pc1, isp, 1, 2, 1, nil))
	f.Add(tcpPkt(pc1, unroutable, 64, nil))
	f.Add([]byte{0x45, 0, 0, 20})
	l := newLab(f)
	l.r.SetICMPRateLimit(-1)
	l.r.Loopback(0).SetAddress(mustPrefix("10.255.0.1/32"))
	l.r.AddStaticRoute(StaticRoute{Prefix: mustPrefix("10.0.0.0/8"), NextHop: isp})
	l.gi(1).SetMTU(576)
	l.r.AddHook(HookPostRouting, 100, HookFunc(func(p *Packet) Verdict {
		if p.P.HasPorts() {
			p.P.SetSrcPort(p.Buf, 1024)
		}
		return Accept
	}))
	check := func(t *testing.T, m []byte) {
		var p packet.Parsed
		if r := p.Decode(m); r != packet.OK {
			t.Fatalf("router sent a malformed packet (%v): %x", r, m)
		}
	}
	// through injects b on one side, then a marker packet behind it; the
	// port goroutine works in order, so once the marker is out, whatever b
	// caused has been written on both sides.
	through := func(t *testing.T, from, to *port.MemHost, b, marker []byte) {
		from.Inject(b)
		for start := time.Now(); from.Inject(marker) != nil; {
			if time.Since(start) > 5*time.Second {
				t.Fatal("port stuck")
			}
			time.Sleep(time.Millisecond)
		}
		for {
			m := to.Recv(5 * time.Second)
			if m == nil {
				t.Fatal("marker lost")
			}
			if len(m) == len(marker) && bytes.Equal(m[28:], marker[28:]) {
				break
			}
			check(t, m)
		}
		for m := from.TryRecv(); m != nil; m = from.TryRecv() {
			check(t, m)
		}
	}
	toISP := udpPkt(pc1, isp, 7, 7, 64, []byte("marker"))
	toPC := udpPkt(isp, pc1, 7, 7, 64, []byte("marker"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1500 {
			b = b[:1500]
		}
		through(t, l.inside, l.outside, b, toISP)
		through(t, l.outside, l.inside, b, toPC)
	})
}
