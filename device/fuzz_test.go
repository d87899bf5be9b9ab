package device

import (
	"strings"
	"testing"

	"natlab/internal/golden"
)

// FuzzLoadConfig loads a whole startup-config into a whole router: nothing
// panics, every line that fails is reported with a line number inside the
// input and in a terminal-safe form, and the running-config it leaves
// loads into a second router to the same text.
func FuzzLoadConfig(f *testing.F) {
	f.Add(fullConfig)
	f.Add("hostname R1\nenable password 0 0\nline vty 0 4\n password 0 7\nbanner motd ^C\nhi\n^C\n")
	f.Add("interface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.255.0\n ip nat inside\nip nat inside source static 10.0.0.5 203.0.113.5\n")
	f.Add("access-list 101 permit tcp any host 203.0.113.100 eq ftp\nip inspect name FW ftp\ninterface Gi0/1\n ip inspect FW out\n ip access-group 101 in\n")
	f.Add("ip nat pool P 203.0.113.20 203.0.113.30 netmask 255.255.255.0\nip access-list standard IN\n permit 192.168.1.0 0.0.0.255\nip nat inside source list IN pool P overload\n")
	f.Add("\x1b[2J\x00\r\n!\nend\nhostname X\n")
	f.Fuzz(func(t *testing.T, cfg string) {
		if strings.Contains(cfg, "^C") || strings.ContainsAny(cfg, "\r\x1a") {
			t.Skip() // a literal ^C inside a banner cannot be rendered back
		}
		d1 := newFuzzDevice(t)
		lines := strings.Count(cfg, "\n") + 1
		for _, le := range d1.ApplyStartup(strings.NewReader(cfg)) {
			if le.Line < 1 || le.Line > lines {
				t.Fatalf("error at line %d of %d: %+v", le.Line, lines, le)
			}
			if strings.ContainsAny(le.Text+le.Message, "\x1b\x00\x07") {
				t.Fatalf("error not terminal-safe: %q", le)
			}
		}
		first := d1.Engine.RunningConfig()
		d2 := newFuzzDevice(t)
		if errs := d2.ApplyStartup(strings.NewReader(first)); len(errs) != 0 {
			t.Fatalf("the running-config of %q does not load back: %v\n%s", cfg, errs, first)
		}
		if second := d2.Engine.RunningConfig(); second != first {
			t.Fatalf("round trip of %q differs:\n%s", cfg, golden.Diff(first, second))
		}
	})
}

// newFuzzDevice is a router closed with its access-lists' goroutines too
// (Device.Close leaves them running, and thousands of runs add up).
func newFuzzDevice(t *testing.T) *Device {
	d := New(Options{Clock: fixedClock})
	t.Cleanup(func() {
		d.Close()
		d.ACLs.Close()
	})
	return d
}
