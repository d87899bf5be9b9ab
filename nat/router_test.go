package nat

import (
	"testing"
	"time"

	"natlab/packet"
	"natlab/port"
)

// routerLab is the whole router over mem ports: pc1 on Gi0/0, the ISP on
// Gi0/1, the server on Gi0/2, configured by CLI as in lab E5 (PAT for
// users, static NAT for the server, an inbound ACL on the outside that
// names the global address).
type routerLab struct {
	*cliLab
	pc1, isp, srv *port.MemHost
}

func newRouterLab(t *testing.T) *routerLab {
	l := &routerLab{cliLab: newCLILab(t)}
	hosts := []**port.MemHost{&l.pc1, &l.isp, &l.srv}
	for i, name := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"} {
		m, h := port.NewMem("mem"+name[len(name)-1:], 1500)
		*hosts[i] = h
		if err := l.r.Bind(name, m); err != nil {
			t.Fatal(err)
		}
		l.r.Interface(name).SetShutdown(false)
	}
	l.script(t, insideRoles+`interface GigabitEthernet0/1
 ip nat outside
 ip access-group OUTSIDE_IN in
 exit
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source static 192.168.2.10 203.0.113.100
ip access-list extended OUTSIDE_IN
 permit tcp any host 203.0.113.100 eq ftp
 permit tcp any any established
 permit icmp any any echo-reply
 permit icmp any any time-exceeded
 deny   ip any any
end
`)
	return l
}

func recv(t *testing.T, h *port.MemHost) ([]byte, packet.Parsed) {
	t.Helper()
	b := h.Recv(2 * time.Second)
	if b == nil {
		t.Fatal("no packet")
	}
	return b, checkPacket(t, b)
}

func noPacket(t *testing.T, h *port.MemHost) {
	t.Helper()
	if b := h.Recv(100 * time.Millisecond); b != nil {
		t.Fatalf("unexpected packet %x", b)
	}
}

func TestWholeRouter(t *testing.T) {
	l := newRouterLab(t)
	pc1, isp, srv := l.pc1, l.isp, l.srv
	mustCross := func(hops ...hop) {
		t.Helper()
		if err := cross(hops, 2*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	mustCross(
		hop{"pc1 -> isp: PAT after routing", pc1, isp, tcpPkt("192.168.1.10", 49732, "203.0.113.10", 21, syn), ap("203.0.113.1:49732"), ap("203.0.113.10:21")},
		hop{"the reply passes the inbound ACL (established) before NAT", isp, pc1, tcpPkt("203.0.113.10", 21, "203.0.113.1", 49732, synack), ap("203.0.113.10:21"), ap("192.168.1.10:49732")},
		hop{"isp -> server's global: the inbound ACL sees the global address", isp, srv, tcpPkt("203.0.113.10", 51022, "203.0.113.100", 21, syn), ap("203.0.113.10:51022"), ap("192.168.2.10:21")},
		hop{"the server's reply", srv, isp, tcpPkt("192.168.2.10", 21, "203.0.113.10", 51022, synack), ap("203.0.113.100:21"), ap("203.0.113.10:51022")},
	)
	// ssh to the server is denied by the ACL, before NAT.
	isp.Inject(tcpPkt("203.0.113.10", 51023, "203.0.113.100", 22, syn))
	noPacket(t, srv)
	for isp.TryRecv() != nil { // the ACL's unreachable, if any
	}
	mustCross(
		hop{"hairpin: pc1 reaches the server by its global address", pc1, srv, tcpPkt("192.168.1.10", 50000, "203.0.113.100", 21, syn), ap("203.0.113.1:50000"), ap("192.168.2.10:21")},
		hop{"hairpin reply", srv, pc1, tcpPkt("192.168.2.10", 21, "203.0.113.1", 50000, synack), ap("203.0.113.100:21"), ap("192.168.1.10:50000")},
	)

	// The router's own time exceeded for a translated inbound packet
	// quotes the global address, never the inside one.
	b := tcpPkt("203.0.113.10", 51030, "203.0.113.100", 21, syn)
	b[8] = 1 // TTL
	fixHeader(b)
	isp.Inject(b)
	e, p := recv(t, isp)
	if p.IPProto != packet.ProtoICMP || p.ICMPType != packet.ICMPTimeExceeded {
		t.Fatalf("expected time exceeded, got %v", &p)
	}
	if p.Src != ip("203.0.113.1") {
		t.Fatalf("time exceeded from %s, want the router's outside address", p.Src)
	}
	if q := quotedBytes(e, &p); dstOf(q) != ip("203.0.113.100") {
		t.Fatalf("time exceeded quotes %s", dstOf(q))
	}
	noPacket(t, srv)

	// pc1 pings the router's outside address: answered by the router.
	pc1.Inject(echoPkt(8, "192.168.1.10", "203.0.113.1", 9))
	_, p = recv(t, pc1)
	if p.ICMPType != packet.ICMPEchoReply || p.Src != ip("203.0.113.1") || p.Dst != ip("192.168.1.10") {
		t.Fatalf("ping the outside address: %v", &p)
	}
	mustCross(hop{"PAT for ICMP echo", pc1, isp, echoPkt(8, "192.168.1.10", "203.0.113.10", 7), ap("203.0.113.1:7"), ap("203.0.113.10:7")})
}
