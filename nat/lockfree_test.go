package nat

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"natlab/ios"
	"natlab/port"
	"natlab/router"
)

// natRouter is an engine and a router with ifaces GigabitEthernet
// interfaces and NAT registered on them, nothing configured; source list
// "1" permits 192.168.1.0/24.
func natRouter(tb testing.TB, ifaces int) (*ios.Engine, *router.Router, *NAT) {
	tb.Helper()
	e := ios.NewEngine()
	r := router.New(router.Options{Interfaces: ifaces})
	tb.Cleanup(func() { r.Close() })
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	n := Register(e, r, prefixLists{"1": {netip.MustParsePrefix("192.168.1.0/24")}})
	tb.Cleanup(n.Close)
	return e, r, n
}

// TestEstablishedFlowsTakeNoLock holds the router's configuration lock and
// NAT's own lock while packets of established flows cross a whole router:
// PAT on the outside interface's address both ways, and a hairpinned flow
// both ways. They must all get through; a packet that needed either lock
// would wait until the test gives up.
func TestEstablishedFlowsTakeNoLock(t *testing.T) {
	_, r, n := natRouter(t, len(labInterfaces))
	hosts := make([]*port.MemHost, len(labInterfaces))
	for i, name := range labInterfaces {
		m, h := port.NewMem(fmt.Sprint("mem", i), 1500)
		hosts[i] = h
		if err := r.Bind(name, m); err != nil {
			t.Fatal(err)
		}
		r.Interface(name).SetShutdown(false)
		r.Interface(name).SetAddress(netip.MustParsePrefix([]string{"192.168.1.1/24", "203.0.113.1/24", "192.168.2.1/24"}[i]))
	}
	pc1, isp, srv := hosts[0], hosts[1], hosts[2]
	n.SetRole(labInterfaces[0], RoleInside)
	n.SetRole(labInterfaces[1], RoleOutside)
	n.SetRole(labInterfaces[2], RoleInside)
	must(t, n.AddMapping(Mapping{List: "1", Interface: labInterfaces[1], Overload: true}))
	must(t, n.AddStatic(StaticRule{Local: ip("192.168.2.10"), Global: ip("203.0.113.100")}))

	flows := []hop{
		{"PAT out", pc1, isp, tcpPkt("192.168.1.10", 49732, "203.0.113.10", 80, ack), ap("203.0.113.1:49732"), ap("203.0.113.10:80")},
		{"PAT in", isp, pc1, tcpPkt("203.0.113.10", 80, "203.0.113.1", 49732, ack), ap("203.0.113.10:80"), ap("192.168.1.10:49732")},
		{"hairpin", pc1, srv, tcpPkt("192.168.1.10", 50000, "203.0.113.100", 80, ack), ap("203.0.113.1:50000"), ap("192.168.2.10:80")},
		{"hairpin reply", srv, pc1, tcpPkt("192.168.2.10", 80, "203.0.113.1", 50000, ack), ap("203.0.113.100:80"), ap("192.168.1.10:50000")},
	}
	if err := cross(flows, 2*time.Second); err != nil { // the flows are made
		t.Fatal(err)
	}

	release := r.HoldConfig()
	n.mu.Lock()
	held := true
	unlock := func() {
		if held {
			n.mu.Unlock()
			release()
			held = false
		}
	}
	defer unlock()
	done := make(chan error, 1)
	go func() { done <- cross(flows, 10*time.Second) }()
	select {
	case err := <-done:
		unlock()
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		unlock()
		<-done
		t.Fatal("established flows waited for the router's configuration lock or NAT's lock")
	}
}
