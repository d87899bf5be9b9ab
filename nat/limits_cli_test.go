package nat

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestCLILimits configures every form of `ip nat translation max-entries`,
// sends traffic that meets each limit and each cause of drop, and shows
// the statistics, the running-config and the `no` forms.
func TestCLILimits(t *testing.T) {
	l := newCLILab(t)
	l.script(t, insideRoles+`interface gi0/1
 ip nat outside
 exit
access-list 1 permit 192.168.1.0 0.0.0.255
access-list 2 permit 192.168.2.0 0.0.0.255
ip nat pool TINY 203.0.113.50 203.0.113.50 netmask 255.255.255.0
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source list 2 pool TINY
ip nat translation max-entries 12
ip nat translation max-entries host 192.168.1.66 3
ip nat translation max-entries list 1 8
ip nat translation max-entries all-host 4
end
`)
	const in, out, srv = "GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"
	// 192.168.1.66 (its own limit, 3): three connections, a fourth refused.
	for p := uint16(40000); p < 40003; p++ {
		l.through(tcpPkt("192.168.1.66", p, "203.0.113.10", 80, syn), in, out)
		l.through(tcpPkt("203.0.113.10", 80, "203.0.113.1", p, synack), out, in)
		l.through(tcpPkt("192.168.1.66", p, "203.0.113.10", 80, ack), in, out)
	}
	l.through(tcpPkt("192.168.1.66", 40003, "203.0.113.10", 80, syn), in, out)
	// 192.168.1.99 (list 1, 8 each) floods: its oldest SYNs make room.
	for p := uint16(2000); p < 2020; p++ {
		l.through(tcpPkt("192.168.1.99", p, "198.51.100.7", 80, syn), in, out)
	}
	// 192.168.2.10 (all-host, 4) takes the pool's one address: a binding and
	// a session, for which max-entries evicts one of the flood's; then the
	// pool is exhausted for 192.168.2.11.
	l.through(udpPkt("192.168.2.10", 5000, "203.0.113.10", 53), srv, out)
	l.through(udpPkt("192.168.2.11", 5000, "203.0.113.10", 53), srv, out)
	// PAT cannot carry GRE; an ICMP error with a bad checksum is dropped.
	l.through(grePkt("192.168.1.10", "203.0.113.10"), in, out)
	bad := icmpErr(3, 3, "203.0.113.10", udpPkt("203.0.113.1", 5000, "203.0.113.10", 53))
	bad[len(bad)-1] ^= 0xff
	l.through(bad, out, in)
	l.clock.Advance(2 * time.Second)
	l.script(t, `
show ip nat statistics
show running-config | include ip nat translation
configure terminal
ip nat translation max-entries host 192.168.1.66 5
no ip nat translation max-entries all-host
no ip nat translation max-entries list 1
no ip nat translation max-entries host 192.168.1.66
no ip nat translation max-entries host 192.168.1.77
ip nat translation max-entries list 1 6
ip nat translation max-entries list 1 7
ip nat translation max-entries host 10.0.0.1 1
end
show running-config | include ip nat translation
clear ip nat statistics
show ip nat statistics
`)
	compareGolden(t, "cli_limits", l.out.String())
}

// TestLimitsRunningConfigRoundTrip feeds the limit lines back and expects
// the same text.
func TestLimitsRunningConfigRoundTrip(t *testing.T) {
	const cfg = `ip nat translation max-entries 5000
ip nat translation max-entries all-host 100
ip nat translation max-entries host 192.168.1.66 10
ip nat translation max-entries host 192.168.1.5 2000
ip nat translation max-entries list 1 50
ip nat translation max-entries list USERS 300
`
	l := newCLILab(t)
	if errs := l.e.LoadConfig(strings.NewReader(cfg)); len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	var got bytes.Buffer
	l.n.renderConfig(&got)
	if got.String() != cfg {
		t.Fatalf("round trip:\n%s\n---\n%s", cfg, got.String())
	}
}
