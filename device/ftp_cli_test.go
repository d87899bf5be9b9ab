package device

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
)

// The commands, show output, running-config lines and debug output, as a
// session transcript; then a passive transfer through the inspected
// interface shows its sessions.
func TestCLITranscript(t *testing.T) {
	l := newE5Lab(t, e5Config)
	l.run(`
configure terminal
ip inspect name FW ftp
ip inspect name SLOW ftp alert off audit-trail on timeout 600
interface GigabitEthernet0/1
 ip inspect FW out
 ip inspect SLOW in
 no ip inspect SLOW in
 exit
no ip inspect name SLOW
ip inspect name FW ftp timeout 70000
end
show ip inspect config
show ip inspect interfaces
show ip inspect name FW
show running-config | include inspect
show ip inspect ?
debug ip inspect ftp-cmd
debug ip inspect ftp-tokens
`)
	// Passive FTP from the isp to the server: the control connection
	// arrives on Gi0/1, where only the outbound rule applies, so no
	// pinhole opens; NAT still fixes up the 227 (no CBAC needed for that).
	const cli, gsrv, srv = "203.0.113.10:45000", "203.0.113.100:21", "192.168.2.10:21"
	l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, "")
	l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	p, b := l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
	if p == nil || !strings.Contains(string(b[p.PayloadOff:]), "203,0,113,100,156,64") {
		t.Fatalf("227 not fixed up without inspection: %v", p)
	}
	if !l.refused(t, l.isp, l.srv, "203.0.113.10:45001", "203.0.113.100:40000") {
		t.Error("pinhole opened without an inspection rule on the path")
	}
	// Active FTP from pc1: the control connection leaves through Gi0/1,
	// whose outbound rule inspects it.
	const pc1, isp = "192.168.1.10:40000", "203.0.113.10:21"
	l.exchange(t, l.pc1, l.isp, pc1, isp, 999, 0, packet.TCPSyn, "")
	l.exchange(t, l.isp, l.pc1, isp, "203.0.113.1:40000", 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PORT 192,168,1,10,11,185\r\n")
	if p, _ := l.exchange(t, l.isp, l.pc1, "203.0.113.10:20", "203.0.113.1:3001", 77, 0, packet.TCPSyn, ""); p == nil {
		t.Fatalf("data connection refused through the inspected interface: %+v", l.d.FTP.In.Stats())
	}
	l.run(`
show ip inspect sessions
show ip inspect sessions detail
undebug ip inspect ftp-cmd
no debug ip inspect ftp-tokens
show logging | include CBAC
`)
	ftpGolden(t, "cli", l.out.String())
}

// §9 cases 51-53: `ip nat service list 10 ftp tcp port 2121` makes 2121 FTP
// for the server list 10 matches, and 21 no longer for that server; a
// second list for the same port is refused with the IOS message.
func TestNATService(t *testing.T) {
	l := newE5Lab(t, e5Config)
	l.run(`
configure terminal
ip access-list extended OUTSIDE_IN
 15 permit tcp any host 203.0.113.100 eq 2121
 exit
access-list 10 permit 192.168.2.10
access-list 11 permit 192.168.2.11
ip nat service list 10 ftp tcp port 2121
ip nat service list 11 ftp tcp port 2121
ip nat service list 10 ftp tcp port 2121
end
show running-config | include service
`)
	ftpGolden(t, "natservice", l.out.String())
	passive := func(ctrlPort string, clientPort string) string {
		cli, gsrv, srv := "203.0.113.10:"+clientPort, "203.0.113.100:"+ctrlPort, "192.168.2.10:"+ctrlPort
		l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, "")
		l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
		l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
		p, b := l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
		if p == nil {
			t.Fatalf("227 on port %s lost", ctrlPort)
		}
		return string(b[p.PayloadOff:])
	}
	if got := passive("2121", "45000"); !strings.Contains(got, "203,0,113,100") {
		t.Errorf("port 2121 not inspected: %q", got)
	}
	if got := passive("21", "45001"); !strings.Contains(got, "192,168,2,10") {
		t.Errorf("port 21 still inspected for a server with a service port: %q", got)
	}
}

// Generic CBAC: `ip inspect name FW tcp|udp|icmp` out on the outside lets
// the return traffic of inside-initiated sessions through an inbound ACL
// that denies everything, and nothing else, as on IOS.
func TestCBACSessions(t *testing.T) {
	l := newE5Lab(t, e5DenyNew)
	l.run(`
configure terminal
ip inspect name FW tcp
ip inspect name FW udp timeout 60
ip inspect name FW icmp
interface GigabitEthernet0/1
 ip inspect FW out
 end
show ip inspect config
show running-config | include inspect
`)
	// TCP: the SYN-ACK returns, an unsolicited SYN does not.
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:41000", "203.0.113.10:80", 1, 0, packet.TCPSyn, "")
	if p, _ := l.exchange(t, l.isp, l.pc1, "203.0.113.10:80", "203.0.113.1:41000", 9, 2, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("TCP return traffic denied")
	}
	if !l.refused(t, l.isp, l.pc1, "203.0.113.10:80", "203.0.113.1:41001") {
		t.Error("unsolicited SYN passed")
	}
	if p, _ := l.exchangeWait(t, l.isp, l.pc1, "203.0.113.10:80", "203.0.113.1:41002", 9, 2, packet.TCPAck, "", 150*time.Millisecond); p != nil {
		t.Error("an ACK outside any session passed (the ACL has no established entry)")
	}
	for l.isp.TryRecv() != nil {
	}
	// UDP: the reply returns.
	b := make([]byte, 256)
	n := packet.BuildUDP(b, netip.MustParseAddr("192.168.1.10"), netip.MustParseAddr("203.0.113.10"), 5353, 53, 1, 64, 20, nil)
	l.pc1.Inject(b[:n])
	if l.isp.Recv(time.Second) == nil {
		t.Fatal("UDP query lost")
	}
	n = packet.BuildUDP(b, netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("203.0.113.1"), 53, 5353, 2, 64, 40, nil)
	l.isp.Inject(b[:n])
	if l.pc1.Recv(time.Second) == nil {
		t.Fatal("UDP reply denied")
	}
	// ICMP: the echo reply returns.
	n = packet.BuildEcho(b, packet.ICMPEcho, netip.MustParseAddr("192.168.1.10"), netip.MustParseAddr("203.0.113.10"), 7, 1, 3, 64, 32, nil)
	l.pc1.Inject(b[:n])
	got := l.isp.Recv(time.Second)
	if got == nil {
		t.Fatal("echo request lost")
	}
	var p packet.Parsed
	p.Decode(got)
	n = packet.BuildEcho(b, packet.ICMPEchoReply, netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("203.0.113.1"), p.ICMPID, 1, 4, 64, 32, nil)
	l.isp.Inject(b[:n])
	if l.pc1.Recv(time.Second) == nil {
		t.Fatal("echo reply denied")
	}
	l.run(`
show ip inspect sessions
`)
	ftpGolden(t, "cbac", l.out.String())
}

// SetNATPinholes: lab E5 as written (no ip inspect) passes passive FTP to
// the server, as the Linux anchor does; without it (IOS) the ACL denies it.
func TestNATPinholes(t *testing.T) {
	for _, on := range []bool{false, true} {
		l := newE5Lab(t, e5Config)
		l.d.FTP.SetNATPinholes(on)
		const cli, gsrv, srv = "203.0.113.10:45000", "203.0.113.100:21", "192.168.2.10:21"
		l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, "")
		l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
		l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
		l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
		if refused := l.refused(t, l.isp, l.srv, "203.0.113.10:45001", "203.0.113.100:40000"); refused == on {
			t.Errorf("NAT pinholes %v: data connection refused %v", on, refused)
		}
	}
}

// TestInspectGlobals: the global CBAC commands set what show ip inspect config reports, render in the
// running-config only when changed and load back; rules without their own timeout follow the global
// idle times; the TCP timers reach the session table; the global audit trail logs sessions of rules
// that do not ask for it.
func TestInspectGlobals(t *testing.T) {
	l := newE5Lab(t, e5DenyNew)
	l.run(`
conf t
ip insp audit-trail
ip inspect alert-off
ip inspect tcp synwait-time 10
ip inspect tcp idle-time 1800
ip inspect udp idle-time 45
ip inspect dns-timeout 7
ip inspect name FW tcp
ip inspect name FW udp
ip inspect name FW icmp timeout 20
ip inspect name FW ftp alert on
int g0/1
 ip inspect FW out
 end
show ip inspect config
show running-config | include inspect
`)
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:41000", "203.0.113.10:80", 1, 0, packet.TCPSyn, "")
	found := false
	for _, line := range l.d.Engine.LogBuffer() {
		found = found || strings.Contains(line, "%FW-6-SESS_AUDIT_TRAIL_START")
	}
	if !found {
		t.Errorf("no audit-trail start with the global ip inspect audit-trail; log:\n%s", strings.Join(l.d.Engine.LogBuffer(), "\n"))
	}
	if got := l.halfOpenLife(t, ":41000"); got != 10*time.Second {
		t.Errorf("a half-open session lives %v, want the 10s synwait-time", got)
	}

	// Round trip: the rendered globals load into a fresh router and render the same.
	rendered := inspectLines(l.d.Engine.RunningConfig())
	fresh := newFTPLab(t)
	if errs := fresh.d.Engine.LoadConfig(strings.NewReader(l.d.Engine.RunningConfig())); len(errs) > 0 {
		t.Fatalf("loading the running-config: %+v", errs)
	}
	if again := inspectLines(fresh.d.Engine.RunningConfig()); again != rendered {
		t.Errorf("round trip:\n%s\nwant:\n%s", again, rendered)
	}

	l.run(`
conf t
no ip inspect udp idle-time
no ip inspect audit-trail
no ip inspect alert-off
no ip inspect tcp synwait-time
 end
show ip inspect config
`)
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:41001", "203.0.113.10:80", 1, 0, packet.TCPSyn, "")
	if got := l.halfOpenLife(t, ":41001"); got != 30*time.Second {
		t.Errorf("after no ip inspect tcp synwait-time a half-open session lives %v, want the 30s default", got)
	}
	ftpGolden(t, "globals", l.out.String())
}

// halfOpenLife moves the clock a second at a time until show ip inspect
// sessions no longer lists the session with endpoint ep, and returns how
// long it lived (whole seconds, up to a minute).
func (l *ftpLab) halfOpenLife(t *testing.T, ep string) time.Duration {
	t.Helper()
	for age := time.Duration(0); age <= time.Minute; age += time.Second {
		if !strings.Contains(l.show("show ip inspect sessions"), ep) {
			return age
		}
		l.clock.Advance(time.Second)
	}
	return -1
}

// show runs an exec command in a session of its own and returns its
// output.
func (l *ftpLab) show(cmd string) string {
	var out bytes.Buffer
	s := l.d.Engine.NewSession(&out)
	s.SetMode(ios.Exec)
	s.RunScript(strings.NewReader(cmd + "\n"))
	return out.String()
}

func inspectLines(config string) string {
	var out []string
	for _, line := range strings.Split(config, "\n") {
		if strings.Contains(line, "inspect") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
