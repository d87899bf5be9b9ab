package nat

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/packet"
)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// An FTP client behind PAT in active mode: the inspection looks up the
// control connection, maps the announced data port and the server's
// connection from port 20 comes in.
func TestFTPActiveThroughPAT(t *testing.T) {
	l := newLab(t).reference(t)
	l.Outbound(tcpPkt("192.168.1.10", 40000, "203.0.113.10", 21, syn))
	tr, ok := l.LookupFlow(packet.ProtoTCP, ap("192.168.1.10:40000"), ap("203.0.113.10:21"), true)
	if !ok || tr.InsideGlobal != ap("203.0.113.1:40000") {
		t.Fatalf("control lookup: %+v %v", tr, ok)
	}
	if tr2, ok := l.LookupFlow(packet.ProtoTCP, ap("203.0.113.10:21"), ap("203.0.113.1:40000"), false); !ok || tr2 != tr {
		t.Fatalf("lookup from outside: %+v", tr2)
	}
	// Another host already holds global port 5001: the data port moves.
	l.Outbound(tcpPkt("192.168.1.11", 5001, "203.0.113.10", 80, syn))
	g, err := l.MapData(packet.ProtoTCP, ap("192.168.1.10:5001"), tr.InsideGlobal.Addr(), ip("203.0.113.10"), time.Minute)
	if err != nil || g != ap("203.0.113.1:1024") {
		t.Fatalf("map data: %v %v", g, err)
	}
	l.run(t, []step{
		{"another host cannot use the pinhole", "in", tcpPkt("203.0.113.66", 20, "203.0.113.1", 1024, syn), Pass, "203.0.113.66", 20, "203.0.113.1", 1024},
		{"server's data connection", "in", tcpPkt("203.0.113.10", 20, "203.0.113.1", 1024, syn), Created, "203.0.113.10", 20, "192.168.1.10", 5001},
		{"client answers", "out", tcpPkt("192.168.1.10", 5001, "203.0.113.10", 20, synack), Hit, "203.0.113.1", 1024, "203.0.113.10", 20},
		{"only one connection is admitted", "in", tcpPkt("203.0.113.10", 21000, "203.0.113.1", 1024, syn), Pass, "203.0.113.10", 21000, "203.0.113.1", 1024},
	})
	// Reserve and release.
	p, err := l.ReserveGlobalPort(packet.ProtoTCP, ip("203.0.113.1"), 40000)
	if err != nil || p == 40000 {
		t.Fatalf("reserve: %d %v (40000 is the control connection's)", p, err)
	}
	l.ReleaseGlobalPort(packet.ProtoTCP, ip("203.0.113.1"), p)
	if p2, _ := l.ReserveGlobalPort(packet.ProtoTCP, ip("203.0.113.1"), p); p2 != p {
		t.Fatalf("released port not free: %d", p2)
	}
	// An unused mapping can be given back early.
	g, _ = l.MapData(packet.ProtoTCP, ap("192.168.1.10:5003"), tr.InsideGlobal.Addr(), ip("203.0.113.10"), time.Minute)
	l.UnmapData(packet.ProtoTCP, ap("192.168.1.10:5003"))
	if _, ok := l.patByGlobal[bindKey{g.Addr().As4(), g.Port(), packet.ProtoTCP}]; ok {
		t.Fatal("unmapped data mapping kept")
	}
	// An unused mapping goes when its time is up.
	g, _ = l.MapData(packet.ProtoTCP, ap("192.168.1.10:5002"), tr.InsideGlobal.Addr(), ip("203.0.113.10"), time.Minute)
	l.clock.Advance(61 * time.Second)
	l.Sweep()
	if _, ok := l.patByGlobal[bindKey{g.Addr().As4(), g.Port(), packet.ProtoTCP}]; ok {
		t.Fatal("expired data mapping kept")
	}
	// A server behind static NAT keeps its static translation.
	g, err = l.MapData(packet.ProtoTCP, ap("192.168.2.10:3001"), ip("203.0.113.100"), netip.Addr{}, time.Minute)
	if err != nil || g != ap("203.0.113.100:3001") {
		t.Fatalf("static server: %v %v", g, err)
	}
}

// TestApplDoors: show ip nat statistics counts the data mappings waiting
// for their connection as application doors, and stops counting one once
// its connection comes or it is given back.
func TestApplDoors(t *testing.T) {
	l := newLab(t).reference(t)
	doors := func() string {
		var b strings.Builder
		l.WriteStatistics(&b)
		out := b.String()
		return out[strings.Index(out, "Total doors"):]
	}
	if got := doors(); got != "Total doors: 0\nAppl doors: 0\nNormal doors: 0\nQueued Packets: 0\n" {
		t.Fatalf("no mapping:\n%s", got)
	}
	l.Outbound(tcpPkt("192.168.1.10", 40000, "203.0.113.10", 21, syn))
	tr, _ := l.LookupFlow(packet.ProtoTCP, ap("192.168.1.10:40000"), ap("203.0.113.10:21"), true)
	g, _ := l.MapData(packet.ProtoTCP, ap("192.168.1.10:5001"), tr.InsideGlobal.Addr(), ip("203.0.113.10"), time.Minute)
	l.MapData(packet.ProtoTCP, ap("192.168.1.10:5002"), tr.InsideGlobal.Addr(), ip("203.0.113.10"), time.Minute)
	if got := doors(); !strings.HasPrefix(got, "Total doors: 2\nAppl doors: 2\n") {
		t.Fatalf("two mappings waiting:\n%s", got)
	}
	l.Inbound(tcpPkt("203.0.113.10", 20, g.Addr().String(), g.Port(), syn))
	l.UnmapData(packet.ProtoTCP, ap("192.168.1.10:5002"))
	if got := doors(); !strings.HasPrefix(got, "Total doors: 0\nAppl doors: 0\n") {
		t.Fatalf("one used, one given back:\n%s", got)
	}
}
