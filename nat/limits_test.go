package nat

import (
	"net/netip"
	"testing"
)

// handshake completes a TCP connection from an inside host through the
// lab's PAT and fails the test if any of its segments is not translated.
func handshake(t *testing.T, l *lab, host string, port uint16) {
	t.Helper()
	l.run(t, []step{
		{"syn", "out", tcpPkt(host, port, "203.0.113.10", 80, syn), Created, "203.0.113.1", port, "203.0.113.10", 80},
		{"syn-ack", "in", tcpPkt("203.0.113.10", 80, "203.0.113.1", port, synack), Hit, "203.0.113.10", 80, host, port},
		{"ack", "out", tcpPkt(host, port, "203.0.113.10", 80, ack), Hit, "203.0.113.1", port, "203.0.113.10", 80},
	})
}

// flood sends count SYNs from one inside host, each from its own source
// port (spoofed: nothing ever answers them), and returns how many NAT
// translated.
func flood(l *lab, host string, count int) int {
	made := 0
	for i := 0; i < count; i++ {
		if l.Outbound(tcpPkt(host, uint16(1024+i%64000), "198.51.100.7", 80, syn)) == Created {
			made++
		}
	}
	return made
}

// hostEntries is the number of dynamic entries of an inside host.
func hostEntries(l *lab, host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if he := l.hosts[addr4(ip(host))]; he != nil {
		return he.count
	}
	return 0
}

// TestSYNFloodPerHostLimit: one inside host floods spoofed-port SYNs under
// a per-host limit. It never holds more than its limit; an established
// connection of another host survives; a new connection from another
// host, and from the flooding host itself, gets through.
func TestSYNFloodPerHostLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit func(*lab)
	}{
		{"host", func(l *lab) { l.SetHostLimit(ip("192.168.1.66"), 100) }},
		{"all-host", func(l *lab) { l.SetAllHostLimit(100) }},
		{"list", func(l *lab) { l.SetListLimit("1", 100) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLab(t).reference(t)
			tc.limit(l)
			handshake(t, l, "192.168.1.10", 40000)
			made := flood(l, "192.168.1.66", 20000)
			if made != 20000 {
				t.Fatalf("%d of the flood's SYNs translated: the limit evicts the oldest, it refuses none", made)
			}
			if n := hostEntries(l, "192.168.1.66"); n != 100 {
				t.Fatalf("the flooding host holds %d entries, want its limit 100", n)
			}
			l.run(t, []step{{"established flow survives", "out", tcpPkt("192.168.1.10", 40000, "203.0.113.10", 80, ack), Hit, "203.0.113.1", 40000, "203.0.113.10", 80}})
			handshake(t, l, "192.168.1.11", 40001)
			handshake(t, l, "192.168.1.66", 65500)
			if got := l.drops.evicted.Load(); got != 20000-100+1 {
				t.Fatalf("evicted %d", got)
			}
		})
	}
}

// TestSYNFloodMaxEntries: the same flood against max-entries alone (no
// per-host limit) takes the whole table, but a new connection evicts the
// oldest unestablished entry instead of failing for the syn-timeout.
func TestSYNFloodMaxEntries(t *testing.T) {
	l := newLab(t).reference(t)
	l.SetMaxEntries(500)
	handshake(t, l, "192.168.1.10", 40000)
	flood(l, "192.168.1.66", 5000)
	if d := l.Statistics().Dynamic; d != 500 {
		t.Fatalf("%d entries, want max-entries 500", d)
	}
	handshake(t, l, "192.168.1.11", 40001)
	l.run(t, []step{{"established flow survives", "out", tcpPkt("192.168.1.10", 40000, "203.0.113.10", 80, ack), Hit, "203.0.113.1", 40000, "203.0.113.10", 80}})
}

// TestLimitRefusesWhenAllEstablished: a host whose entries are all
// established gets no new one past its limit; the miss is counted under
// its limit and as a drop by cause.
func TestLimitRefusesWhenAllEstablished(t *testing.T) {
	l := newLab(t).reference(t)
	l.SetHostLimit(ip("192.168.1.10"), 2)
	handshake(t, l, "192.168.1.10", 40000)
	handshake(t, l, "192.168.1.10", 40001)
	l.run(t, []step{{"third", "out", tcpPkt("192.168.1.10", 40002, "203.0.113.10", 80, syn), Drop, "", 0, "", 0}})
	handshake(t, l, "192.168.1.11", 40002) // another host is not limited
	if r := l.cfg.limits.hosts[addr4(ip("192.168.1.10"))]; r.missed != 1 {
		t.Fatalf("host limit missed %d", r.missed)
	}
	if d := l.drops.cause[dropHostLimit].Load(); d != 1 {
		t.Fatalf("host-limit drops %d", d)
	}
	// A dynamic pool binding counts as an entry of its host too.
	must(t, l.AddPool(Pool{Name: "P", Start: ip("203.0.113.50"), End: ip("203.0.113.60"), PrefixLen: 24}))
	l.SetHostLimit(ip("10.9.9.9"), 1)
	must(t, l.AddMapping(Mapping{List: "NINE", Pool: "P"}))
	l.lists = prefixLists{"1": {netip.MustParsePrefix("192.168.1.0/24")}, "NINE": {netip.MustParsePrefix("10.9.9.0/24")}}
	l.run(t, []step{{"binding and session need two", "out", udpPkt("10.9.9.9", 1, "203.0.113.10", 53), Drop, "", 0, "", 0}})
	l.SetHostLimit(ip("10.9.9.9"), 2)
	l.run(t, []step{{"now they fit", "out", udpPkt("10.9.9.9", 1, "203.0.113.10", 53), Created, "203.0.113.50", 1, "203.0.113.10", 53}})
	if n := hostEntries(l, "10.9.9.9"); n != 2 {
		t.Fatalf("host entries %d, want 2", n)
	}
	l.ClearAll()
	if len(l.hosts) != 0 {
		t.Fatalf("%d hosts left after clear", len(l.hosts))
	}
}
