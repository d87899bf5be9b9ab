package device

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/port"
)

var fixedTime = time.Date(2026, 3, 1, 10, 15, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedTime }

// testDevice is a whole router in the test process; Gi0/0 and Gi0/1 are bound to in-memory ports so their
// line protocol is up, Gi0/2 and Gi0/3 have no port (no carrier).
func testDevice(t *testing.T) *Device {
	t.Helper()
	d := New(Options{Interfaces: 4, Clock: fixedClock})
	for _, name := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1"} {
		p, _ := port.NewMem(name, 1500)
		if err := d.Router.Bind(name, p); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestTranscripts types each testdata/*.txt script into a fresh router, as a student would (with
// abbreviations), and compares the session transcript with its .golden file.
func TestTranscripts(t *testing.T) {
	golden.Transcripts(t, "testdata", func(t *testing.T, script []byte) string {
		var out bytes.Buffer
		s := testDevice(t).Engine.NewSession(&out)
		s.SetTerminalLength(0)
		s.RunScript(bytes.NewReader(script))
		return out.String()
	})
}

// fullConfig exercises every configuration command of the router, the ACLs and NAT.
const fullConfig = `hostname R1
interface GigabitEthernet0/0
 description LAN
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
 no shutdown
interface GigabitEthernet0/1
 description ISP
 ip address 203.0.113.1 255.255.255.0
 ip access-group OUTSIDE-IN in
 no ip unreachables
 ip nat outside
 no shutdown
interface GigabitEthernet0/2
 ip address 192.168.2.1 255.255.255.0
 ip nat inside
 shutdown
interface Loopback0
 ip address 10.255.255.1 255.255.255.255
ip nat pool PUBLIC 203.0.113.50 203.0.113.60 netmask 255.255.255.0
ip nat inside source static 192.168.2.10 203.0.113.100
ip nat inside source static tcp 192.168.2.11 21 203.0.113.101 2121 extendable
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source list 2 pool PUBLIC
ip nat translation udp-timeout 120
ip route 0.0.0.0 0.0.0.0 203.0.113.10
ip route 172.16.0.0 255.255.0.0 GigabitEthernet0/0 5
ip access-list extended OUTSIDE-IN
 permit tcp any host 203.0.113.100 eq ftp
 permit icmp any any echo-reply
 deny ip any any log
access-list 1 permit 192.168.1.0 0.0.0.255
access-list 2 permit 192.168.3.0 0.0.0.255
access-list 101 remark web only
access-list 101 permit tcp 192.168.1.0 0.0.0.255 any eq www
end
`

// TestRunningConfigRoundTrip: show running-config fed back into a fresh router gives the same
// running-config.
func TestRunningConfigRoundTrip(t *testing.T) {
	first := testDevice(t)
	if errs := first.ApplyStartup(strings.NewReader(fullConfig)); len(errs) > 0 {
		t.Fatalf("loading the full config: %+v", errs)
	}
	text := first.Engine.RunningConfig()
	second := testDevice(t)
	if errs := second.ApplyStartup(strings.NewReader(text)); len(errs) > 0 {
		t.Fatalf("loading the rendered config: %+v\n%s", errs, text)
	}
	if again := second.Engine.RunningConfig(); again != text {
		t.Errorf("round trip changed the config:\n%s", golden.Diff(text, again))
	}
	for _, want := range []string{"interface Loopback0\n ip address 10.255.255.1 255.255.255.255\n!",
		"ip route 172.16.0.0 255.255.0.0 GigabitEthernet0/0 5\n", " ip access-group OUTSIDE-IN in\n no ip unreachables\n ip nat outside\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("running-config lacks %q:\n%s", want, text)
		}
	}
}

// TestStartupConfigBadLines: a bad line is reported with its number and IOS message; the rest loads.
func TestStartupConfigBadLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "startup-config")
	cfg := "hostname R9\ninterface g0/0\n ip address 10.0.0.1 255.255.255.0\n ip adress 10.0.0.2 255.255.255.0\n" +
		"interface g0/1\n ip address 10.0.0.5 255.255.255.0\n ip address 10.1.0.1 255.255.255.0\nip route 10.9.9.9 255.255.255.0 10.1.0.2\nip route 10.9.0.0 255.255.0.0 10.1.0.2\nend\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	d := testDevice(t)
	var errs bytes.Buffer
	if err := d.LoadStartup(path, &errs); err != nil {
		t.Fatal(err)
	}
	report := errs.String()
	for _, want := range []string{
		path + ":4:  ip adress 10.0.0.2 255.255.255.0\n",
		"% Invalid input detected at '^' marker.",
		path + ":6:  ip address 10.0.0.5 255.255.255.0\n% 10.0.0.0 overlaps with GigabitEthernet0/0",
		path + ":8: ip route 10.9.9.9 255.255.255.0 10.1.0.2\n%Inconsistent address and mask",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("error report lacks %q:\n%s", want, report)
		}
	}
	run := d.Engine.RunningConfig()
	for _, want := range []string{"hostname R9", " ip address 10.0.0.1 255.255.255.0", " ip address 10.1.0.1 255.255.255.0",
		"ip route 10.9.0.0 255.255.0.0 10.1.0.2"} {
		if !strings.Contains(run, want) {
			t.Errorf("running-config lacks %q after the bad lines:\n%s", want, run)
		}
	}
	var out bytes.Buffer
	s := d.Engine.NewSession(&out)
	s.RunScript(strings.NewReader("enable\nsh ip int br | i 0/1\nwrite memory\n"))
	if !strings.Contains(out.String(), "GigabitEthernet0/1         10.1.0.1        YES NVRAM  up") {
		t.Errorf("address from startup-config should have Method NVRAM:\n%s", out.String())
	}
	saved, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(saved), "ip route 10.9.0.0 255.255.0.0 10.1.0.2") ||
		strings.Contains(string(saved), "adress") {
		t.Errorf("write memory saved %q (err %v)", saved, err)
	}
}
