package router

import (
	"net/netip"
	"sync"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/port"
)

// trunkPort is a main interface's port whose VLANs are in-memory pairs, and
// which records the next hops the router hands it.
type trunkPort struct {
	*port.Mem
	mu     sync.Mutex
	vlans  map[uint16]*port.MemHost
	native map[uint16]bool
	hops   []netip.Addr
}

func newTrunkPort() (*trunkPort, *port.MemHost) {
	m, h := port.NewMem("trunk", 1500)
	return &trunkPort{Mem: m, vlans: map[uint16]*port.MemHost{}, native: map[uint16]bool{}}, h
}

func (t *trunkPort) VLAN(id uint16, native bool) (port.Port, error) {
	m, h := port.NewMem("vlan", 1500)
	t.mu.Lock()
	t.vlans[id], t.native[id] = h, native
	t.mu.Unlock()
	return &hopRecorder{Mem: m, t: t}, nil
}

func (t *trunkPort) RemoveVLAN(id uint16) {
	t.mu.Lock()
	delete(t.vlans, id)
	t.mu.Unlock()
}

func (t *trunkPort) host(id uint16) *port.MemHost {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.vlans[id]
}

// hopRecorder is a VLAN port that is a NextHopWriter.
type hopRecorder struct {
	*port.Mem
	t *trunkPort
}

func (h *hopRecorder) WriteNextHop(bufs [][]byte, hops []netip.Addr, offset int) (int, error) {
	h.t.mu.Lock()
	h.t.hops = append(h.t.hops, hops...)
	h.t.mu.Unlock()
	return h.Mem.Write(bufs, offset)
}

// TestRouterOnAStick: two subinterfaces of one trunk route between their
// VLANs; the egress VLAN port gets the next hop; removing the encapsulation
// takes the subinterface's port away.
func TestRouterOnAStick(t *testing.T) {
	clk := testclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	r := New(Options{Interfaces: 2, Clock: clk.Now})
	defer r.Close()
	tp, _ := newTrunkPort()
	var attached []string
	var mu sync.Mutex
	r.OnAttach(func(i *Interface, p port.Port) {
		mu.Lock()
		attached = append(attached, i.Name())
		mu.Unlock()
	})
	sub10, err := r.Subinterface("GigabitEthernet0/0", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.SetEncapsulation(sub10, 10, false); err != nil {
		t.Fatal(err)
	}
	if err := r.Bind("GigabitEthernet0/0", tp); err != nil {
		t.Fatal(err)
	}
	sub20, _ := r.Subinterface("GigabitEthernet0/0", 20)
	if _, err := r.SetEncapsulation(sub20, 20, false); err != nil {
		t.Fatal(err)
	}
	if o, err := r.SetEncapsulation(sub20, 10, false); err != ErrVLANInUse || o != sub10 {
		t.Fatalf("a VLAN used twice: %v, %v", o, err)
	}
	r.Interface("GigabitEthernet0/0").SetShutdown(false)
	sub10.SetAddress(netip.MustParsePrefix("192.168.10.1/24"))
	sub20.SetAddress(netip.MustParsePrefix("192.168.20.1/24"))
	if !sub10.LineUp() || !sub20.LineUp() {
		t.Fatal("subinterfaces are not up")
	}
	mu.Lock()
	if len(attached) != 3 {
		t.Errorf("attached %v, want the trunk and two VLAN ports", attached)
	}
	mu.Unlock()

	a, b := netip.MustParseAddr("192.168.10.20"), netip.MustParseAddr("192.168.20.30")
	tp.host(10).Inject(udpPkt(a, b, 1000, 2000, 64, []byte("x")))
	_, p := expect(t, tp.host(20))
	if p.Src != a || p.Dst != b || p.TTL != 63 {
		t.Fatalf("forwarded %v", p.String())
	}
	tp.mu.Lock()
	if len(tp.hops) != 1 || tp.hops[0] != b {
		t.Errorf("next hops %v, want [%v]", tp.hops, b)
	}
	tp.mu.Unlock()

	// The parent shut down takes its subinterfaces down.
	r.Interface("GigabitEthernet0/0").SetShutdown(true)
	if sub10.LineUp() {
		t.Error("a subinterface stays up under a shut parent")
	}
	r.Interface("GigabitEthernet0/0").SetShutdown(false)

	if _, err := r.SetEncapsulation(sub20, 0, false); err != nil {
		t.Fatal(err)
	}
	if sub20.Port() != nil || tp.host(20) != nil || sub20.LineUp() {
		t.Error("no encapsulation left the VLAN port bound")
	}
	if err := r.RemoveInterface(sub10.Name()); err != nil {
		t.Fatal(err)
	}
	if tp.host(10) != nil || r.Interface("GigabitEthernet0/0.10") != nil {
		t.Error("no interface left the subinterface or its VLAN")
	}
}
