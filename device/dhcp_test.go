package device

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/dhcp"
	"natlab/packet"
	"natlab/port"
)

// dhcpDevice is a router whose Gi0/0 (192.168.1.1/24) is an in-memory port
// the test plays the clients on.
func dhcpDevice(t *testing.T, cfg string) (*Device, *port.MemHost) {
	t.Helper()
	d := New(Options{Interfaces: 2, Clock: fixedClock})
	t.Cleanup(func() { d.Close() })
	p, host := port.NewMem("GigabitEthernet0/0", 1500)
	if err := d.Router.Bind("GigabitEthernet0/0", p); err != nil {
		t.Fatal(err)
	}
	if errs := d.ApplyStartup(strings.NewReader(cfg)); len(errs) > 0 {
		t.Fatalf("config: %+v", errs)
	}
	d.DHCP.PingTimeout = 50 * time.Millisecond
	return d, host
}

const dhcpCfg = `hostname R1
ip dhcp excluded-address 192.168.1.1 192.168.1.10
ip dhcp pool LAN
 network 192.168.1.0 255.255.255.0
 default-router 192.168.1.1
 dns-server 8.8.8.8 1.1.1.1
 domain-name lab.example
 lease 0 8
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 no shutdown
`

var bcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

func clientDatagram(m *dhcp.Message, src, dst netip.Addr) []byte {
	payload := m.Append(nil)
	b := make([]byte, 28+len(payload))
	n := packet.BuildUDP(b, src, dst, dhcp.ClientPort, dhcp.ServerPort, 1, 64, 0, payload)
	return b[:n]
}

// expectReply reads datagrams from the port until a DHCP reply of type typ,
// answering nothing else.
func expectReply(t *testing.T, host *port.MemHost, typ byte) *dhcp.Message {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		b := host.Recv(time.Until(deadline))
		if b == nil {
			break
		}
		if len(b) < 28 || b[9] != 17 || b[23] != dhcp.ClientPort {
			continue
		}
		m, err := dhcp.Parse(b[28:])
		if err != nil {
			t.Fatalf("reply: %v", err)
		}
		if m.Type == typ {
			return m
		}
	}
	t.Fatalf("no DHCP reply of type %d", typ)
	return nil
}

func dhcpRun(d *Device, cmd string) string {
	var out bytes.Buffer
	s := d.Engine.NewSession(&out)
	s.SetTerminalLength(0)
	s.RunScript(strings.NewReader("enable\n" + cmd + "\n"))
	return out.String()
}

func TestDHCPServerLease(t *testing.T) {
	d, host := dhcpDevice(t, dhcpCfg)
	mac := [16]byte{0x52, 0x54, 0, 0x12, 0x34, 0x56}
	disc := &dhcp.Message{Op: 1, HType: 1, HLen: 6, XID: 0x1234, CHAddr: mac, Type: dhcp.Discover}
	host.Inject(clientDatagram(disc, netip.IPv4Unspecified(), bcast))
	offer := expectReply(t, host, dhcp.Offer)
	want := netip.MustParseAddr("192.168.1.11")
	if offer.YIAddr != want || offer.ServerID != netip.MustParseAddr("192.168.1.1") || offer.Lease != 8*3600 ||
		len(offer.Routers) != 1 || len(offer.DNS) != 2 || offer.Domain != "lab.example" || offer.Mask != netip.MustParseAddr("255.255.255.0") {
		t.Fatalf("offer %+v", offer)
	}
	req := &dhcp.Message{Op: 1, HType: 1, HLen: 6, XID: 0x1234, CHAddr: mac, Type: dhcp.Request, RequestedIP: want, ServerID: offer.ServerID}
	host.Inject(clientDatagram(req, netip.IPv4Unspecified(), bcast))
	ack := expectReply(t, host, dhcp.Ack)
	if ack.YIAddr != want {
		t.Fatalf("ack %+v", ack)
	}
	out := dhcpRun(d, "show ip dhcp binding")
	for _, w := range []string{"192.168.1.11    5254.0012.3456          Mar 01 2026 06:15 PM    Automatic  Active     GigabitEthernet0/0"} {
		if !strings.Contains(out, w) {
			t.Errorf("binding missing %q:\n%s", w, out)
		}
	}
	// A request for an address of another subnet is refused.
	bad := &dhcp.Message{Op: 1, HType: 1, HLen: 6, XID: 0x99, CHAddr: mac, Type: dhcp.Request, RequestedIP: netip.MustParseAddr("10.9.9.9")}
	host.Inject(clientDatagram(bad, netip.IPv4Unspecified(), bcast))
	expectReply(t, host, dhcp.Nak)
	st := d.DHCP.Stats()
	if st.RecvDiscover != 1 || st.RecvRequest != 2 || st.SentOffer != 1 || st.SentAck != 1 || st.SentNak != 1 {
		t.Errorf("stats %+v", st)
	}
	dhcpRun(d, "clear ip dhcp binding *")
	if n := len(d.DHCP.Bindings()); n != 0 {
		t.Errorf("%d bindings after clear", n)
	}
}

// TestDHCPPingConflict: a host answering the ping for the first free
// address makes it a conflict, logged, and the next one is offered.
func TestDHCPPingConflict(t *testing.T) {
	d, host := dhcpDevice(t, dhcpCfg)
	taken := netip.MustParseAddr("192.168.1.11")
	mac := [16]byte{0x52, 0x54, 0, 0, 0, 1}
	disc := &dhcp.Message{Op: 1, HType: 1, HLen: 6, XID: 7, CHAddr: mac, Type: dhcp.Discover}
	host.Inject(clientDatagram(disc, netip.IPv4Unspecified(), bcast))
	deadline := time.Now().Add(3 * time.Second)
	var offer *dhcp.Message
	for offer == nil && time.Now().Before(deadline) {
		b := host.Recv(time.Until(deadline))
		if b == nil {
			break
		}
		var p packet.Parsed
		if p.Decode(b) != packet.OK {
			continue
		}
		if b[9] == 1 && p.Dst == taken && b[20] == packet.ICMPEcho {
			// The taken address answers.
			reply := append([]byte(nil), b...)
			id, seq := uint16(reply[24])<<8|uint16(reply[25]), uint16(reply[26])<<8|uint16(reply[27])
			n := packet.BuildEcho(reply, packet.ICMPEchoReply, taken, p.Src, id, seq, 9, 64, len(b)-28, b[28:])
			host.Inject(reply[:n])
			continue
		}
		if b[9] == 17 && b[23] == dhcp.ClientPort {
			m, _ := dhcp.Parse(b[28:])
			offer = m
		}
	}
	if offer == nil || offer.YIAddr != netip.MustParseAddr("192.168.1.12") {
		t.Fatalf("offer %+v", offer)
	}
	out := dhcpRun(d, "show ip dhcp conflict")
	if !strings.Contains(out, "192.168.1.11      Ping") {
		t.Errorf("conflict:\n%s", out)
	}
	logged := strings.Join(d.Engine.LogBuffer(), "\n")
	if !strings.Contains(logged, "%DHCPD-4-PING_CONFLICT: DHCP address 192.168.1.11 is in use") {
		t.Errorf("log:\n%s", logged)
	}
}

func TestDHCPRunningConfig(t *testing.T) {
	d, _ := dhcpDevice(t, dhcpCfg+"interface GigabitEthernet0/1\n ip address 10.0.0.1 255.255.255.0\n ip helper-address 192.168.1.50\n")
	cfg := d.Engine.RunningConfig()
	want := "ip dhcp excluded-address 192.168.1.1 192.168.1.10\n!\nip dhcp pool LAN\n network 192.168.1.0 255.255.255.0\n" +
		" default-router 192.168.1.1 \n dns-server 8.8.8.8 1.1.1.1 \n domain-name lab.example\n lease 0 8\n!\n"
	if !strings.Contains(cfg, want) {
		t.Errorf("running-config lacks\n%s\ngot\n%s", want, cfg)
	}
	if !strings.Contains(cfg, " ip address 10.0.0.1 255.255.255.0\n ip helper-address 192.168.1.50\n") {
		t.Errorf("helper-address not in its block:\n%s", cfg)
	}
	again, _ := dhcpDevice(t, cfg)
	if got := again.Engine.RunningConfig(); got != cfg {
		t.Errorf("round trip differs:\n%s", got)
	}
}
