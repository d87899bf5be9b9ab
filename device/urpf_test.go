package device

import (
	"net/netip"
	"strings"
	"testing"

	"natlab/packet"
	"natlab/port"
)

// TestVerifySourceACLException: `ip verify unicast source reachable-via rx
// N` drops a spoofed source on the whole router, unless access-list N
// permits it (the router reads the device's access-lists).
func TestVerifySourceACLException(t *testing.T) {
	d := New(Options{Interfaces: 4, Clock: fixedClock})
	defer d.Close()
	hosts := map[string]*port.MemHost{}
	for _, ifname := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1"} {
		p, h := port.NewMem(ifname, 1500)
		if err := d.Router.Bind(ifname, p); err != nil {
			t.Fatal(err)
		}
		hosts[ifname] = h
	}
	cfg := `access-list 10 permit host 192.168.1.50
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip verify unicast source reachable-via rx 10
end
`
	if errs := d.ApplyStartup(strings.NewReader(cfg)); len(errs) > 0 {
		t.Fatalf("config: %+v", errs)
	}
	dst := netip.MustParseAddr("192.168.1.10")
	tests := []struct {
		src     string
		forward bool
	}{
		{"203.0.113.10", true},  // reachable back through Gi0/1
		{"192.168.1.51", false}, // an inside address arriving outside: spoofed
		{"192.168.1.50", true},  // spoofed too, but access-list 10 permits it
	}
	for _, tt := range tests {
		b := make([]byte, 64)
		pkt := b[:packet.BuildTCP(b, netip.MustParseAddr(tt.src), dst, 40000, 80, 1, 0, packet.TCPSyn, 65535, 1, 64, nil)]
		if err := hosts["GigabitEthernet0/1"].Inject(pkt); err != nil {
			t.Fatal(err)
		}
		if got := forwardedTCP(hosts["GigabitEthernet0/0"]) != nil; got != tt.forward {
			t.Errorf("source %s: forwarded %v, want %v", tt.src, got, tt.forward)
		}
	}
}
