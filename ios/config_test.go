package ios

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const labConfig = `en
conf t
hostname R1
service password-encryption
int g0/0
 desc LAN
 ip add 192.168.1.1 255.255.255.0
 no shut
int g0/1
 description ISP uplink
 ip address 203.0.113.1 255.255.255.0
 no shutdown
interface loopback 0
 ip addr 10.255.255.1 255.255.255.255
ip route 0.0.0.0 0.0.0.0 203.0.113.10
ip route 10.9.0.0 255.255.0.0 gi 0/2 200
ip access-list standard MGMT
 permit 192.168.1.10
 deny 10.0.0.0 0.255.255.255
end
`

// TestRunningConfigRoundTrip: the running-config fed back through
// LoadConfig into a fresh engine renders the same text.
func TestRunningConfigRoundTrip(t *testing.T) {
	e1, _ := newTestEngine()
	s := e1.NewSession(nil)
	if failed := s.RunScript(strings.NewReader(labConfig)); failed != 0 {
		t.Fatalf("%d lines failed", failed)
	}
	text := e1.RunningConfig()
	for _, want := range []string{"hostname R1\n", "service password-encryption\n", "interface Loopback0\n ip address 10.255.255.1 255.255.255.255\n",
		"ip route 10.9.0.0 255.255.0.0 GigabitEthernet0/2 200\n", " deny   10.0.0.0 0.255.255.255\n", "!\nend\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("running-config lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasPrefix(text, "!\nversion 15.9\nservice timestamps debug datetime msec\n") {
		t.Errorf("running-config starts wrong:\n%s", text)
	}

	// As on IOS, a router booting with a configuration starts its ports
	// "no shutdown" unless the configuration says "shutdown".
	e2, toy2 := newTestEngine()
	for _, i := range toy2.ifaces {
		i.shut = false
	}
	s2, out := sessionIn(e2, Exec)
	s2.Execute("show running-config")
	if errs := e2.LoadConfig(strings.NewReader(out.String())); len(errs) != 0 {
		t.Fatalf("load errors: %v", errs)
	}
	errs := e2.LoadConfig(strings.NewReader(text))
	if len(errs) != 0 {
		t.Fatalf("load errors: %v", errs)
	}
	if got := e2.RunningConfig(); got != text {
		t.Errorf("round trip differs:\n--- first\n%s\n--- second\n%s", text, got)
	}
}

// TestLoadConfigErrors: every bad line is reported with its number and the
// IOS message, every other line still applies.
func TestLoadConfigErrors(t *testing.T) {
	e, toy := newTestEngine()
	cfg := `Building configuration...

Current configuration : 999 bytes
!
version 15.9
hostname R9
!
interface GigabitEthernet0/1
 description Up? | yes
 ip address 10.1.1.1 255.255.255.0
 ip adress 10.1.1.2 255.255.255.0
 bogus-subcommand
 no shutdown
!
ip route 10.0.0.0 255.0.0.0
ip route 0.0.0.0 0.0.0.0 10.1.1.254
ip
interface GigabitEthernet0/7
no ip route 1.0.0.0 255.0.0.0 2.2.2.2
end
hostname AfterEnd
`
	errs := e.LoadConfig(strings.NewReader(cfg))
	want := []LineError{
		{11, " ip adress 10.1.1.2 255.255.255.0", "% Invalid input detected at '^' marker."},
		{12, " bogus-subcommand", "% Invalid input detected at '^' marker."},
		{15, "ip route 10.0.0.0 255.0.0.0", "% Incomplete command."},
		{17, "ip", "% Incomplete command."},
		{18, "interface GigabitEthernet0/7", "% Invalid interface GigabitEthernet0/7"},
		{19, "no ip route 1.0.0.0 255.0.0.0 2.2.2.2", "%No matching route to delete"},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i := range want {
		if errs[i] != want[i] {
			t.Errorf("error %d: got %+v, want %+v", i, errs[i], want[i])
		}
	}
	if e.Hostname() != "R9" {
		t.Errorf("hostname %q", e.Hostname())
	}
	g := toy.ifaces["GigabitEthernet0/1"]
	if g.addr != "10.1.1.1 255.255.255.0" || g.shut || g.desc != "Up? | yes" {
		t.Errorf("interface not configured: %+v", g)
	}
	if len(toy.routes) != 1 {
		t.Errorf("routes %v", toy.routes)
	}
}

// TestStartupConfig: write memory saves atomically into the file and show
// startup-config reads it back; a fresh engine loads it.
func TestStartupConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "startup-config")
	e, _ := newTestEngine()
	e.SetStartupPath(path)
	s, out := sessionIn(e, Exec)
	s.Execute("show startup-config")
	if out.String() != "startup-config is not present\n" {
		t.Errorf("empty startup: %q", out.String())
	}
	s.RunScript(strings.NewReader("conf t\nhostname Saved\nint g0/3\nno shut\nend\n"))
	out.Reset()
	if !s.Execute("wr") || out.String() != "Building configuration...\n[OK]\n" {
		t.Errorf("wr: %q", out.String())
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != e.RunningConfig() {
		t.Fatalf("saved file: %v\n%s", err, b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	out.Reset()
	s.Execute("show startup-config")
	if !strings.HasPrefix(out.String(), "Using "+strconv.Itoa(len(b))+" out of 262144 bytes\n!\nversion 15.9\n") {
		t.Errorf("show startup-config: %q", out.String())
	}

	e2, toy2 := newTestEngine()
	for _, i := range toy2.ifaces {
		i.shut = false
	}
	e2.SetStartupPath(path)
	errs, err := e2.LoadStartup()
	if err != nil || len(errs) != 0 {
		t.Fatalf("LoadStartup: %v %v", err, errs)
	}
	if e2.Hostname() != "Saved" || toy2.ifaces["GigabitEthernet0/3"].shut {
		t.Errorf("startup not applied")
	}

	// A startup path in a missing directory fails with the IOS-style error.
	e.SetStartupPath(filepath.Join(dir, "missing", "startup-config"))
	out.Reset()
	if s.Execute("write memory") || !strings.Contains(out.String(), "%Error writing nvram:/startup-config") {
		t.Errorf("write to a bad path: %q", out.String())
	}
}

// TestSectionOrder: sections come out by order, ties by add order, around
// the engine's own lines.
func TestSectionOrder(t *testing.T) {
	e := NewEngine()
	e.AddConfigSection(OrderLines, func(w io.Writer) { w.Write([]byte("line con 0\n")) })
	e.AddConfigSection(OrderNAT, func(w io.Writer) { w.Write([]byte("ip nat a\n")) })
	e.AddConfigSection(OrderInterfaces, func(w io.Writer) { w.Write([]byte("interface x\n")) })
	e.AddConfigSection(OrderNAT, func(w io.Writer) { w.Write([]byte("ip nat b\n")) })
	e.AddConfigSection(OrderRoutes, func(w io.Writer) { w.Write([]byte("ip route\n")) })
	e.AddConfigSection(OrderACL, func(w io.Writer) { w.Write([]byte("access-list 1\n")) })
	got := e.RunningConfig()
	want := "!\nversion 15.9\nservice timestamps debug datetime msec\nservice timestamps log datetime msec\nno service password-encryption\n!\nhostname Router\n!\nboot-start-marker\nboot-end-marker\n!\n" +
		"interface x\nip nat a\nip nat b\nip route\naccess-list 1\nline con 0\n!\nend\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
