package nat

import (
	"net/netip"
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
	l.script(t, `
configure terminal
interface GigabitEthernet0/0
 ip nat inside
interface GigabitEthernet0/2
 ip nat inside
interface GigabitEthernet0/1
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

func addrPort(a netip.Addr, p uint16) netip.AddrPort { return netip.AddrPortFrom(a, p) }

func TestWholeRouter(t *testing.T) {
	l := newRouterLab(t)

	// pc1 -> isp: PAT after routing.
	l.pc1.Inject(tcpPkt("192.168.1.10", 49732, "203.0.113.10", 21, syn))
	_, p := recv(t, l.isp)
	if addrPort(p.Src, p.SrcPort) != ap("203.0.113.1:49732") {
		t.Fatalf("isp saw %s:%d", p.Src, p.SrcPort)
	}
	// The reply passes the inbound ACL (established) before NAT.
	l.isp.Inject(tcpPkt("203.0.113.10", 21, "203.0.113.1", 49732, synack))
	_, p = recv(t, l.pc1)
	if addrPort(p.Dst, p.DstPort) != ap("192.168.1.10:49732") {
		t.Fatalf("pc1 got %s:%d", p.Dst, p.DstPort)
	}

	// isp -> server's global: the inbound ACL sees the global address.
	l.isp.Inject(tcpPkt("203.0.113.10", 51022, "203.0.113.100", 21, syn))
	_, p = recv(t, l.srv)
	if addrPort(p.Dst, p.DstPort) != ap("192.168.2.10:21") {
		t.Fatalf("server got %s:%d", p.Dst, p.DstPort)
	}
	l.srv.Inject(tcpPkt("192.168.2.10", 21, "203.0.113.10", 51022, synack))
	_, p = recv(t, l.isp)
	if addrPort(p.Src, p.SrcPort) != ap("203.0.113.100:21") {
		t.Fatalf("isp got reply from %s:%d", p.Src, p.SrcPort)
	}
	// ssh to the server is denied by the ACL, before NAT.
	l.isp.Inject(tcpPkt("203.0.113.10", 51023, "203.0.113.100", 22, syn))
	noPacket(t, l.srv)
	for l.isp.TryRecv() != nil { // the ACL's unreachable, if any
	}

	// Hairpin: pc1 reaches the server by its global address.
	l.pc1.Inject(tcpPkt("192.168.1.10", 50000, "203.0.113.100", 21, syn))
	_, p = recv(t, l.srv)
	if addrPort(p.Src, p.SrcPort) != ap("203.0.113.1:50000") || addrPort(p.Dst, p.DstPort) != ap("192.168.2.10:21") {
		t.Fatalf("hairpin: server got %s:%d -> %s:%d", p.Src, p.SrcPort, p.Dst, p.DstPort)
	}
	l.srv.Inject(tcpPkt("192.168.2.10", 21, "203.0.113.1", 50000, synack))
	_, p = recv(t, l.pc1)
	if addrPort(p.Src, p.SrcPort) != ap("203.0.113.100:21") || addrPort(p.Dst, p.DstPort) != ap("192.168.1.10:50000") {
		t.Fatalf("hairpin reply: pc1 got %s:%d -> %s:%d", p.Src, p.SrcPort, p.Dst, p.DstPort)
	}

	// The router's own time exceeded for a translated inbound packet
	// quotes the global address, never the inside one.
	b := tcpPkt("203.0.113.10", 51030, "203.0.113.100", 21, syn)
	b[8] = 1 // TTL
	fixHeader(b)
	l.isp.Inject(b)
	e, p := recv(t, l.isp)
	if p.IPProto != packet.ProtoICMP || p.ICMPType != 11 {
		t.Fatalf("expected time exceeded, got %v", &p)
	}
	if p.Src != ip("203.0.113.1") {
		t.Fatalf("time exceeded from %s, want the router's outside address", p.Src)
	}
	if q := quotedBytes(e, &p); dstOf(q) != ip("203.0.113.100") {
		t.Fatalf("time exceeded quotes %s", dstOf(q))
	}
	noPacket(t, l.srv)

	// pc1 pings the router's outside address: answered by the router.
	l.pc1.Inject(echoPkt(8, "192.168.1.10", "203.0.113.1", 9))
	_, p = recv(t, l.pc1)
	if p.ICMPType != 0 || p.Src != ip("203.0.113.1") || p.Dst != ip("192.168.1.10") {
		t.Fatalf("ping the outside address: %v", &p)
	}

	// PAT for ICMP echo.
	l.pc1.Inject(echoPkt(8, "192.168.1.10", "203.0.113.10", 7))
	_, p = recv(t, l.isp)
	if p.Src != ip("203.0.113.1") || p.ICMPID != 7 {
		t.Fatalf("echo: %s id %d", p.Src, p.ICMPID)
	}
}
