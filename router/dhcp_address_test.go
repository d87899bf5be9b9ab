package router

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"natlab/internal/golden"
)

// leaseMarker is the line of a dhcpclient script at which the test plays
// the DHCP client that got a lease.
const leaseMarker = "! the DHCP server leases 203.0.113.5/24 with router 203.0.113.10 here\n"

// fakeDHCP records the client's starts and stops.
type fakeDHCP struct{ calls []string }

func (f *fakeDHCP) install(c *CLI) {
	c.SetDHCPClient(func(n string) { f.calls = append(f.calls, "start "+n) },
		func(n string) { f.calls = append(f.calls, "stop "+n) })
}

// TestDHCPClientTranscripts types testdata/dhcpclient/*.txt into a router
// whose DHCP client is a fake, leasing at the script's marker.
func TestDHCPClientTranscripts(t *testing.T) {
	golden.Transcripts(t, "testdata/dhcpclient", func(t *testing.T, script []byte) string {
		l := newCLILab(t)
		var f fakeDHCP
		f.install(l.c)
		var out bytes.Buffer
		s := l.e.NewSession(&out)
		defer s.Close()
		s.SetTerminalLength(0)
		before, after, ok := strings.Cut(string(script), leaseMarker)
		s.RunScript(strings.NewReader(before))
		if ok {
			l.c.DHCPAddress("GigabitEthernet0/1", netip.MustParsePrefix("203.0.113.5/24"))
			l.c.DHCPDefault("GigabitEthernet0/1", netip.MustParseAddr("203.0.113.10"))
			s.RunScript(strings.NewReader(after))
		}
		return out.String()
	})
}

// TestDHCPClientLifecycle: what starts and stops the client, and what each
// way of ending it leaves on the interface and in the routing table.
func TestDHCPClientLifecycle(t *testing.T) {
	const gi1 = "GigabitEthernet0/1"
	lease := netip.MustParsePrefix("203.0.113.5/24")
	gw := netip.MustParseAddr("203.0.113.10")
	cases := []struct {
		name      string
		end       []string // typed in config-if of Gi0/1 after the lease
		wantAddr  netip.Prefix
		wantCalls []string
	}{
		{"no ip address", []string{"no ip address"}, netip.Prefix{}, []string{"start " + gi1, "stop " + gi1}},
		{"no ip address dhcp", []string{"no ip address dhcp"}, netip.Prefix{}, []string{"start " + gi1, "stop " + gi1}},
		{"static address", []string{"ip address 10.9.9.1 255.255.255.0"}, netip.MustParsePrefix("10.9.9.1/24"),
			[]string{"start " + gi1, "stop " + gi1}},
		{"typed twice", []string{"ip address dhcp"}, lease, []string{"start " + gi1}},
		{"default interface", []string{"exit", "default interface " + gi1}, netip.Prefix{},
			[]string{"start " + gi1, "stop " + gi1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newCLILab(t)
			var f fakeDHCP
			f.install(l.c)
			l.run("configure terminal", "interface "+gi1, "ip address dhcp")
			if got := l.gi(1).Address(); got.IsValid() {
				t.Fatalf("address before the lease: %v", got)
			}
			l.c.DHCPAddress(gi1, lease)
			l.c.DHCPDefault(gi1, gw)
			if r, ok := l.r.Lookup(netip.MustParseAddr("8.8.8.8")); !ok || r.NextHop != gw || r.Distance != dhcpDistance {
				t.Fatalf("default route after the lease: %+v %v", r, ok)
			}
			l.run(append([]string{"configure terminal", "interface " + gi1}, tc.end...)...)
			if got := l.gi(1).Address(); got != tc.wantAddr {
				t.Errorf("address = %v, want %v", got, tc.wantAddr)
			}
			_, stillRouted := l.r.Lookup(netip.MustParseAddr("8.8.8.8"))
			if on := tc.wantAddr == lease; stillRouted != on {
				t.Errorf("default route present = %v, want %v", stillRouted, on)
			}
			if !slices.Equal(f.calls, tc.wantCalls) {
				t.Errorf("client calls = %q, want %q", f.calls, tc.wantCalls)
			}
			// A lease the client reports after it was stopped changes nothing.
			if tc.wantAddr != lease {
				l.c.DHCPAddress(gi1, lease)
				l.c.DHCPDefault(gi1, gw)
				if got := l.gi(1).Address(); got != tc.wantAddr {
					t.Errorf("late lease set the address: %v", got)
				}
				if _, ok := l.r.Lookup(netip.MustParseAddr("8.8.8.8")); ok {
					t.Error("late lease installed a default route")
				}
			}
		})
	}
}

// TestDHCPDefaultReplaced: a renewed lease with another router moves the
// default route; one without a router removes it; none of it is rendered.
func TestDHCPDefaultReplaced(t *testing.T) {
	const gi1 = "GigabitEthernet0/1"
	l := newCLILab(t)
	var f fakeDHCP
	f.install(l.c)
	l.run("configure terminal", "interface "+gi1, "ip address dhcp")
	l.c.DHCPAddress(gi1, netip.MustParsePrefix("203.0.113.5/24"))
	for _, tc := range []struct {
		gw   string
		want string // next hop of the default route, "" none
	}{{"203.0.113.10", "203.0.113.10"}, {"203.0.113.11", "203.0.113.11"}, {"", ""}, {"255.255.255.255", ""}} {
		var gw netip.Addr
		if tc.gw != "" {
			gw = netip.MustParseAddr(tc.gw)
		}
		l.c.DHCPDefault(gi1, gw)
		var hops []string
		for _, s := range l.r.StaticRoutes() {
			hops = append(hops, s.NextHop.String())
		}
		want := []string{}
		if tc.want != "" {
			want = []string{tc.want}
		}
		if !slices.Equal(append([]string{}, hops...), want) {
			t.Errorf("gw %q: statics via %q, want %q", tc.gw, hops, want)
		}
		if cfg := l.e.RunningConfig(); strings.Contains(cfg, "ip route") || !strings.Contains(cfg, " ip address dhcp\n") {
			t.Errorf("gw %q: running-config:\n%s", tc.gw, cfg)
		}
	}
}
