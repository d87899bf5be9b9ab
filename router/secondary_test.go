package router

import (
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
)

// TestSecondaryAddressPacketPath: over in-memory ports, a secondary
// address answers pings, its subnet is forwarded to, it is answered for
// in ARP (and a host in its subnet is not proxied), and removing it stops
// all of that. The per-packet path allocates nothing with secondaries set.
func TestSecondaryAddressPacketPath(t *testing.T) {
	l := newLab(t)
	gi0, gi1 := l.gi(0), l.gi(1)
	sec := netip.MustParsePrefix("10.5.5.1/24")
	if err := gi0.AddSecondary(sec); err != nil {
		t.Fatal(err)
	}
	gi1.AddSecondary(netip.MustParsePrefix("10.6.6.1/24"))

	l.inside.Inject(echoPkt(pc1, sec.Addr(), 1, 1, 64))
	_, p := expect(t, l.inside)
	if p.ICMPType != packet.ICMPEchoReply || p.Src != sec.Addr() || p.Dst != pc1 {
		t.Fatalf("reply %v, want an echo reply from %s", p.String(), sec.Addr())
	}

	far := netip.MustParseAddr("10.6.6.20")
	l.inside.Inject(udpPkt(pc1, far, 1000, 2000, 64, nil))
	if _, p := expect(t, l.outside); p.Dst != far || p.TTL != 63 {
		t.Fatalf("forwarded %v, want to %s with TTL 63", p.String(), far)
	}

	h := l.r.ARPHost(gi0)
	for _, c := range []struct {
		target netip.Addr
		want   bool
	}{
		{sec.Addr(), true},                       // the secondary itself
		{netip.MustParseAddr("10.5.5.9"), false}, // on this link: its owner answers
		{netip.MustParseAddr("10.6.6.1"), true},  // another interface's secondary: proxy ARP
	} {
		if got := h.Answers(c.target, netip.MustParseAddr("10.5.5.9")); got != c.want {
			t.Errorf("Answers(%s) = %v, want %v", c.target, got, c.want)
		}
	}

	// The ARP decision runs per received request on the port's goroutine.
	other := netip.MustParseAddr("10.5.5.9")
	if n := testing.AllocsPerRun(1000, func() { h.Answers(sec.Addr(), other) }); n != 0 {
		t.Errorf("Answers allocates %v per call", n)
	}

	if !gi0.RemoveSecondary(sec) || gi0.RemoveSecondary(sec) {
		t.Fatal("RemoveSecondary: want true, then false")
	}
	l.inside.Inject(echoPkt(pc1, sec.Addr(), 1, 2, 64))
	if b := l.inside.Recv(100 * time.Millisecond); b != nil {
		var q packet.Parsed
		q.Decode(b)
		if q.ICMPType == packet.ICMPEchoReply {
			t.Fatalf("removed secondary still answers: %v", q.String())
		}
	}
	if h.Answers(sec.Addr(), netip.MustParseAddr("10.5.5.9")) {
		t.Error("removed secondary still answered in ARP")
	}
}

// TestSecondaryBound: an interface takes at most MaxSecondaries.
func TestSecondaryBound(t *testing.T) {
	l := newLab(t)
	i := l.gi(2)
	for k := range MaxSecondaries {
		if err := i.AddSecondary(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 77, byte(k), 1}), 24)); err != nil {
			t.Fatalf("secondary %d: %v", k, err)
		}
	}
	if err := i.AddSecondary(netip.MustParsePrefix("10.78.0.1/24")); err != ErrTooManySecondaries {
		t.Fatalf("past the bound: %v", err)
	}
}

// FuzzParseMAC: ParseMAC never panics, and what it accepts prints back to
// the same address.
func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{"0011.2233.4455", "1.2.3", "ffff.ffff.ffff", "12.34", "g.0.0", "....."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, ok := ParseMAC(s)
		if !ok {
			return
		}
		if again, ok := ParseMAC(dottedMAC(m)); !ok || again != m {
			t.Fatalf("%q: %x does not round-trip", s, m)
		}
	})
}
