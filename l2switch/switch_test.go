package l2switch

import (
	"bytes"
	"testing"
	"time"

	"natlab/port"
)

// An unknown destination is flooded; a reply goes only to the learnt
// port, and so does everything after it.
func TestLearning(t *testing.T) {
	r := newRig(t, []Port{{}, {}, {}})
	a, b := mac(1), mac(2)
	r.send(t, 0, ether(b, a, -1, 1))
	if g := r.got(); len(g[0]) != 0 || len(g[1]) != 1 || len(g[2]) != 1 {
		t.Fatalf("unknown unicast: sent %d/%d/%d frames on p1/p2/p3, want 0/1/1", len(g[0]), len(g[1]), len(g[2]))
	}
	r.send(t, 1, ether(a, b, -1, 2))
	if g := r.got(); len(g[0]) != 1 || len(g[2]) != 0 {
		t.Fatalf("reply to a learnt station: %d on p1, %d on p3; want 1, 0", len(g[0]), len(g[2]))
	}
	r.send(t, 0, ether(b, a, -1, 3))
	if g := r.got(); len(g[1]) != 1 || len(g[2]) != 0 || g[1][0][14] != 3 {
		t.Fatalf("to a learnt station: %d on p2, %d on p3; want 1, 0", len(g[1]), len(g[2]))
	}
	// A frame to a station on the port it came from is filtered.
	r.send(t, 1, ether(b, mac(9), -1, 4))
	if g := r.got(); len(g[0])+len(g[1])+len(g[2]) != 0 {
		t.Fatalf("a frame to a station on its own port left the switch: %v", g)
	}
	if st := r.sw.Stats()[1]; st.Filtered != 1 {
		t.Errorf("p2 Filtered = %d, want 1", st.Filtered)
	}
	// A station that moves is learnt at its new port.
	r.send(t, 2, ether(bcast, b, -1, 5))
	r.got()
	r.send(t, 0, ether(b, a, -1, 6))
	if g := r.got(); len(g[2]) != 1 || len(g[1]) != 0 {
		t.Fatalf("after b moved to p3: %d on p3, %d on p2; want 1, 0", len(g[2]), len(g[1]))
	}
	fdb := r.sw.FDB()
	if len(fdb) != 3 || fdb[0].MACString() != "aabb.cc00.0001" || fdb[0].Port != "p1" || fdb[1].Port != "p3" || fdb[0].VLAN != 1 {
		t.Errorf("FDB = %+v", fdb)
	}
}

// Broadcasts stay in their VLAN: access ports of other VLANs see nothing,
// trunks get them tagged.
func TestFloodWithinVLAN(t *testing.T) {
	r := newRig(t, []Port{{VLAN: 10}, {VLAN: 10}, {VLAN: 20}, {Mode: Trunk}, {Mode: Trunk, Allowed: []uint16{20}}})
	r.send(t, 0, ether(bcast, mac(1), -1, 1))
	g := r.got()
	if len(g[1]) != 1 || tagOf(g[1][0]) != -1 {
		t.Errorf("p2 (VLAN 10): %d frames, want 1 untagged", len(g[1]))
	}
	if len(g[2]) != 0 || len(g[4]) != 0 || len(g[0]) != 0 {
		t.Errorf("VLAN 10 broadcast reached p1 %d, p3 (VLAN 20) %d, p5 (trunk of 20) %d times", len(g[0]), len(g[2]), len(g[4]))
	}
	if len(g[3]) != 1 || tagOf(g[3][0]) != 10 {
		t.Errorf("p4 (trunk): %v, want one frame tagged 10", g[3])
	}
	if st := r.sw.Stats()[0]; st.Flooded != 1 || st.InFrames != 1 {
		t.Errorf("p1 stats %+v", st)
	}
}

// Tags are pushed and popped per egress port; the native VLAN is untagged
// on trunks; frames a port may not take are dropped and counted.
func TestTagging(t *testing.T) {
	// p1 access 10, p2 access 1, p3 trunk (all VLANs), p4 trunk of VLAN 10 only, native 99.
	specs := func() []Port {
		return []Port{{VLAN: 10}, {}, {Mode: Trunk}, {Mode: Trunk, VLAN: 99, Allowed: []uint16{10}}}
	}
	const none = -2 // nothing sent
	for _, c := range []struct {
		name string
		in   int
		tag  int    // -1 untagged
		want [4]int // per port: none, -1 untagged, else the TCI
		drop func(Stats) uint64
	}{
		{"access 10 to trunks", 0, -1, [4]int{none, none, 10, 10}, nil},
		{"trunk tag 10 popped on access", 2, 10, [4]int{-1, none, none, 10}, nil},
		{"trunk untagged is native VLAN 1", 2, -1, [4]int{none, -1, none, none}, nil},
		{"trunk tag 1 is native, leaves untagged", 2, 1, [4]int{none, -1, none, none}, nil},
		{"trunk with native 99 untagged", 3, -1, [4]int{none, none, 99, none}, nil},
		{"priority tag on access keeps its priority", 0, 0x6000, [4]int{none, none, 0x600a, 0x600a}, nil},
		{"priority bits kept on a tag popped", 2, 0xa00a, [4]int{-1, none, none, 0xa00a}, nil},
		{"tagged on access dropped", 1, 10, [4]int{none, none, none, none}, func(s Stats) uint64 { return s.TaggedOnAccess }},
		{"VLAN not on the trunk dropped", 3, 20, [4]int{none, none, none, none}, func(s Stats) uint64 { return s.VLANDenied }},
		{"VLAN 4095 dropped", 2, 4095, [4]int{none, none, none, none}, func(s Stats) uint64 { return s.VLANDenied }},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, specs())
			f := ether(bcast, mac(1), c.tag, 7)
			r.send(t, c.in, f)
			g := r.got()
			for p, w := range c.want {
				switch {
				case w == none && len(g[p]) != 0:
					t.Errorf("p%d sent %d frames, want none", p+1, len(g[p]))
				case w == none:
				case len(g[p]) != 1:
					t.Errorf("p%d sent %d frames, want 1", p+1, len(g[p]))
				case tagOf(g[p][0]) != w:
					t.Errorf("p%d sent tag %#x, want %#x", p+1, tagOf(g[p][0]), w)
				case !bytes.Equal(payload(g[p][0]), payload(f)):
					t.Errorf("p%d: payload changed", p+1)
				}
			}
			if c.drop != nil && c.drop(r.sw.Stats()[c.in]) != 1 {
				t.Errorf("drop not counted: %+v", r.sw.Stats()[c.in])
			}
		})
	}
}

// payload is what follows a frame's MACs and tag.
func payload(f []byte) []byte {
	if tagOf(f) >= 0 {
		return f[16:]
	}
	return f[12:]
}

// mtuPort is a Mem that reports a smaller MTU than its buffers hold.
type mtuPort struct {
	*port.Mem
	mtu int
}

func (p mtuPort) MTU() int { return p.mtu }

func TestRuntsAndGiants(t *testing.T) {
	m1, h1 := port.NewMem("p1", 1500)
	m2, h2 := port.NewMem("p2", 1500)
	sw, err := New([]Port{{Dev: mtuPort{m1, 1000}}, {Dev: mtuPort{m2, 500}}})
	if err != nil {
		t.Fatal(err)
	}
	defer sw.Close()
	r := &rig{sw: sw, hosts: []*port.MemHost{h1, h2}}
	r.send(t, 0, make([]byte, 13))
	r.send(t, 0, ether(bcast, mac(1), 5, 1)[:15])
	r.send(t, 0, append(ether(bcast, mac(1), -1, 1), make([]byte, 1000)...)) // 1046 bytes of payload: past p1's MTU
	r.send(t, 0, append(ether(bcast, mac(1), -1, 1), make([]byte, 600)...))  // fits p1, not p2
	r.send(t, 0, append(ether(bcast, mac(1), -1, 1), make([]byte, 400)...))  // fits both
	if g := r.got(); len(g[1]) != 1 || len(g[1][0]) != 14+446 {
		t.Errorf("p2 sent %d frames, want only the one that fits", len(g[1]))
	}
	st := sw.Stats()
	if st[0].Runts != 2 || st[0].Giants != 1 || st[1].Giants != 1 || st[1].OutFrames != 1 {
		t.Errorf("p1 runts %d giants %d, p2 giants %d out %d; want 2, 1, 1, 1", st[0].Runts, st[0].Giants, st[1].Giants, st[1].OutFrames)
	}
}

// A station not heard from for the aging time is forgotten: frames to it
// are flooded again.
func TestAging(t *testing.T) {
	r := newRig(t, []Port{{}, {}, {}})
	a, b := mac(1), mac(2)
	r.send(t, 1, ether(bcast, b, -1, 1))
	r.got()
	r.clock.Advance(DefaultAging - time.Second)
	r.send(t, 0, ether(b, a, -1, 2))
	if g := r.got(); len(g[2]) != 0 {
		t.Fatalf("flooded before the aging time")
	}
	r.clock.Advance(2 * time.Second)
	r.send(t, 0, ether(b, a, -1, 3))
	if g := r.got(); len(g[1]) != 1 || len(g[2]) != 1 {
		t.Fatalf("after the aging time: %d on p2, %d on p3; want flooded to both", len(g[1]), len(g[2]))
	}
	if n := len(r.sw.FDB()); n != 1 { // a, learnt just now; b expired
		t.Errorf("FDB has %d live entries, want 1", n)
	}
	r.clock.Advance(DefaultAging + time.Second)
	r.sw.Expire()
	if n, _ := r.sw.FDBStats(); n != 0 {
		t.Errorf("after Expire: %d entries, want 0", n)
	}
}

// The table holds at most its bound; further stations are refused and
// counted, and expired ones make room again.
func TestFDBBound(t *testing.T) {
	r := newRig(t, []Port{{}, {}}, WithMaxEntries(4))
	for i := byte(1); i <= 10; i++ {
		r.send(t, 0, ether(bcast, mac(i), -1, i))
	}
	if n, refused := r.sw.FDBStats(); n != 4 || refused != 6 {
		t.Errorf("entries %d refused %d, want 4 and 6", n, refused)
	}
	r.clock.Advance(DefaultAging + 2*time.Second)
	r.send(t, 1, ether(bcast, mac(20), -1, 20))
	if n, _ := r.sw.FDBStats(); n != 1 {
		t.Errorf("after aging, a new station: %d entries, want 1 (the full table swept)", n)
	}
}

func TestFlushPort(t *testing.T) {
	r := newRig(t, []Port{{}, {}, {}})
	r.send(t, 0, ether(bcast, mac(1), -1, 1))
	r.send(t, 1, ether(bcast, mac(2), -1, 1))
	r.sw.FlushPort(0)
	if fdb := r.sw.FDB(); len(fdb) != 1 || fdb[0].Port != "p2" {
		t.Errorf("after flushing p1: %+v", fdb)
	}
}

func TestNewRejects(t *testing.T) {
	m, _ := port.NewMem("m", 1500)
	for _, c := range []struct {
		name  string
		ports []Port
		opts  []Option
	}{
		{"no ports", nil, nil},
		{"no device", []Port{{}}, nil},
		{"VLAN 4095", []Port{{Dev: m, VLAN: 4095}}, nil},
		{"allowed 0", []Port{{Dev: m, Mode: Trunk, Allowed: []uint16{0}}}, nil},
		{"mode", []Port{{Dev: m, Mode: 7}}, nil},
		{"zero table", []Port{{Dev: m}}, []Option{WithMaxEntries(0)}},
		{"zero aging", []Port{{Dev: m}}, []Option{WithAging(0)}},
	} {
		if s, err := New(c.ports, c.opts...); err == nil {
			s.Close()
			t.Errorf("%s: New accepted it", c.name)
		}
	}
}

// Close ends the readers and closes the devices.
func TestClose(t *testing.T) {
	m, h := port.NewMem("m", 1500)
	s, err := New([]Port{{Dev: m}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.Inject(ether(bcast, mac(1), -1, 1)); err != port.ErrClosed {
		t.Errorf("device still open after Close: %v", err)
	}
	s.Close() // twice is harmless
}
