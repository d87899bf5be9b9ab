package nat

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"

	"natlab/packet"
	"natlab/router"
)

// flowPkt patches a UDP template with addresses and ports. The IP header
// checksum follows (the router's decoder checks it); NAT does not verify
// transport checksums, so the template's stays as it is.
func flowPkt(tmpl []byte, src uint32, sport uint16, dst uint32, dport uint16) []byte {
	b := append([]byte(nil), tmpl...)
	setAddrs(b, src, dst)
	binary.BigEndian.PutUint16(b[20:], sport)
	binary.BigEndian.PutUint16(b[22:], dport)
	return b
}

// setAddrs rewrites the addresses of a packet and its header checksum.
func setAddrs(b []byte, src, dst uint32) {
	packet.IPv4(b).SetSrc(netip.AddrFrom4(from32(src)))
	packet.IPv4(b).SetDst(netip.AddrFrom4(from32(dst)))
}

// populate creates n PAT sessions: 4096 inside hosts, each to n/4096
// destinations (one binding per host, endpoint independent).
func populate(tb testing.TB, l *lab, n int) [][]byte {
	tb.Helper()
	tmpl := udpPkt("192.168.0.1", 40000, "10.0.0.1", 53)
	pkts := make([][]byte, 0, n)
	base, dbase := be32(addr4(ip("192.168.0.0"))), be32(addr4(ip("10.0.0.0")))
	for i := 0; i < n; i++ {
		p := flowPkt(tmpl, base+uint32(i%4096)+1, 40000, dbase+uint32(i/4096), 53)
		pkts = append(pkts, append([]byte(nil), p...))
		if r := l.Outbound(p); r != Created {
			tb.Fatalf("flow %d: %d", i, r)
		}
	}
	return pkts
}

func patLab(tb testing.TB) *lab {
	l := newLab(tb)
	must(tb, l.AddMapping(Mapping{List: "NAT_ACL", Interface: "GigabitEthernet0/1", Overload: true}))
	return l
}

// TestHitAllocatesNothing asserts the hot path: an existing translation,
// both directions, through the router hooks too.
func TestHitAllocatesNothing(t *testing.T) {
	l := newLab(t).reference(t)
	out := tcpPkt("192.168.1.10", 49732, "203.0.113.10", 80, ack)
	in := tcpPkt("203.0.113.10", 80, "203.0.113.1", 49732, ack)
	buf := make([]byte, len(out))
	copy(buf, out)
	if l.Outbound(buf) != Created {
		t.Fatal("setup")
	}
	for name, f := range map[string]func(){
		"outbound": func() { copy(buf, out); l.Outbound(buf) },
		"inbound":  func() { copy(buf, in); l.Inbound(buf) },
	} {
		if a := testing.AllocsPerRun(1000, f); a != 0 {
			t.Errorf("%s hit: %v allocs/packet", name, a)
		}
	}
	// Through the hook, as the router calls it (its interfaces have the
	// lab's indexes).
	r := router.New(router.Options{Interfaces: len(labInterfaces)})
	defer r.Close()
	p := &router.Packet{In: r.Interface("GigabitEthernet0/0"), Out: r.Interface("GigabitEthernet0/1")}
	if a := testing.AllocsPerRun(1000, func() {
		copy(buf, out)
		p.Buf = buf
		p.Reparse()
		if l.insideToOutside(p) != router.Accept || srcOf(buf) != ip("203.0.113.1") {
			t.Fatal("not translated")
		}
	}); a != 0 {
		t.Errorf("insideToOutside hit: %v allocs/packet", a)
	}
}

func BenchmarkHit(b *testing.B) {
	for _, n := range []int{10, 1_000_000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			l := patLab(b)
			pkts := populate(b, l, n)
			// A random working set, so the large table is not all in cache.
			rng := rand.New(rand.NewPCG(1, 2))
			set := make([][]byte, 1024)
			for i := range set {
				set[i] = pkts[rng.IntN(len(pkts))]
			}
			buf := make([]byte, len(set[0]))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				copy(buf, set[i&1023])
				if l.Outbound(buf) != Hit {
					b.Fatal("miss")
				}
			}
		})
	}
}

func BenchmarkHitInbound(b *testing.B) {
	l := newLab(b).reference(b)
	out := tcpPkt("192.168.1.10", 49732, "203.0.113.10", 80, ack)
	in := tcpPkt("203.0.113.10", 80, "203.0.113.1", 49732, ack)
	l.Outbound(out)
	buf := make([]byte, len(in))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		copy(buf, in)
		l.Inbound(buf)
	}
}

// BenchmarkNewTranslation is the setup rate: every packet a new flow.
func BenchmarkNewTranslation(b *testing.B) {
	l := patLab(b)
	tmpl := udpPkt("192.168.0.1", 40000, "10.0.0.1", 53)
	base, dbase := be32(addr4(ip("192.168.0.0"))), be32(addr4(ip("10.0.0.0")))
	buf := make([]byte, len(tmpl))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		copy(buf, tmpl)
		setAddrs(buf, base+uint32(i%4096)+1, dbase+uint32(i/4096))
		if l.Outbound(buf) != Created {
			b.Fatal("not created")
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "translations/s")
}

// BenchmarkMemoryPerTranslation measures the heap held per session with
// 1,000,000 of them (run with -benchtime=1x).
func BenchmarkMemoryPerTranslation(b *testing.B) {
	const n = 1_000_000
	for i := 0; i < b.N; i++ {
		l := patLab(b)
		tmpl := udpPkt("192.168.0.1", 40000, "10.0.0.1", 53)
		base, dbase := be32(addr4(ip("192.168.0.0"))), be32(addr4(ip("10.0.0.0")))
		buf := make([]byte, len(tmpl))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for j := 0; j < n; j++ {
			copy(buf, tmpl)
			setAddrs(buf, base+uint32(j%4096)+1, dbase+uint32(j/4096))
			l.Outbound(buf)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if l.Statistics().Dynamic != n {
			b.Fatal("not all created")
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/entry")
		runtime.KeepAlive(l)
	}
}

// BenchmarkPostRoutingHit is the hot path as the router runs it: its one
// decode of the packet, then NAT's inside-to-outside hook (lookup, and a
// rewrite that keeps the decoded view up to date).
func BenchmarkPostRoutingHit(b *testing.B) {
	l := newLab(b).reference(b)
	r := router.New(router.Options{Interfaces: len(labInterfaces)})
	defer r.Close()
	out := tcpPkt("192.168.1.10", 49732, "203.0.113.10", 80, ack)
	buf := append([]byte(nil), out...)
	l.Outbound(buf)
	p := &router.Packet{In: r.Interface("GigabitEthernet0/0"), Out: r.Interface("GigabitEthernet0/1")}
	p.Buf = buf
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		copy(buf, out)
		p.Reparse()
		if l.insideToOutside(p) != router.Accept {
			b.Fatal("dropped")
		}
	}
}

// BenchmarkHooksPAT is an established PAT flow through both NAT hooks
// as the router runs them for a forwarded packet: its decode, the
// outside-to-inside stage before routing (which, for a packet from the
// inside, checks for a hairpin), the inside-to-outside stage after.
func BenchmarkHooksPAT(b *testing.B) {
	l := newLab(b).reference(b)
	r := router.New(router.Options{Interfaces: len(labInterfaces)})
	defer r.Close()
	inside, outside := r.Interface("GigabitEthernet0/0"), r.Interface("GigabitEthernet0/1")
	out := tcpPkt("192.168.1.10", 49732, "203.0.113.10", 80, ack)
	in := tcpPkt("203.0.113.10", 80, "203.0.113.1", 49732, ack)
	l.Outbound(append([]byte(nil), out...))
	for _, c := range []struct {
		name     string
		pkt      []byte
		from, to *router.Interface
	}{{"out", out, inside, outside}, {"in", in, outside, inside}} {
		b.Run(c.name, func(b *testing.B) {
			buf := append([]byte(nil), c.pkt...)
			p := &router.Packet{Buf: buf}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				copy(buf, c.pkt)
				p.In, p.Out = c.from, nil
				p.Reparse()
				if l.outsideToInside(p) != router.Accept {
					b.Fatal("dropped")
				}
				p.Out = c.to
				if l.insideToOutside(p) != router.Accept {
					b.Fatal("dropped")
				}
			}
		})
	}
}

// BenchmarkSweep1M is one full expiry pass over 1,000,000 live sessions
// (none expire). The scan holds one shard's read lock at a time; the NAT
// lock is taken only to remove what expired.
func BenchmarkSweep1M(b *testing.B) {
	l := patLab(b)
	populate(b, l, 1_000_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Sweep()
	}
}
