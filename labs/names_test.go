package labs

import (
	"strings"
	"testing"
)

func TestNames(t *testing.T) {
	tests := []struct{ lab, node, iface, netns, tun string }{
		{"ftp-nat", "pc1", "GigabitEthernet0/0", "ftp-nat-pc1", "ftp-nat-r1-g0"},
		{"ccna-e5", "srv", "GigabitEthernet0/2", "ccna-e5-srv", "ccna-e5-r1-g2"},
		{"x", "r1", "GigabitEthernet0/12", "x-r1", "x-r1-g12"},
	}
	for _, tt := range tests {
		if got := NetnsName(tt.lab, tt.node); got != tt.netns {
			t.Errorf("NetnsName(%q, %q) = %q, want %q", tt.lab, tt.node, got, tt.netns)
		}
		if got := TUNName(tt.lab, "r1", tt.iface); got != tt.tun {
			t.Errorf("TUNName(%q, r1, %q) = %q, want %q", tt.lab, tt.iface, got, tt.tun)
		}
	}
}

// Every name fits IFNAMSIZ, and distinct long names stay distinct after shortening.
func TestNamesFitAndStayDistinct(t *testing.T) {
	lab := "twelvecharsx"
	seen := map[string]string{}
	for _, node := range []string{"pc1", "pc2", "server-number-one", "server-number-two", "a", strings.Repeat("n", 32)} {
		for _, name := range []string{NetnsName(lab, node), TUNName(lab, node, "GigabitEthernet0/0"), TUNName(lab, node, "GigabitEthernet0/63")} {
			if len(name) > MaxIfName {
				t.Errorf("%q is %d bytes, longer than %d", name, len(name), MaxIfName)
			}
			if !validName(name) {
				t.Errorf("%q is not usable as a device or namespace name", name)
			}
			if prev, dup := seen[name]; dup {
				t.Errorf("%q allocated twice (%s and %s)", name, prev, node)
			}
			seen[name] = node
		}
	}
}

func TestCanonicalInterface(t *testing.T) {
	for in, want := range map[string]string{
		"Gi0/0": "GigabitEthernet0/0", "g0/1": "GigabitEthernet0/1", "gig 0/2": "GigabitEthernet0/2",
		"GigabitEthernet0/03": "GigabitEthernet0/3", "GIGABITETHERNET0/10": "GigabitEthernet0/10",
	} {
		if got, err := canonicalInterface(in); err != nil || got != want {
			t.Errorf("canonicalInterface(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"eth0", "Gi1/0", "Gi0", "Gi0/", "Loopback0", "Gi0/x", "Gi0/123", "0/1"} {
		if got, err := canonicalInterface(bad); err == nil {
			t.Errorf("canonicalInterface(%q) = %q, want an error", bad, got)
		}
	}
}
