package device

import (
	"encoding/json"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"natlab/internal/golden"
	"natlab/packet"
	"natlab/router"
)

func tcpFlow(src string, sport uint16, dst string, dport uint16) TraceFlow {
	return TraceFlow{Proto: packet.ProtoTCP, Src: netip.MustParseAddr(src), SrcPort: sport, Dst: netip.MustParseAddr(dst), DstPort: dport}
}

func udpFlow(src string, sport uint16, dst string, dport uint16) TraceFlow {
	f := tcpFlow(src, sport, dst, dport)
	f.Proto = packet.ProtoUDP
	return f
}

// phase returns the first phase of type typ, or fails.
func phase(t *testing.T, r router.TraceResult, typ string) router.TracePhase {
	t.Helper()
	for _, ph := range r.Phases {
		if ph.Type == typ {
			return ph
		}
	}
	t.Fatalf("no %s phase in %+v", typ, r.Phases)
	return router.TracePhase{}
}

func has(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// TestPacketTracerPhases checks each phase on the reference lab: the
// access-list line and sequence that decide, the implicit deny, NAT's
// translation to be made (static, PAT), un-NAT, the route, the output
// access-list, inspection, and the interface state.
func TestPacketTracerPhases(t *testing.T) {
	tests := []struct {
		name   string
		setup  string // extra configuration
		iface  string
		flow   TraceFlow
		action string
		point  string // drop point
		typ    string // a phase that must be there
		result string // its result
		info   string // a line of its Additional Information
		config string // a line of its Config
	}{
		{"acl permit names line and sequence", "", "g0/1", tcpFlow("198.51.100.7", 40000, "203.0.113.100", 21),
			"allow", "", "ACCESS-LIST", "ALLOW", "matched sequence 10: permit tcp any host 203.0.113.100 eq ftp", "access-list 101 permit tcp any host 203.0.113.100 eq ftp"},
		{"acl deny names line and sequence", "", "g0/1", udpFlow("198.51.100.7", 5000, "203.0.113.100", 53),
			"drop", "input", "ACCESS-LIST", "DROP", "matched sequence 20: deny udp any any eq domain", " ip access-group 101 in"},
		{"acl implicit deny", "", "g0/1", tcpFlow("198.51.100.7", 40000, "203.0.113.100", 80),
			"drop", "input", "ACCESS-LIST", "DROP", "implicit deny", "Implicit Rule"},
		{"named list entry with its sequence", "ip access-list extended WEB\n permit tcp any any eq 80\ninterface g0/0\n ip access-group WEB in\n",
			"g0/0", tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80), "allow", "", "ACCESS-LIST", "ALLOW", "matched sequence 10", " 10 permit tcp any any eq www"},
		{"un-NAT by the static rule", "", "g0/1", tcpFlow("198.51.100.7", 40000, "203.0.113.100", 21),
			"allow", "", "UN-NAT", "ALLOW", "Untranslate 203.0.113.100/21 to 192.168.2.10/21", "ip nat inside source static 192.168.2.10 203.0.113.100"},
		{"static NAT from the inside", "", "g0/2", tcpFlow("192.168.2.10", 21, "198.51.100.7", 40000),
			"allow", "", "NAT", "ALLOW", "Translate 192.168.2.10/21 to 203.0.113.100/21", "ip nat inside source static 192.168.2.10 203.0.113.100"},
		{"PAT picks the global port", "", "g0/0", tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80),
			"allow", "", "NAT", "ALLOW", "would allocate 203.0.113.1:40000 for 192.168.1.10:40000", "ip nat inside source list 1 interface GigabitEthernet0/1 overload"},
		{"route lookup", "", "g0/0", tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80),
			"allow", "", "ROUTE-LOOKUP", "ALLOW", "found next-hop 203.0.113.10 using egress ifc GigabitEthernet0/1", "S 0.0.0.0/0 [1/0] via 203.0.113.10"},
		{"no route", "no ip route 0.0.0.0 0.0.0.0 203.0.113.10\n", "g0/0", tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80),
			"drop", "route", "ROUTE-LOOKUP", "DROP", "no route to 198.51.100.7", ""},
		{"output acl drop", "access-list 102 deny tcp any any eq telnet\naccess-list 102 permit ip any any\ninterface g0/2\n ip access-group 102 out\n",
			"g0/0", tcpFlow("192.168.1.10", 40000, "192.168.2.10", 23), "drop", "output", "ACCESS-LIST", "DROP", "matched sequence 10: deny tcp any any eq telnet", " ip access-group 102 out"},
		{"inspect starts a session", "", "g0/0", tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80),
			"allow", "", "INSPECT", "ALLOW", "would start a tcp session 203.0.113.1:40000 -> 198.51.100.7:80", " ip inspect FW out"},
		{"input interface down", "", "g0/3", tcpFlow("10.9.9.2", 40000, "198.51.100.7", 80),
			"drop", "receive", "INPUT-INTERFACE", "DROP", "GigabitEthernet0/3 is not up", ""},
		{"uRPF drops a spoofed source", "interface g0/1\n ip verify unicast source reachable-via rx\n", "g0/1", tcpFlow("192.168.2.99", 40000, "203.0.113.100", 21),
			"drop", "urpf", "RPF-CHECK", "DROP", "fails the rx check", " ip verify unicast source reachable-via rx"},
		{"to the router itself", "", "g0/0", udpFlow("192.168.1.10", 5000, "192.168.1.1", 53),
			"allow", "", "ROUTE-LOOKUP", "ALLOW", "an address of this router", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTraceLab(t)
			if tt.setup != "" {
				if n := l.run("configure terminal\n" + tt.setup + "end\n"); n != 0 {
					t.Fatalf("setup: %s", l.out.String())
				}
			}
			r, err := l.d.PacketTrace(l.d.Router.Interface(expand(tt.iface)).Name(), tt.flow, true)
			if err != nil {
				t.Fatal(err)
			}
			var text strings.Builder
			r.WriteText(&text, true)
			if r.Action != tt.action || r.DropPoint != tt.point {
				t.Fatalf("action %s at %q, want %s at %q\n%s", r.Action, r.DropPoint, tt.action, tt.point, text.String())
			}
			ph := phase(t, r, tt.typ)
			if ph.Result != tt.result || !has(ph.Info, tt.info) || (tt.config != "" && !has(ph.Config, tt.config)) {
				t.Fatalf("%s phase %+v, want result %s, info %q, config %q\n%s", tt.typ, ph, tt.result, tt.info, tt.config, text.String())
			}
			if tt.action == "drop" && (r.DropReason == "" || !strings.Contains(text.String(), "Drop-reason: "+r.DropReason)) {
				t.Fatalf("no drop reason\n%s", text.String())
			}
		})
	}
}

func expand(short string) string {
	return "GigabitEthernet" + strings.TrimPrefix(short, "g")
}

// TestPacketTracerNATHitAfterForwarding: once a packet made its
// translation, the trace finds it instead of making one, and the next
// flow of the same port is given the next free global port.
func TestPacketTracerNATHitAfterForwarding(t *testing.T) {
	l := newTraceLab(t)
	f := tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80)
	pkt, _ := buildTracePacket(f)
	if err := l.pc1.Inject(pkt); err != nil {
		t.Fatal(err)
	}
	if l.isp.Recv(recvWait) == nil {
		t.Fatal("the packet was not forwarded")
	}
	r, _ := l.d.PacketTrace("GigabitEthernet0/0", f, false)
	if ph := phase(t, r, "NAT"); ph.Subtype != "existing" || !has(ph.Info, "found translation tcp 203.0.113.1:40000 192.168.1.10:40000") {
		t.Fatalf("NAT phase %+v, want the existing translation", ph)
	}
	r, _ = l.d.PacketTrace("GigabitEthernet0/0", tcpFlow("192.168.1.11", 40000, "198.51.100.7", 80), true)
	if ph := phase(t, r, "NAT"); !has(ph.Info, "would allocate 203.0.113.1:1024") || !has(ph.Detail, "lowest free port in 1024-65535 is 1024") {
		t.Fatalf("NAT phase %+v, want port 1024", ph)
	}
	if r.Out.SrcPort != 1024 {
		t.Fatalf("predicted source port %d", r.Out.SrcPort)
	}
	// The return traffic is un-NATed by the translation and let in by the
	// inspection session the first packet started.
	back := tcpFlow("198.51.100.7", 80, "203.0.113.1", 40000)
	r, _ = l.d.PacketTrace("GigabitEthernet0/1", back, false)
	if r.Action != "allow" || phase(t, r, "INSPECT").Subtype != "return" || phase(t, r, "UN-NAT").Subtype != "existing" {
		var b strings.Builder
		r.WriteText(&b, false)
		t.Fatalf("return traffic:\n%s", b.String())
	}
}

// TestPacketTracerPinhole: an FTP pinhole lets the data connection pass
// the deny-all outside list; the trace says so and leaves the pinhole for
// the real connection.
func TestPacketTracerPinhole(t *testing.T) {
	l := newRouterLab(t)
	const cli, gsrv, srv = "203.0.113.10:45000", "203.0.113.100:21", "192.168.2.10:21"
	l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, "")
	l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	if p, _ := l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n"); p == nil {
		t.Fatal("227 lost")
	}
	data := tcpFlow("203.0.113.10", 45001, "203.0.113.100", 40000)
	for i := 0; i < 2; i++ { // twice: the first trace used nothing up
		r, err := l.d.PacketTrace("GigabitEthernet0/1", data, false)
		if err != nil {
			t.Fatal(err)
		}
		ins, acl := phase(t, r, "INSPECT"), phase(t, r, "ACCESS-LIST")
		if r.Action != "allow" || ins.Subtype != "ftp-data" || !has(ins.Info, "matches the pinhole for 203.0.113.100:40000") ||
			acl.Subtype != "inspect" || r.Out.Dst != netip.MustParseAddr("192.168.2.10") {
			var b strings.Builder
			r.WriteText(&b, false)
			t.Fatalf("data connection:\n%s", b.String())
		}
	}
	if p, _ := l.exchange(t, l.isp, l.srv, "203.0.113.10:45001", "203.0.113.100:40000", 77, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("the pinhole was used up by the trace")
	}
	// Without the pinhole the list denies it, at the line that says so.
	r, _ := l.d.PacketTrace("GigabitEthernet0/1", tcpFlow("203.0.113.10", 45002, "203.0.113.100", 40001), false)
	if r.Action != "drop" || !has(phase(t, r, "ACCESS-LIST").Info, "matched sequence 30: deny ip any any") {
		t.Fatalf("no pinhole: %+v", r)
	}
}

// TestPacketTracerChangesNothing: traces of every kind leave the
// translation table, NAT's statistics, the access-list counters, the
// inspection sessions, the interface counters and the log as they were.
func TestPacketTracerChangesNothing(t *testing.T) {
	l := newTraceLab(t)
	if n := l.run("configure terminal\naccess-list 101 deny tcp any any eq 23 log\nlogging buffered 4096\nend\n"); n != 0 {
		t.Fatal(l.out.String())
	}
	// Some real state first: a translation and a session.
	pkt, _ := buildTracePacket(tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80))
	l.pc1.Inject(pkt)
	if l.isp.Recv(recvWait) == nil {
		t.Fatal("not forwarded")
	}
	state := func() string {
		var b strings.Builder
		for _, c := range []string{"show ip nat translations verbose", "show ip nat statistics", "show access-lists",
			"show ip inspect sessions detail", "show ip inspect statistics", "show interfaces", "show logging"} {
			b.WriteString(l.cli(t, c))
		}
		return b.String()
	}
	before := state()
	for _, tr := range []struct {
		iface string
		f     TraceFlow
	}{
		{"GigabitEthernet0/0", tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80)}, // hit
		{"GigabitEthernet0/0", tcpFlow("192.168.1.11", 40000, "198.51.100.7", 80)}, // would create
		{"GigabitEthernet0/0", udpFlow("192.168.1.10", 5000, "198.51.100.7", 53)},
		{"GigabitEthernet0/1", tcpFlow("198.51.100.7", 80, "203.0.113.1", 40000)},  // return traffic
		{"GigabitEthernet0/1", tcpFlow("198.51.100.7", 4000, "203.0.113.100", 21)}, // acl permit, un-NAT
		{"GigabitEthernet0/1", tcpFlow("198.51.100.7", 4000, "203.0.113.100", 23)}, // acl deny with log
		{"GigabitEthernet0/1", tcpFlow("198.51.100.7", 4000, "203.0.113.100", 80)}, // implicit deny
		{"GigabitEthernet0/2", tcpFlow("192.168.2.10", 21, "198.51.100.7", 4000)},  // static
		{"GigabitEthernet0/3", tcpFlow("10.9.9.2", 21, "198.51.100.7", 4000)},      // interface down
		{"GigabitEthernet0/0", udpFlow("192.168.1.10", 5000, "192.168.1.1", 53)},   // to the router
	} {
		if _, err := l.d.PacketTrace(tr.iface, tr.f, true); err != nil {
			t.Fatal(err)
		}
	}
	if after := state(); after != before {
		t.Fatalf("tracing changed the router's state:\n%s", golden.Diff(before, after))
	}
}

// TestPacketTracerGolden pins the text and JSON layouts.
func TestPacketTracerGolden(t *testing.T) {
	for _, c := range []struct{ name, line string }{
		{"unnat-allow", "packet-tracer input GigabitEthernet0/1 tcp 198.51.100.7 40000 203.0.113.100 ftp"},
		{"acl-drop", "packet-tracer input gi0/1 udp 198.51.100.7 5000 203.0.113.100 53"},
		{"pat-detailed", "packet-tracer input g0/0 tcp 192.168.1.10 40000 198.51.100.7 www detailed"},
		{"icmp-json", "packet-tracer input g0/0 icmp 192.168.1.10 8 198.51.100.7 0 json"},
		{"drop-json", "packet-tracer input g0/1 tcp 198.51.100.7 40000 203.0.113.100 80 json"},
		{"xml", "packet-tracer input g0/0 icmp 192.168.1.10 8 198.51.100.7 0 xml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := newTraceLab(t)
			got := l.cli(t, c.line)
			if strings.HasSuffix(c.name, "json") {
				body := got[strings.Index(got, "\n")+1:]
				var doc map[string]any
				if err := json.Unmarshal([]byte(body), &doc); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, body)
				}
			}
			golden.Compare(t, filepath.Join("testdata", "trace", c.name+".golden"), got)
		})
	}
}
