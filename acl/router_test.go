package acl

import (
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
	"natlab/port"
	"natlab/router"
)

// aclLab is pc1 -- Gi0/0 [R1] Gi0/1 -- isp, and srv -- Gi0/2, over mem
// ports, with the acl feature registered and a session in config mode.
type aclLab struct {
	r                    *router.Router
	e                    *ios.Engine
	a                    *ACLs
	s                    *ios.Session
	out                  *strings.Builder
	inside, outside, srv *port.MemHost
}

var (
	pc1Addr = netip.MustParseAddr("192.168.1.10")
	ispAddr = netip.MustParseAddr("203.0.113.10")
	srvAddr = netip.MustParseAddr("192.168.2.10")
)

func newACLLab(t *testing.T) *aclLab {
	return newACLLabWith(t, "192.168.1.1/24", "203.0.113.1/24", "192.168.2.1/24")
}

// newACLLabWith gives Gi0/0, Gi0/1 and Gi0/2 these addresses.
func newACLLabWith(t *testing.T, gi0, gi1, gi2 string) *aclLab {
	t.Helper()
	r := router.New(router.Options{Interfaces: 4})
	t.Cleanup(func() { r.Close() })
	r.SetICMPRateLimit(-1) // every denied probe gets its unreachable
	l := &aclLab{r: r}
	hosts := []**port.MemHost{&l.inside, &l.outside, &l.srv}
	for i, pfx := range []string{gi0, gi1, gi2} {
		m, h := port.NewMem("mem", 1500)
		*hosts[i] = h
		name := "GigabitEthernet0/" + string(rune('0'+i))
		if err := r.Bind(name, m); err != nil {
			t.Fatal(err)
		}
		r.Interface(name).SetAddress(netip.MustParsePrefix(pfx))
		r.Interface(name).SetShutdown(false)
	}
	l.e, l.a = newTestCLI(t, r)
	l.out = &strings.Builder{}
	l.s = l.e.NewSession(l.out)
	l.s.SetMode(ios.Config)
	l.s.SetLogging(false) // log lines are checked in the buffer
	return l
}

func (l *aclLab) config(t *testing.T, lines string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSpace(lines), "\n") {
		l.out.Reset()
		if !l.s.Execute(strings.TrimSpace(line)) {
			t.Fatalf("%q: %s", line, l.out.String())
		}
	}
	l.a.Sync()
}

func (l *aclLab) exec(line string) string {
	l.out.Reset()
	l.s.Execute("do " + line)
	return l.out.String()
}

func tcpSyn(src, dst netip.Addr, sport, dport uint16, flags uint8) []byte {
	b := make([]byte, 64)
	return b[:packet.BuildTCP(b, src, dst, sport, dport, 1, 0, flags, 65535, 1, 64, nil)]
}

func echo(typ uint8, src, dst netip.Addr) []byte {
	b := make([]byte, 100)
	return b[:packet.BuildEcho(b, typ, src, dst, 7, 1, 1, 64, 56, nil)]
}

// recv returns the next packet h gets, decoded, or fails.
func recv(t *testing.T, h *port.MemHost) packet.Parsed {
	t.Helper()
	b := h.Recv(2 * time.Second)
	if b == nil {
		t.Fatal("no packet")
	}
	var p packet.Parsed
	if r := p.Decode(b); r != packet.OK {
		t.Fatalf("bad packet: %v", r)
	}
	return p
}

func none(t *testing.T, h *port.MemHost) {
	t.Helper()
	if b := h.Recv(60 * time.Millisecond); b != nil {
		var p packet.Parsed
		p.Decode(b)
		t.Fatalf("unexpected packet %v", p.String())
	}
}

func isProhibited(p packet.Parsed) bool {
	return p.IPProto == packet.ProtoICMP && p.ICMPType == packet.ICMPDestUnreachable && p.ICMPCode == packet.ICMPAdminProhibited
}

// TestInboundACLOnOutside is E5's inbound list (without NAT): FTP control
// to the server, return traffic and echo replies pass; the rest is denied
// with an administratively-prohibited unreachable and logged.
func TestInboundACLOnOutside(t *testing.T) {
	l := newACLLab(t)
	l.config(t, `
ip access-list extended OUTSIDE_IN
 permit tcp any host 192.168.2.10 eq ftp
 permit tcp any any established
 permit icmp any any echo-reply
 deny ip any any log
interface GigabitEthernet0/1
 ip access-group OUTSIDE_IN in`)

	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 21, packet.TCPSyn))
	if p := recv(t, l.srv); p.DstPort != 21 {
		t.Fatalf("ftp control: got %v", p.String())
	}
	l.outside.Inject(tcpSyn(ispAddr, pc1Addr, 80, 40001, packet.TCPAck))
	if p := recv(t, l.inside); p.SrcPort != 80 {
		t.Fatalf("established: got %v", p.String())
	}
	l.outside.Inject(echo(packet.ICMPEchoReply, ispAddr, pc1Addr))
	if p := recv(t, l.inside); p.ICMPType != packet.ICMPEchoReply {
		t.Fatalf("echo reply: got %v", p.String())
	}

	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 22, packet.TCPSyn))
	none(t, l.srv)
	if p := recv(t, l.outside); !isProhibited(p) || p.Dst != ispAddr {
		t.Fatalf("ssh: want admin prohibited to the isp, got %v", p.String())
	}
	// Echo requests to the router itself are filtered too.
	l.outside.Inject(echo(packet.ICMPEcho, ispAddr, netip.MustParseAddr("203.0.113.1")))
	if p := recv(t, l.outside); !isProhibited(p) {
		t.Fatalf("ping to the router: got %v", p.String())
	}

	show := l.exec("show access-lists OUTSIDE_IN")
	want := `Extended IP access list OUTSIDE_IN
    10 permit tcp any host 192.168.2.10 eq ftp (1 match)
    20 permit tcp any any established (1 match)
    30 permit icmp any any echo-reply (1 match)
    40 deny ip any any log (2 matches)
`
	if show != want {
		t.Errorf("show access-lists:\n%s\nwant:\n%s", show, want)
	}
	waitLog(t, l.e, "%SEC-6-IPACCESSLOGP: list OUTSIDE_IN denied tcp 203.0.113.10(40000) -> 192.168.2.10(22), 1 packet")
	waitLog(t, l.e, "%SEC-6-IPACCESSLOGDP: list OUTSIDE_IN denied icmp 203.0.113.10 -> 203.0.113.1 (8/0), 1 packet")

	// no ip unreachables: denied silently.
	l.config(t, "interface GigabitEthernet0/1\n no ip unreachables")
	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 23, packet.TCPSyn))
	none(t, l.outside)
	none(t, l.srv)

	l.exec("clear access-list counters OUTSIDE_IN")
	if show := l.exec("show access-lists OUTSIDE_IN"); strings.Contains(show, "match") {
		t.Errorf("counters not cleared:\n%s", show)
	}
}

func waitLog(t *testing.T, e *ios.Engine, msg string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		for _, l := range e.LogBuffer() {
			if strings.HasSuffix(l, ": "+msg) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("log line %q not found in:\n%s", msg, strings.Join(e.LogBuffer(), "\n"))
}

// TestOutboundACL: a standard list out of the server interface lets only
// the inside subnet reach the server; the router's own packets are not
// filtered; the unreachable goes back to the sender.
func TestOutboundACL(t *testing.T) {
	l := newACLLab(t)
	l.config(t, `
access-list 10 permit 192.168.1.0 0.0.0.255
interface GigabitEthernet0/2
 ip access-group 10 out`)
	l.inside.Inject(tcpSyn(pc1Addr, srvAddr, 40000, 21, packet.TCPSyn))
	recv(t, l.srv)
	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 21, packet.TCPSyn))
	none(t, l.srv)
	if p := recv(t, l.outside); !isProhibited(p) {
		t.Fatalf("want admin prohibited back to the isp, got %v", p.String())
	}
	// Router-originated: an echo reply to the isp leaves Gi0/1; a ping from
	// the router to the server leaves Gi0/2 and is not filtered.
	done := make(chan byte, 1)
	go l.r.Ping(srvAddr, router.PingOptions{Count: 1, Timeout: time.Second}, func(seq int, mark byte, rtt time.Duration) { done <- mark })
	if p := recv(t, l.srv); p.ICMPType != packet.ICMPEcho {
		t.Fatalf("router ping filtered: %v", p.String())
	}
	<-done
}

// TestMissingListPermitsAll: an access-group naming a list that does not
// exist filters nothing; creating the list starts filtering.
func TestMissingListPermitsAll(t *testing.T) {
	l := newACLLab(t)
	l.config(t, "interface GigabitEthernet0/1\n ip access-group NOPE in")
	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 22, packet.TCPSyn))
	recv(t, l.srv)
	l.config(t, "ip access-list extended NOPE\n permit icmp any any")
	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 22, packet.TCPSyn))
	none(t, l.srv)
	l.config(t, "no ip access-list extended NOPE")
	l.outside.Inject(tcpSyn(ispAddr, srvAddr, 40000, 22, packet.TCPSyn))
	recv(t, l.srv)
}

// TestHookAllocatesNothing runs the input hook on a decoded packet.
func TestHookAllocatesNothing(t *testing.T) {
	l := newACLLab(t)
	l.config(t, `
ip access-list extended OUTSIDE_IN
 permit tcp any host 192.168.2.10 eq ftp
 deny ip any any
interface GigabitEthernet0/1
 ip access-group OUTSIDE_IN in`)
	b := tcpSyn(ispAddr, srvAddr, 40000, 21, packet.TCPSyn)
	p := &router.Packet{Buf: b, In: l.r.Interface("GigabitEthernet0/1")}
	p.P.Decode(b)
	h := accessGroup{a: l.a}
	allocs := testing.AllocsPerRun(1000, func() {
		if h.Process(p) != router.Accept {
			t.Fatal("not accepted")
		}
	})
	if allocs != 0 {
		t.Errorf("input hook allocates %.1f per packet", allocs)
	}
}

// BenchmarkInputHook is the per-packet cost of the input access-group stage
// (list by interface index, classification of the decoded packet) on E5's
// list.
func BenchmarkInputHook(b *testing.B) {
	r := router.New(router.Options{Interfaces: 2})
	defer r.Close()
	e, a := newTestCLI(b, r)
	s := e.NewSession(io.Discard)
	s.SetMode(ios.Config)
	for _, line := range []string{
		"ip access-list extended OUTSIDE_IN",
		"permit tcp any host 192.168.2.10 eq ftp",
		"permit tcp any any established",
		"permit icmp any any echo-reply",
		"deny ip any any log",
		"interface GigabitEthernet0/1",
		"ip access-group OUTSIDE_IN in",
	} {
		s.Execute(line)
	}
	a.Sync()
	buf := tcpSyn(ispAddr, pc1Addr, 80, 40001, packet.TCPAck)
	p := &router.Packet{Buf: buf, In: r.Interface("GigabitEthernet0/1")}
	p.P.Decode(buf)
	h := accessGroup{a: a}
	b.ReportAllocs()
	for b.Loop() {
		if h.Process(p) != router.Accept {
			b.Fatal("denied")
		}
	}
}

// TestE4 is the Packet Tracer "Configuring Extended ACLs - Scenario 1"
// lab over mem ports: PC1 (Gi0/0) may use only FTP and ICMP to the server
// (Gi0/2), PC2 (Gi0/1) only HTTP and ICMP, and the PCs may not reach each
// other.
func TestE4(t *testing.T) {
	l := newACLLabWith(t, "172.22.34.65/27", "172.22.34.97/28", "172.22.34.1/26")
	l.config(t, `
access-list 100 permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 eq ftp
access-list 100 permit icmp 172.22.34.64 0.0.0.31 host 172.22.34.62
interface gigabitEthernet 0/0
 ip access-group 100 in
ip access-list extended HTTP_ONLY
 permit tcp 172.22.34.96 0.0.0.15 host 172.22.34.62 eq www
 permit icmp 172.22.34.96 0.0.0.15 host 172.22.34.62
interface gigabitEthernet 0/1
 ip access-group HTTP_ONLY in`)
	pc1, pc2, server := netip.MustParseAddr("172.22.34.66"), netip.MustParseAddr("172.22.34.98"), netip.MustParseAddr("172.22.34.62")
	pass := func(from *port.MemHost, pkt []byte) {
		t.Helper()
		from.Inject(pkt)
		recv(t, l.srv)
	}
	denied := func(from *port.MemHost, pkt []byte) {
		t.Helper()
		from.Inject(pkt)
		if p := recv(t, from); !isProhibited(p) {
			t.Fatalf("want administratively prohibited, got %v", p.String())
		}
	}
	pass(l.inside, tcpSyn(pc1, server, 40000, 21, packet.TCPSyn))
	pass(l.inside, echo(packet.ICMPEcho, pc1, server))
	denied(l.inside, tcpSyn(pc1, server, 40000, 80, packet.TCPSyn))
	denied(l.inside, echo(packet.ICMPEcho, pc1, pc2))
	pass(l.outside, tcpSyn(pc2, server, 40000, 80, packet.TCPSyn))
	pass(l.outside, echo(packet.ICMPEcho, pc2, server))
	denied(l.outside, tcpSyn(pc2, server, 40000, 21, packet.TCPSyn))
	denied(l.outside, echo(packet.ICMPEcho, pc2, pc1))
	want := `Extended IP access list 100
    10 permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 eq ftp (1 match)
    20 permit icmp 172.22.34.64 0.0.0.31 host 172.22.34.62 (1 match)
Extended IP access list HTTP_ONLY
    10 permit tcp 172.22.34.96 0.0.0.15 host 172.22.34.62 eq www (1 match)
    20 permit icmp 172.22.34.96 0.0.0.15 host 172.22.34.62 (1 match)
`
	if got := l.exec("show access-lists"); got != want {
		t.Errorf("show access-lists:\n%s\nwant:\n%s", got, want)
	}
}
