package router

import (
	"net/netip"
	"sync"
	"testing"
)

// TestLocalUDP: datagrams to the router and limited broadcasts reach the taker with their arriving
// interface; without a taker a unicast gets port unreachable; SendOn sends a broadcast out of one
// interface.
func TestLocalUDP(t *testing.T) {
	l := newLab(t)
	var mu sync.Mutex
	var got []string
	l.r.SetLocalUDP(func(in *Interface, pkt []byte) bool {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, in.Name()+" "+netip.AddrFrom4([4]byte(pkt[16:20])).String())
		return true
	})
	bcast := netip.MustParseAddr("255.255.255.255")
	l.inside.Inject(udpPkt(netip.MustParseAddr("0.0.0.0"), bcast, 68, 67, 64, []byte("discover")))
	l.inside.Inject(udpPkt(pc1, r1Inside.Addr(), 5000, 123, 64, []byte("ntp")))
	expectNone(t, l.inside)
	mu.Lock()
	if len(got) != 2 || got[0] != "GigabitEthernet0/0 255.255.255.255" || got[1] != "GigabitEthernet0/0 192.168.1.1" {
		t.Errorf("taken %q", got)
	}
	mu.Unlock()
	l.r.SetLocalUDP(nil)
	l.inside.Inject(udpPkt(pc1, r1Inside.Addr(), 5000, 123, 64, []byte("ntp")))
	if _, p := expect(t, l.inside); p.ICMPType != 3 || p.ICMPCode != 3 {
		t.Errorf("no port unreachable without a taker: %v", p.String())
	}
	offer := udpPkt(r1Inside.Addr(), bcast, 67, 68, 64, []byte("offer"))
	if !l.r.SendOn(l.gi(0), bcast, offer) {
		t.Fatal("SendOn refused")
	}
	if _, p := expect(t, l.inside); p.Dst != bcast || p.DstPort != 68 {
		t.Errorf("sent %v", p.String())
	}
	expectNone(t, l.outside)
}
