package device

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/ether"
	"natlab/internal/testclock"
	"natlab/ios"
	"natlab/packet"
	"natlab/port"
)

// ethLab is a router whose Gi0/0 (inside, 192.168.1.1) and Gi0/1 (outside, 203.0.113.1) are Ethernet
// over in-memory frame devices, with PAT and a static NAT rule.
type ethLab struct {
	d       *Device
	clock   *testclock.Clock
	in, out *port.MemHost
}

var (
	pcMAC  = ether.MAC{0x00, 0x50, 0x79, 0x66, 0x68, 0x00}
	ispMAC = ether.MAC{0x00, 0x50, 0x79, 0x66, 0x68, 0x01}
	r1MAC  = ether.MAC{0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00} // Gi0/0; Gi0/1 is ...0110
)

func newEthLab(t *testing.T) *ethLab {
	t.Helper()
	clk := testclock.New(fixedTime)
	l := &ethLab{clock: clk}
	l.d = New(Options{Interfaces: 2, Clock: clk.Now, MAC: r1MAC})
	t.Cleanup(func() { l.d.Close() })
	for k, h := range []**port.MemHost{&l.in, &l.out} {
		m, host := port.NewMemFrames("eth", 1500)
		*h = host
		if _, err := l.d.AttachEthernet([]string{"GigabitEthernet0/0", "GigabitEthernet0/1"}[k], m); err != nil {
			t.Fatal(err)
		}
	}
	if errs := l.d.ApplyStartup(strings.NewReader(`hostname R1
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source static 192.168.1.10 203.0.113.100
`)); len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	// Gratuitous ARP as the lines came up: drain it.
	time.Sleep(50 * time.Millisecond)
	for l.in.TryRecv() != nil || l.out.TryRecv() != nil {
	}
	return l
}

func arpFrame(op uint16, sha ether.MAC, spa string, tha ether.MAC, tpa string) []byte {
	f := make([]byte, 42)
	dst := ether.Broadcast
	if op == 2 {
		dst = tha
	}
	copy(f[0:], dst[:])
	copy(f[6:], sha[:])
	binary.BigEndian.PutUint16(f[12:], 0x0806)
	a := f[14:]
	binary.BigEndian.PutUint16(a[0:], 1)
	binary.BigEndian.PutUint16(a[2:], 0x0800)
	a[4], a[5] = 6, 4
	binary.BigEndian.PutUint16(a[6:], op)
	copy(a[8:], sha[:])
	s4 := netip.MustParseAddr(spa).As4()
	copy(a[14:], s4[:])
	copy(a[18:], tha[:])
	t4 := netip.MustParseAddr(tpa).As4()
	copy(a[24:], t4[:])
	return f
}

func ipFrame(dst, src ether.MAC, pkt []byte) []byte {
	f := make([]byte, 14+len(pkt))
	copy(f[0:], dst[:])
	copy(f[6:], src[:])
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	copy(f[14:], pkt)
	return f
}

// arpReply waits for an ARP reply on h and returns its sender MAC and address; ok is false when none
// comes.
func arpReply(t *testing.T, h *port.MemHost) (ether.MAC, netip.Addr, bool) {
	t.Helper()
	for {
		f := h.Recv(300 * time.Millisecond)
		if f == nil {
			return ether.MAC{}, netip.Addr{}, false
		}
		if len(f) >= 42 && binary.BigEndian.Uint16(f[12:]) == 0x0806 && binary.BigEndian.Uint16(f[20:]) == 2 {
			return ether.MAC(f[22:28]), netip.AddrFrom4([4]byte(f[28:32])), true
		}
	}
}

func gi1MAC() ether.MAC { m := r1MAC; m[5] = 0x10; return m }

// TestEthernetARPAnswers: the router answers ARP for its own address, for NAT's static global on the
// outside interface (IOS's alias), and with proxy ARP for what it routes elsewhere until `no ip
// proxy-arp`; it stays silent for other addresses.
func TestEthernetARPAnswers(t *testing.T) {
	l := newEthLab(t)
	for _, tc := range []struct {
		name   string
		h      *port.MemHost
		sender string
		target string
		want   ether.MAC // zero: no answer
	}{
		{"own address inside", l.in, "192.168.1.10", "192.168.1.1", r1MAC},
		{"own address outside", l.out, "203.0.113.10", "203.0.113.1", gi1MAC()},
		{"static NAT global", l.out, "203.0.113.10", "203.0.113.100", gi1MAC()},
		{"nobody's address", l.out, "203.0.113.10", "203.0.113.50", ether.MAC{}},
		{"proxy ARP for the outside", l.in, "192.168.1.10", "203.0.113.10", r1MAC},
		{"no proxy ARP inside the subnet", l.in, "192.168.1.10", "192.168.1.77", ether.MAC{}},
		{"no NAT alias on the inside", l.in, "192.168.1.10", "203.0.113.100", r1MAC}, // proxy ARP, not the alias
	} {
		l.h(tc.h).Inject(arpFrame(1, pcMAC, tc.sender, ether.MAC{}, tc.target))
		mac, addr, ok := arpReply(t, tc.h)
		switch {
		case tc.want == (ether.MAC{}) && ok:
			t.Errorf("%s: answered %s is-at %s", tc.name, addr, mac)
		case tc.want != (ether.MAC{}) && (!ok || mac != tc.want || addr.String() != tc.target):
			t.Errorf("%s: got %v %s %s, want %s is-at %s", tc.name, ok, addr, mac, tc.target, tc.want)
		}
	}
	run(t, l.d, "configure terminal", "interface g0/0", "no ip proxy-arp", "end")
	l.in.Inject(arpFrame(1, pcMAC, "192.168.1.10", ether.MAC{}, "203.0.113.10"))
	if _, _, ok := arpReply(t, l.in); ok {
		t.Error("no ip proxy-arp still answers for a routed address")
	}
	if out := run(t, l.d, "show ip interface g0/0"); !strings.Contains(out, "Proxy ARP is disabled") {
		t.Errorf("show ip interface:\n%s", out)
	}
}

func (l *ethLab) h(h *port.MemHost) *port.MemHost { return h }

// run types commands at the privileged prompt and returns the transcript.
func run(t *testing.T, d *Device, cmds ...string) string {
	t.Helper()
	var out bytes.Buffer
	s := d.Engine.NewSession(&out)
	defer s.Close()
	s.SetTerminalLength(0)
	s.SetMode(ios.Exec)
	s.RunScript(strings.NewReader(strings.Join(cmds, "\n") + "\n"))
	return out.String()
}

// TestEthernetForwardsThroughARP: a PC's ping leaves PAT-translated to the ISP's MAC once the router
// resolved it; show ip arp lists both neighbours; clear arp-cache forgets them.
func TestEthernetForwardsThroughARP(t *testing.T) {
	l := newEthLab(t)
	pc, isp := netip.MustParseAddr("192.168.1.20"), netip.MustParseAddr("203.0.113.10")
	l.in.Inject(arpFrame(1, pcMAC, "192.168.1.20", ether.MAC{}, "192.168.1.1"))
	if _, _, ok := arpReply(t, l.in); !ok {
		t.Fatal("no ARP reply to the PC")
	}
	ping := make([]byte, 84)
	n := packet.BuildEcho(ping, packet.ICMPEcho, pc, isp, 7, 1, 1, 64, 5, []byte("hello"))
	l.in.Inject(ipFrame(r1MAC, pcMAC, ping[:n]))
	// The router asks who has the ISP; the ISP answers.
	req := l.out.Recv(time.Second)
	if req == nil || binary.BigEndian.Uint16(req[12:]) != 0x0806 || !bytes.Equal(req[38:42], isp.AsSlice()) {
		t.Fatalf("no ARP request for the ISP: %x", req)
	}
	l.out.Inject(arpFrame(2, ispMAC, "203.0.113.10", gi1MAC(), "203.0.113.1"))
	f := l.out.Recv(time.Second)
	if f == nil {
		t.Fatal("the queued ping did not leave after resolution")
	}
	var p packet.Parsed
	if ether.MAC(f[0:6]) != ispMAC || ether.MAC(f[6:12]) != gi1MAC() || p.Decode(f[14:]) != packet.OK ||
		p.Src != netip.MustParseAddr("203.0.113.1") || p.Dst != isp {
		t.Fatalf("forwarded frame %x", f)
	}
	out := run(t, l.d, "show ip arp")
	for _, want := range []string{
		"Internet  192.168.1.20            0   0050.7966.6800  ARPA   GigabitEthernet0/0",
		"Internet  203.0.113.10            0   0050.7966.6801  ARPA   GigabitEthernet0/1",
		"Internet  203.0.113.1             -   aabb.cc00.0110  ARPA   GigabitEthernet0/1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show ip arp lacks %q:\n%s", want, out)
		}
	}
	if out := run(t, l.d, "show ip arp 203.0.113.10"); strings.Count(out, "Internet") != 1 || !strings.Contains(out, "0050.7966.6801") {
		t.Errorf("show ip arp ADDRESS:\n%s", out)
	}
	if out := run(t, l.d, "show ip arp g0/0"); strings.Count(out, "Internet") != 2 || strings.Contains(out, "GigabitEthernet0/1") {
		t.Errorf("show ip arp INTERFACE:\n%s", out)
	}
	run(t, l.d, "clear arp-cache")
	if out := run(t, l.d, "show ip arp"); strings.Contains(out, "0050.7966") {
		t.Errorf("clear arp-cache left:\n%s", out)
	}
}

// TestEthernetUnresolvedHostUnreachable: a packet to a next hop that never answers ARP is answered with
// ICMP host unreachable after the retries (from the ISP to an unused inside address: no NAT on the way).
func TestEthernetUnresolvedHostUnreachable(t *testing.T) {
	l := newEthLab(t)
	isp := netip.MustParseAddr("203.0.113.10")
	l.out.Inject(arpFrame(1, ispMAC, "203.0.113.10", ether.MAC{}, "203.0.113.1"))
	if _, _, ok := arpReply(t, l.out); !ok {
		t.Fatal("no ARP reply")
	}
	b := make([]byte, 100)
	n := packet.BuildUDP(b, isp, netip.MustParseAddr("192.168.1.77"), 1000, 2000, 1, 64, 1, []byte("x"))
	l.out.Inject(ipFrame(gi1MAC(), ispMAC, b[:n]))
	requests := 0
	for k := 0; k < 6; k++ {
		time.Sleep(250 * time.Millisecond)
		for f := l.in.TryRecv(); f != nil; f = l.in.TryRecv() {
			if binary.BigEndian.Uint16(f[12:]) == 0x0806 {
				requests++
			}
		}
		l.clock.Advance(time.Second)
	}
	if requests != 3 {
		t.Errorf("%d ARP requests for the unanswered hop, want 3", requests)
	}
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		f := l.out.Recv(200 * time.Millisecond)
		if f == nil || binary.BigEndian.Uint16(f[12:]) != 0x0800 {
			continue
		}
		var p packet.Parsed
		if p.Decode(f[14:]) == packet.OK && p.Dst == isp && p.ICMPType == packet.ICMPDestUnreachable && p.ICMPCode == packet.ICMPHostUnreachable {
			return
		}
	}
	t.Fatal("no host unreachable for a next hop that never answered ARP")
}

// TestDebugARP: debug arp logs IOS's lines for the Ethernet interfaces; undebug all stops them.
func TestDebugARP(t *testing.T) {
	l := newEthLab(t)
	if out := run(t, l.d, "debug arp"); !strings.Contains(out, "ARP packet debugging is on") {
		t.Fatalf("debug arp:\n%s", out)
	}
	l.in.Inject(arpFrame(1, pcMAC, "192.168.1.10", ether.MAC{}, "192.168.1.1"))
	arpReply(t, l.in)
	want := "IP ARP: rcvd req src 192.168.1.10 0050.7966.6800, dst 192.168.1.1 GigabitEthernet0/0"
	out := run(t, l.d, "show logging")
	if !strings.Contains(out, want) {
		t.Fatalf("show logging lacks %q:\n%s", want, out)
	}
	if out := run(t, l.d, "undebug all"); !strings.Contains(out, "All possible debugging has been turned off") {
		t.Fatalf("undebug all:\n%s", out)
	}
	l.in.Inject(arpFrame(1, pcMAC, "192.168.1.10", ether.MAC{}, "192.168.1.1"))
	arpReply(t, l.in)
	if n := strings.Count(run(t, l.d, "show logging"), want); n != 1 {
		t.Errorf("after undebug all the line was logged %d times, want once", n)
	}
}

// TestGratuitousARP: an Ethernet interface announces its address when it is configured and when its
// line comes back up, as IOS does.
func TestGratuitousARP(t *testing.T) {
	l := newEthLab(t)
	garp := func(what, addr string) {
		t.Helper()
		want := netip.MustParseAddr(addr).AsSlice()
		for {
			f := l.out.Recv(time.Second)
			if f == nil {
				t.Fatalf("%s: no gratuitous ARP for %s", what, addr)
			}
			if len(f) >= 42 && binary.BigEndian.Uint16(f[12:]) == 0x0806 && ether.MAC(f[0:6]) == ether.Broadcast &&
				bytes.Equal(f[28:32], want) && bytes.Equal(f[38:42], want) && ether.MAC(f[22:28]) == gi1MAC() {
				return
			}
		}
	}
	run(t, l.d, "configure terminal", "interface g0/1", "ip address 203.0.113.2 255.255.255.0", "end")
	garp("new address", "203.0.113.2")
	run(t, l.d, "configure terminal", "interface g0/1", "shutdown", "no shutdown", "end")
	garp("line up", "203.0.113.2")
}

// TestShowDebugging: show debugging lists what each feature has on.
func TestShowDebugging(t *testing.T) {
	l := newEthLab(t)
	run(t, l.d, "debug arp", "debug ip nat", "debug ip inspect ftp-tokens")
	out := run(t, l.d, "show debugging")
	for _, want := range []string{"ARP packet debugging is on", "IP NAT debugging is on", "INSPECT FTP token debugging is on"} {
		if !strings.Contains(out, want) {
			t.Errorf("show debugging lacks %q:\n%s", want, out)
		}
	}
	run(t, l.d, "undebug all")
	if out := run(t, l.d, "show debugging"); strings.Contains(out, "is on") {
		t.Errorf("show debugging after undebug all:\n%s", out)
	}
}
