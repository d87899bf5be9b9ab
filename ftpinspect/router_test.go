package ftpinspect

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/acl"
	"natlab/ios"
	"natlab/nat"
	"natlab/packet"
	"natlab/port"
	"natlab/router"
)

// routerLab is the whole router over mem ports, configured as lab E5: PAT
// for pc1, static NAT for the server, an inbound ACL on the outside that
// admits only FTP control to the server and established traffic; the
// inspector is attached with the router's NAT.
type routerLab struct {
	r             *router.Router
	in            *Inspector
	pc1, isp, srv *port.MemHost
}

func newRouterLab(t *testing.T) *routerLab {
	t.Helper()
	e := ios.NewEngine()
	r := router.New(router.Options{Interfaces: 3})
	t.Cleanup(func() { r.Close() })
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	e.Install(&ios.Command{Mode: ios.Config, Syntax: "interface IFNAME$if", Help: []string{ios.HelpInterface, "Interface"},
		Run: func(c *ios.Context, a ios.Args) error { c.Enter(ios.ConfigIf, a.Str("if")); return nil }})
	for name, p := range map[string]string{"GigabitEthernet0/0": "192.168.1.1/24", "GigabitEthernet0/1": "203.0.113.1/24", "GigabitEthernet0/2": "192.168.2.1/24"} {
		r.Interface(name).SetAddress(netip.MustParsePrefix(p))
	}
	acls := acl.Register(e, r)
	t.Cleanup(acls.Close)
	n := nat.Register(e, r, acls)
	t.Cleanup(n.Close)
	l := &routerLab{r: r, in: New(Config{NAT: NATTranslator(n)})}
	l.in.Attach(r)
	hosts := []**port.MemHost{&l.pc1, &l.isp, &l.srv}
	for i, name := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"} {
		m, h := port.NewMem("ftp"+name[len(name)-1:], 1500)
		*hosts[i] = h
		if err := r.Bind(name, m); err != nil {
			t.Fatal(err)
		}
		r.Interface(name).SetShutdown(false)
	}
	var out bytes.Buffer
	s := e.NewSession(&out)
	s.SetMode(ios.Exec)
	if failed := s.RunScript(strings.NewReader(`configure terminal
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
 deny   ip any any
end
`)); failed != 0 {
		t.Fatalf("configuration failed:\n%s", out.String())
	}
	return l
}

// exchange injects a segment at from and returns the decoded segment that
// leaves at to (nil if none within a short wait).
func (l *routerLab) exchange(t *testing.T, from, to *port.MemHost, src, dst string, seq, ack uint32, flags uint8, payload string) (*packet.Parsed, []byte) {
	t.Helper()
	return l.exchangeWait(t, from, to, src, dst, seq, ack, flags, payload, time.Second)
}

// refused reports whether a SYN from src to dst injected at from does not
// come out at to.
func (l *routerLab) refused(t *testing.T, from, to *port.MemHost, src, dst string) bool {
	t.Helper()
	p, _ := l.exchangeWait(t, from, to, src, dst, 77, 0, packet.TCPSyn, "", 150*time.Millisecond)
	for from.TryRecv() != nil { // the ACL's admin-prohibited, if any
	}
	return p == nil
}

func (l *routerLab) exchangeWait(t *testing.T, from, to *port.MemHost, src, dst string, seq, ack uint32, flags uint8, payload string, wait time.Duration) (*packet.Parsed, []byte) {
	t.Helper()
	b, n := buildSeg(netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst), seq, ack, flags, []byte(payload), nil)
	if err := from.Inject(b[:n]); err != nil {
		t.Fatal(err)
	}
	got := to.Recv(wait)
	if got == nil {
		return nil, nil
	}
	var p packet.Parsed
	if p.Decode(got) != packet.OK || !p.TransportChecksumOK(got) {
		t.Fatalf("bad packet out of the router: %x", got)
	}
	return &p, got
}

// Active FTP from pc1 behind PAT: the PORT leaves with the global address,
// and the server's data connection passes the deny-all inbound ACL through
// the pinhole, translated to pc1 (§9 cases 1, 46, 48).
func TestRouterActiveFTP(t *testing.T) {
	l := newRouterLab(t)
	const pc1, isp = "192.168.1.10:40000", "203.0.113.10:21"
	if p, _ := l.exchange(t, l.pc1, l.isp, pc1, isp, 999, 0, packet.TCPSyn, ""); p == nil || p.Src != netip.MustParseAddr("203.0.113.1") {
		t.Fatalf("SYN not translated: %v", p)
	}
	gcli := "203.0.113.1:40000"
	if p, _ := l.exchange(t, l.isp, l.pc1, isp, gcli, 4999, 1000, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("SYN-ACK lost")
	}
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck, "")
	p, b := l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PORT 192,168,1,10,195,80\r\n")
	if p == nil {
		t.Fatal("PORT lost")
	}
	if got := string(b[p.PayloadOff:]); got != "PORT 203,0,113,1,195,80\r\n" {
		t.Fatalf("isp received %q", got)
	}
	// The isp's ACK of the line (one byte shorter now) maps back for pc1.
	p, b = l.exchange(t, l.isp, l.pc1, isp, gcli, 5000, 1025, packet.TCPAck, "")
	if p == nil || packet.TCP(b[p.L4Off:]).Ack() != 1026 {
		t.Fatalf("ACK not mapped: %v", p)
	}
	// The data connection from the isp's port 20.
	p, _ = l.exchange(t, l.isp, l.pc1, "203.0.113.10:20", "203.0.113.1:50000", 77, 0, packet.TCPSyn, "")
	if p == nil || p.Dst != netip.MustParseAddr("192.168.1.10") || p.DstPort != 50000 {
		t.Fatalf("data SYN not passed to pc1: %v", p)
	}
	// Its reply goes out translated, and a second connection is refused.
	if p, _ := l.exchange(t, l.pc1, l.isp, "192.168.1.10:50000", "203.0.113.10:20", 1, 78, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("data SYN-ACK lost")
	}
	if !l.refused(t, l.isp, l.pc1, "203.0.113.10:21000", "203.0.113.1:50000") {
		t.Fatal("second data connection through a used pinhole")
	}
}

// Passive FTP to the server behind static NAT: the 227 leaves with the
// global address and the client's data connection gets through (§9 case 3).
func TestRouterPassiveFTP(t *testing.T) {
	l := newRouterLab(t)
	const cli, gsrv, srv = "203.0.113.10:45000", "203.0.113.100:21", "192.168.2.10:21"
	if p, _ := l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("control SYN refused")
	}
	l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	p, b := l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
	if p == nil {
		t.Fatal("227 lost")
	}
	if got := string(b[p.PayloadOff:]); got != "227 Entering Passive Mode (203,0,113,100,156,64)\r\n" {
		t.Fatalf("client received %q", got)
	}
	p, _ = l.exchange(t, l.isp, l.srv, "203.0.113.10:45001", "203.0.113.100:40000", 77, 0, packet.TCPSyn, "")
	if p == nil || p.Dst != netip.MustParseAddr("192.168.2.10") || p.DstPort != 40000 {
		t.Fatalf("data SYN not passed to the server: %v", p)
	}
	// Without the pinhole the ACL denies it.
	if !l.refused(t, l.isp, l.srv, "203.0.113.10:45002", "203.0.113.100:40001") {
		t.Fatal("unexpected data connection passed the ACL")
	}
}

// §9 case 38, hairpin: pc1 reaches the server by its global address. The
// two directions are in different views after NAT's hairpin step, so the
// 227 is passed as the server sent it; its inside address is reachable
// from pc1 directly, so passive mode works (README: known limits).
func TestRouterHairpinPassive(t *testing.T) {
	l := newRouterLab(t)
	const pc1, gsrv = "192.168.1.10:40000", "203.0.113.100:21"
	p, _ := l.exchange(t, l.pc1, l.srv, pc1, gsrv, 999, 0, packet.TCPSyn, "")
	if p == nil {
		t.Fatal("hairpin SYN lost")
	}
	gcli := netip.AddrPortFrom(p.Src, p.SrcPort).String()
	if p, _ := l.exchange(t, l.srv, l.pc1, "192.168.2.10:21", gcli, 4999, 1000, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("hairpin SYN-ACK lost")
	}
	l.exchange(t, l.pc1, l.srv, pc1, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	p, b := l.exchange(t, l.srv, l.pc1, "192.168.2.10:21", gcli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
	if p == nil {
		t.Fatal("227 lost")
	}
	if got := string(b[p.PayloadOff:]); got != "227 Entering Passive Mode (192,168,2,10,156,64)\r\n" {
		t.Errorf("pc1 received %q (the hairpin 227 is passed as sent)", got)
	}
	if p, _ := l.exchange(t, l.pc1, l.srv, "192.168.1.10:40001", "192.168.2.10:40000", 1, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("data connection to the server's inside address refused")
	}
}
