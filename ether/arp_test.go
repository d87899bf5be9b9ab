package ether

import (
	"bytes"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestResolveThenDeliver: the first packet to a new neighbor sends a
// request and waits; the reply releases it; later packets go straight out.
func TestResolveThenDeliver(t *testing.T) {
	r := newRig(t)
	pkt := udp(routerIP, pc1IP, 100)
	write(t, r.p, pkt, netip.Addr{})
	req := parseARPFrame(t, r.one(t))
	if req.dst != Broadcast || req.src != routerMAC || req.op != ARPRequest || req.sha != routerMAC ||
		req.spa != routerIP || req.tpa != pc1IP || !req.tha.IsZero() || req.frameLen != minFrame {
		t.Fatalf("request %+v", req)
	}
	if n := r.p.Neighbors(); len(n) != 1 || !n[0].Incomplete || n[0].Addr != pc1IP {
		t.Fatalf("neighbors %+v", n)
	}
	r.l.input(arpFrame(ARPReply, pc1MAC, pc1IP, routerMAC, routerIP, 0))
	f := r.one(t)
	d, _ := decode(f)
	if d.dst != pc1MAC || d.src != routerMAC || d.etype != TypeIPv4 || !bytes.Equal(f[d.payload:], pkt) {
		t.Fatalf("queued packet left as % x", f)
	}
	write(t, r.p, pkt, netip.Addr{})
	if d, _ := decode(r.one(t)); d.dst != pc1MAC {
		t.Fatalf("second packet to %v", d.dst)
	}
	if n := r.p.Neighbors(); len(n) != 1 || n[0].Incomplete || n[0].MAC != pc1MAC {
		t.Fatalf("neighbors %+v", n)
	}
	if s := r.p.Stats(); s.ARPRequestsOut != 1 || s.ARPRepliesIn != 1 {
		t.Errorf("stats %+v", s)
	}
}

// TestNextHop: WriteNextHop resolves the hop, not the destination.
func TestNextHop(t *testing.T) {
	r := newRig(t)
	r.l.input(arpFrame(ARPRequest, pc2MAC, pc2IP, MAC{}, routerIP, 0)) // learn pc2
	r.sent()
	write(t, r.p, udp(routerIP, netip.MustParseAddr("8.8.8.8"), 60), pc2IP)
	if d, _ := decode(r.one(t)); d.dst != pc2MAC {
		t.Fatalf("packet via pc2 went to %v", d.dst)
	}
}

// TestBroadcastDestinations: limited and subnet broadcasts, multicast.
func TestBroadcastDestinations(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		dst  string
		want MAC
	}{
		{"255.255.255.255", Broadcast},
		{"192.168.1.255", Broadcast},
		{"224.0.0.9", MAC{0x01, 0x00, 0x5e, 0, 0, 9}},
	} {
		write(t, r.p, udp(routerIP, netip.MustParseAddr(tc.dst), 60), netip.Addr{})
		if d, _ := decode(r.one(t)); d.dst != tc.want {
			t.Errorf("%s went to %v, want %v", tc.dst, d.dst, tc.want)
		}
	}
}

// TestAnswers: requests for our address and for what the host answers get
// a reply with our MAC; others, and gratuitous ARP, get silence.
func TestAnswers(t *testing.T) {
	nat := netip.MustParseAddr("192.168.1.100")
	for _, tc := range []struct {
		name   string
		frame  []byte
		reply  bool
		learns bool
	}{
		{"own address", arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0), true, true},
		{"own address from another subnet", arpFrame(ARPRequest, pc1MAC, netip.MustParseAddr("10.0.0.5"), MAC{}, routerIP, 0), true, true},
		{"answered (NAT, proxy)", arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, nat, 0), true, true},
		{"someone else", arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, pc2IP, 0), false, false},
		{"gratuitous", arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, pc1IP, 0), false, true},
		{"a reply to another station", arpFrame(ARPReply, pc1MAC, pc1IP, pc2MAC, pc2IP, 0), false, false},
		{"our address claimed", arpFrame(ARPRequest, pc1MAC, routerIP, MAC{}, pc2IP, 0), false, false},
		{"our own request reflected", arpFrame(ARPRequest, routerMAC, routerIP, MAC{}, pc1IP, 0), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.host.answers[nat] = true
			a := ARP(tc.frame[HeaderSize:])
			r.l.input(tc.frame)
			fs := r.sent()
			if !tc.reply {
				if len(fs) != 0 {
					t.Fatalf("answered: % x", fs[0])
				}
			} else {
				if len(fs) != 1 {
					t.Fatalf("%d frames sent", len(fs))
				}
				rep := parseARPFrame(t, fs[0])
				if rep.op != ARPReply || rep.dst != a.SHA() || rep.sha != routerMAC || rep.spa != a.TPA() ||
					rep.tha != a.SHA() || rep.tpa != a.SPA() {
					t.Fatalf("reply %+v", rep)
				}
			}
			n := r.p.Neighbors()
			if learned := len(n) == 1 && n[0].MAC == a.SHA() && n[0].Addr == a.SPA(); learned != tc.learns {
				t.Fatalf("learned %v, want %v: %+v", learned, tc.learns, n)
			}
		})
	}
}

// TestLearnFromGratuitous: a gratuitous ARP moves an existing entry to the
// new MAC (a host replaced, an HSRP failover).
func TestLearnFromGratuitous(t *testing.T) {
	r := newRig(t)
	r.l.input(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	r.sent()
	r.clk.Advance(10 * time.Minute)
	r.l.input(arpFrame(ARPRequest, otherMAC, pc1IP, MAC{}, pc1IP, 0))
	if n := r.p.Neighbors(); len(n) != 1 || n[0].MAC != otherMAC || n[0].Age != 0 {
		t.Fatalf("after gratuitous: %+v", n)
	}
	// Gratuitous ARP from outside our subnet is not learned.
	far := netip.MustParseAddr("10.9.9.9")
	r.l.input(arpFrame(ARPRequest, pc2MAC, far, MAC{}, far, 0))
	if n := r.p.Neighbors(); len(n) != 1 {
		t.Fatalf("learned an off-subnet gratuitous ARP: %+v", n)
	}
}

// TestAnnounce: gratuitous ARP is a broadcast request for our own address.
func TestAnnounce(t *testing.T) {
	r := newRig(t)
	r.p.Announce()
	g := parseARPFrame(t, r.one(t))
	if g.dst != Broadcast || g.op != ARPRequest || g.sha != routerMAC || g.spa != routerIP || g.tpa != routerIP {
		t.Fatalf("gratuitous ARP %+v", g)
	}
	r.p.SetHost(&testHost{})
	r.p.Announce()
	if fs := r.sent(); len(fs) != 0 {
		t.Fatal("announced without an address")
	}
}

// TestCacheTimeout: an entry expires after the timeout; the next packet
// resolves again.
func TestCacheTimeout(t *testing.T) {
	r := newRig(t)
	if r.p.Timeout() != 4*time.Hour {
		t.Fatalf("default timeout %v", r.p.Timeout())
	}
	r.l.input(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	r.sent()
	r.advance(4*time.Hour - time.Second)
	if n := r.p.Neighbors(); len(n) != 1 || n[0].Age != 4*time.Hour-time.Second {
		t.Fatalf("before the timeout: %+v", n)
	}
	r.advance(time.Second)
	if n := r.p.Neighbors(); len(n) != 0 {
		t.Fatalf("after the timeout: %+v", n)
	}
	write(t, r.p, udp(routerIP, pc1IP, 60), netip.Addr{})
	if a := parseARPFrame(t, r.one(t)); a.op != ARPRequest || a.tpa != pc1IP {
		t.Fatalf("no new request: %+v", a)
	}
	r.p.SetTimeout(time.Minute)
	r.l.input(arpFrame(ARPReply, pc1MAC, pc1IP, routerMAC, routerIP, 0))
	r.sent()
	r.advance(time.Minute)
	r.advance(sweepEvery) // the sweep drops it from the table too
	if len(r.p.c.m) != 0 {
		t.Fatalf("expired entries stay: %d", len(r.p.c.m))
	}
	r.p.SetTimeout(0)
	if r.p.Timeout() != DefaultTimeout {
		t.Fatal("SetTimeout(0) is not the default")
	}
}

// TestUnresolved: three requests a second apart, then the queued packets go
// to the host and the entry is gone.
func TestUnresolved(t *testing.T) {
	r := newRig(t)
	pkt := udp(routerIP, pc2IP, 80)
	write(t, r.p, pkt, netip.Addr{})
	requests := len(r.sent())
	for i := 0; i < 2; i++ {
		r.advance(999 * time.Millisecond)
		requests += len(r.sent())
		r.advance(time.Millisecond)
		requests += len(r.sent())
		if requests != i+2 {
			t.Fatalf("after %d s: %d requests", i+1, requests)
		}
	}
	if got := r.host.unresolved(); len(got) != 0 {
		t.Fatal("gave up early")
	}
	r.advance(time.Second)
	if fs := r.sent(); len(fs) != 0 {
		t.Fatalf("a fourth request")
	}
	got := r.host.unresolved()
	if len(got) != 1 || !bytes.Equal(got[0], pkt) {
		t.Fatalf("unresolved %d packets", len(got))
	}
	if n := r.p.Neighbors(); len(n) != 0 {
		t.Fatalf("entry stays: %+v", n)
	}
	if s := r.p.Stats(); s.Unresolved != 1 || s.ARPRequestsOut != 3 {
		t.Errorf("stats %+v", s)
	}
	if len(r.p.c.free) != QueuePerPort {
		t.Errorf("queue slots leaked: %d free", len(r.p.c.free))
	}
}

// TestQueueLimits: a few packets per hop, a bounded pool per port, a
// bounded cache.
func TestQueueLimits(t *testing.T) {
	r := newRig(t)
	for i := 0; i < QueuePerHop+2; i++ {
		write(t, r.p, udp(routerIP, pc1IP, 60), netip.Addr{})
	}
	if s := r.p.Stats(); s.QueueDrops != 2 || s.ARPRequestsOut != 1 {
		t.Fatalf("per hop: %+v", s)
	}
	r.sent()
	// Many hops: the pool fills, then the cache.
	base := [4]byte{10, 0, 0, 0}
	hops := MaxEntries + 10
	for i := 1; i < hops; i++ {
		a := base
		a[1], a[2], a[3] = byte(i>>16), byte(i>>8), byte(i)
		write(t, r.p, udp(routerIP, netip.AddrFrom4(a), 60), netip.Addr{})
		if i%512 == 0 {
			r.sent() // keep the in-memory wire from overflowing
		}
	}
	r.sent()
	s := r.p.Stats()
	if len(r.p.c.m) != MaxEntries || s.CacheFull != uint64(hops-MaxEntries) {
		t.Fatalf("cache %d entries, %d refused", len(r.p.c.m), s.CacheFull)
	}
	if len(r.p.c.free) != 0 || s.QueueDrops != uint64(2+hops-1-(QueuePerPort-QueuePerHop)) {
		t.Fatalf("pool: %d free, %d dropped", len(r.p.c.free), s.QueueDrops)
	}
	r.p.ClearNeighbors()
	if len(r.p.c.m) != 0 || len(r.p.c.free) != QueuePerPort || r.p.c.incomplete != 0 {
		t.Fatalf("clear: %d entries, %d free, %d incomplete", len(r.p.c.m), len(r.p.c.free), r.p.c.incomplete)
	}
}

// TestFrameFilter: what the link takes and what it counts.
func TestFrameFilter(t *testing.T) {
	r := newRig(t)
	ip := udp(pc1IP, routerIP, 60)
	r.l.input(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, ip))
	r.l.input(ethFrame(Broadcast, pc1MAC, 0, TypeIPv4, udp(pc1IP, netip.MustParseAddr("255.255.255.255"), 60)))
	r.l.input(ethFrame(MAC{0x01, 0x00, 0x5e, 0, 0, 9}, pc1MAC, 0, TypeIPv4, udp(pc1IP, netip.MustParseAddr("224.0.0.9"), 60)))
	r.l.input(ethFrame(otherMAC, pc1MAC, 0, TypeIPv4, ip))              // another station's
	r.l.input(ethFrame(routerMAC, pc1MAC, 0, 0x86dd, make([]byte, 40))) // IPv6
	r.l.input(routerMAC[:5])                                            // runt
	// Padded to the minimum frame: the padding is trimmed.
	short := udp(pc1IP, routerIP, 28)
	r.l.input(append(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, short), make([]byte, 18)...))
	for i, want := range [][]byte{ip, nil, nil, short} {
		got := readIP(t, r.p)
		if want != nil && !bytes.Equal(got, want) {
			t.Fatalf("packet %d: % x", i, got)
		}
	}
	if r.p.rx.len() != 0 {
		t.Fatal("the other station's frame was taken")
	}
	s := r.p.Stats()
	if s.InBroadcasts != 1 || s.InMulticasts != 1 || s.OtherHost != 1 || s.UnknownProtocol != 1 || s.Runts != 1 {
		t.Fatalf("stats %+v", s)
	}
	if b, m := r.p.LinkBroadcasts(); b != 1 || m != 1 {
		t.Fatalf("LinkBroadcasts %d %d", b, m)
	}
}

// TestRingFull: a port that does not read loses packets, counted; the
// reader goes on.
func TestRingFull(t *testing.T) {
	r := newRig(t)
	f := ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, udp(pc1IP, routerIP, 60))
	for i := 0; i < rxRing+5; i++ {
		r.l.input(f)
	}
	if s := r.p.Stats(); s.RxDrops != 5 || r.p.rx.len() != rxRing {
		t.Fatalf("drops %d, waiting %d", s.RxDrops, r.p.rx.len())
	}
}

// TestDebug: debug arp lines in IOS's words.
func TestDebug(t *testing.T) {
	r := newRig(t)
	var mu sync.Mutex
	var lines []string
	r.p.SetDebug(func(s string) {
		r.p.Neighbors() // the sink runs with the cache unlocked
		mu.Lock()
		lines = append(lines, s)
		mu.Unlock()
	})
	r.l.input(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	write(t, r.p, udp(routerIP, pc2IP, 60), netip.Addr{})
	r.advance(RetryInterval)
	r.l.input(arpFrame(ARPReply, pc2MAC, pc2IP, routerMAC, routerIP, 0))
	r.p.SetDebug(nil)
	r.p.Announce()
	want := []string{
		"IP ARP: rcvd req src 192.168.1.20 0050.7966.6800, dst 192.168.1.1 GigabitEthernet0/0",
		"IP ARP: creating entry for IP address: 192.168.1.20, hw: 0050.7966.6800",
		"IP ARP: sent rep src 192.168.1.1 aabb.cc00.0100, dst 192.168.1.20 0050.7966.6800 GigabitEthernet0/0",
		"IP ARP: creating incomplete entry for IP address: 192.168.1.30 interface GigabitEthernet0/0",
		"IP ARP: sent req src 192.168.1.1 aabb.cc00.0100, dst 192.168.1.30 0000.0000.0000 GigabitEthernet0/0",
		"IP ARP: sent req src 192.168.1.1 aabb.cc00.0100, dst 192.168.1.30 0000.0000.0000 GigabitEthernet0/0",
		"IP ARP: rcvd rep src 192.168.1.30 0050.7966.6802, dst 192.168.1.1 GigabitEthernet0/0",
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("debug lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}
