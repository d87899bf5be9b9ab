package device

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/packet"
	"natlab/port"
)

// natFloodRouter is a whole router with PAT on Gi0/1 for 192.168.1.0/24
// and the given limit lines, on in-memory ports: the inside host side of
// Gi0/0 and the outside of Gi0/1.
func natFloodRouter(t *testing.T, limits string) (*Device, *port.MemHost, *port.MemHost) {
	t.Helper()
	d := New(Options{Interfaces: 2})
	t.Cleanup(func() { d.Close() })
	hosts := make([]*port.MemHost, 2)
	for i, ifname := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1"} {
		p, h := port.NewMem(ifname, 1500)
		if err := d.Router.Bind(ifname, p); err != nil {
			t.Fatal(err)
		}
		hosts[i] = h
	}
	cfg := `access-list 1 permit 192.168.1.0 0.0.0.255
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
ip nat inside source list 1 interface GigabitEthernet0/1 overload
` + limits + "end\n"
	if errs := d.ApplyStartup(strings.NewReader(cfg)); len(errs) > 0 {
		t.Fatalf("config: %+v", errs)
	}
	return d, hosts[0], hosts[1]
}

func tcpSeg(src string, sport uint16, dst string, dport uint16, flags uint8) []byte {
	b := make([]byte, 64)
	return b[:packet.BuildTCP(b, netip.MustParseAddr(src), netip.MustParseAddr(dst), sport, dport, 1, 0, flags, 65535, 1, 64, nil)]
}

// inject sends a packet, waiting while the port's queue is full, so that
// a flood arrives whole.
func inject(t *testing.T, h *port.MemHost, b []byte) {
	t.Helper()
	for i := 0; ; i++ {
		err := h.Inject(b)
		if err == nil {
			return
		}
		if err != port.ErrQueueFull || i > 10000 {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

// connects completes a handshake from an inside host to an outside server
// through the router and reports what failed, if anything.
func connects(t *testing.T, inside, outside *port.MemHost, host string, sport uint16) error {
	t.Helper()
	inject(t, inside, tcpSeg(host, sport, "203.0.113.10", 80, packet.TCPSyn))
	syn := waitTCP(outside, "203.0.113.10")
	if syn == nil {
		return fmt.Errorf("%s:%d: SYN not forwarded", host, sport)
	}
	var p packet.Parsed
	p.Decode(syn)
	inject(t, outside, tcpSeg("203.0.113.10", 80, "203.0.113.1", p.SrcPort, packet.TCPSyn|packet.TCPAck))
	if waitTCP(inside, host) == nil {
		return fmt.Errorf("%s:%d: SYN-ACK not translated back", host, sport)
	}
	inject(t, inside, tcpSeg(host, sport, "203.0.113.10", 80, packet.TCPAck))
	if waitTCP(outside, "203.0.113.10") == nil {
		return fmt.Errorf("%s:%d: ACK not forwarded", host, sport)
	}
	return nil
}

// waitTCP is the next TCP segment to dst that reaches h, skipping the
// rest (the flood's SYNs); nil after a second.
func waitTCP(h *port.MemHost, dst string) []byte {
	want := netip.MustParseAddr(dst)
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		b := h.Recv(time.Until(deadline))
		var p packet.Parsed
		if b != nil && p.Decode(b) == packet.OK && p.IPProto == packet.ProtoTCP && p.Dst == want {
			return b
		}
	}
	return nil
}

// TestNATSYNFloodFromOneHost: an inside host floods spoofed-port SYNs (no
// answer ever comes) through a whole router. Under max-entries, or a
// per-host limit, a new connection from another host still gets through,
// and so does one from the flooding host: the flood's unestablished
// translations are evicted, oldest first, instead of every new flow being
// refused until they time out.
func TestNATSYNFloodFromOneHost(t *testing.T) {
	const floodSize = 5000
	for _, tc := range []struct{ name, limits, show string }{
		{"max-entries", "ip nat translation max-entries 1000\n", " max entry: max allowed 1000, used 1000,"},
		{"all-host", "ip nat translation max-entries all-host 100\n", " all-host: max allowed 100, used 102,"},
		{"host", "ip nat translation max-entries host 192.168.1.66 100\n", " host 192.168.1.66: max allowed 100, used 100,"},
		{"list", "access-list 66 permit host 192.168.1.66\nip nat translation max-entries list 66 100\n", " list 66: max allowed 100, used 100,"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, inside, outside := natFloodRouter(t, tc.limits)
			if err := connects(t, inside, outside, "192.168.1.10", 40000); err != nil {
				t.Fatal(err)
			}
			misses := d.NAT.Statistics().Misses
			for i := 0; i < floodSize; i++ {
				inject(t, inside, tcpSeg("192.168.1.66", uint16(2000+i), "203.0.113.7", 80, packet.TCPSyn))
			}
			deadline := time.Now().Add(10 * time.Second)
			for d.NAT.Statistics().Misses < misses+floodSize && time.Now().Before(deadline) {
				for outside.TryRecv() != nil {
				}
				time.Sleep(5 * time.Millisecond)
			}
			if m := d.NAT.Statistics().Misses - misses; m != floodSize {
				t.Fatalf("NAT saw %d of the flood's %d SYNs", m, floodSize)
			}
			if err := connects(t, inside, outside, "192.168.1.11", 40001); err != nil {
				t.Fatalf("another host during the flood: %v", err)
			}
			if err := connects(t, inside, outside, "192.168.1.66", 65000); err != nil {
				t.Fatalf("the flooding host after its flood: %v", err)
			}
			var out bytes.Buffer
			s := d.Engine.NewSession(&out)
			s.RunScript(strings.NewReader("enable\nshow ip nat statistics\n"))
			if !strings.Contains(out.String(), tc.show) {
				t.Fatalf("show ip nat statistics lacks %q:\n%s", tc.show, out.String())
			}
		})
	}
}
