package device

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/packet"
	"natlab/port"
)

// TestACLPlacementAndNATOrder pins the IOS order of operations down: which addresses an access-list sees
// at each placement relative to NAT (static NAT 192.168.2.10 <-> 203.0.113.100, server on Gi0/2 inside,
// ISP on Gi0/1 outside). Each case permits by one address form and must pass; the same list written with
// the other form must drop.
//
//	inside -> outside: input ACL (in-iface, local addresses) -> routing -> NAT -> output ACL (out-iface, global)
//	outside -> inside: input ACL (in-iface, global) -> NAT -> routing -> output ACL (out-iface, local)
func TestACLPlacementAndNATOrder(t *testing.T) {
	local, global := netip.MustParseAddr("192.168.2.10"), netip.MustParseAddr("203.0.113.100")
	isp := netip.MustParseAddr("203.0.113.10")
	tests := []struct {
		name      string
		iface     string // where the list is applied
		dir       string
		inbound   bool   // the packet comes from the ISP (else from the server)
		sees      string // "host X" the list must name to match
		wrongSees string
	}{
		{"in on outside sees the global destination", "g0/1", "in", true, "host " + global.String(), "host " + local.String()},
		{"out on inside sees the local destination", "g0/2", "out", true, "host " + local.String(), "host " + global.String()},
		{"in on inside sees the local source", "g0/2", "in", false, "host " + local.String(), "host " + global.String()},
		{"out on outside sees the global source", "g0/1", "out", false, "host " + global.String(), "host " + local.String()},
	}
	for _, tt := range tests {
		for _, match := range []bool{true, false} {
			addr := tt.sees
			if !match {
				addr = tt.wrongSees
			}
			var entry string
			if tt.inbound {
				entry = "permit tcp any " + addr + " eq 21"
			} else {
				entry = "permit tcp " + addr + " eq 21 any"
			}
			name := tt.name
			if !match {
				name += " (not the other form)"
			}
			t.Run(name, func(t *testing.T) {
				d := New(Options{Interfaces: 4, Clock: fixedClock})
				defer d.Close()
				hosts := map[string]*port.MemHost{}
				for _, ifname := range []string{"GigabitEthernet0/1", "GigabitEthernet0/2"} {
					p, h := port.NewMem(ifname, 1500)
					if err := d.Router.Bind(ifname, p); err != nil {
						t.Fatal(err)
					}
					hosts[ifname] = h
				}
				cfg := `interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
interface GigabitEthernet0/2
 ip address 192.168.2.1 255.255.255.0
 ip nat inside
ip nat inside source static 192.168.2.10 203.0.113.100
ip access-list extended PLACED
 ` + entry + `
interface ` + tt.iface + `
 ip access-group PLACED ` + tt.dir + `
end
`
				if errs := d.ApplyStartup(strings.NewReader(cfg)); len(errs) > 0 {
					t.Fatalf("config: %+v", errs)
				}
				var pkt []byte
				var from, to *port.MemHost
				var wantSrc, wantDst netip.Addr
				b := make([]byte, 64)
				if tt.inbound {
					pkt = b[:packet.BuildTCP(b, isp, global, 40000, 21, 1, 0, packet.TCPSyn, 65535, 1, 64, nil)]
					from, to = hosts["GigabitEthernet0/1"], hosts["GigabitEthernet0/2"]
					wantSrc, wantDst = isp, local
				} else {
					pkt = b[:packet.BuildTCP(b, local, isp, 21, 40000, 1, 2, packet.TCPSyn|packet.TCPAck, 65535, 1, 64, nil)]
					from, to = hosts["GigabitEthernet0/2"], hosts["GigabitEthernet0/1"]
					wantSrc, wantDst = global, isp
				}
				if err := from.Inject(pkt); err != nil {
					t.Fatal(err)
				}
				got := forwardedTCP(to)
				if !match {
					if got != nil {
						t.Fatalf("a list naming %s let the packet through", addr)
					}
					return
				}
				if got == nil {
					t.Fatalf("a list naming %s dropped the packet", addr)
				}
				var p packet.Parsed
				if r := p.Decode(got); r != packet.OK || p.Src != wantSrc || p.Dst != wantDst {
					t.Fatalf("forwarded %v -> %v (decode %v), want %v -> %v", p.Src, p.Dst, r, wantSrc, wantDst)
				}
			})
		}
	}
}

// forwardedTCP returns the next TCP packet a host gets within half a second, skipping the ICMP errors a
// denying list sends back.
func forwardedTCP(h *port.MemHost) []byte {
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil
		}
		b := h.Recv(left)
		if b == nil {
			return nil
		}
		var p packet.Parsed
		if p.Decode(b) == packet.OK && p.IPProto == packet.ProtoTCP {
			return b
		}
	}
}
