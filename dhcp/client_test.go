package dhcp

import (
	"net/netip"
	"sync"
	"testing"
	"time"
)

// wire joins a client service's interface GigabitEthernet0/1 and a server service's
// interface "srv" (10.0.0.1/24) back to back, datagrams delivered as the
// router's UDP mux would.
type wire struct {
	mu      sync.Mutex
	addr    netip.Prefix
	gw      netip.Addr
	changes chan struct{}
	logs    []string
}

func (w *wire) state() (netip.Prefix, netip.Addr) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.addr, w.gw
}

func newWire(t *testing.T) (*wire, *Service, *Service) {
	w := &wire{changes: make(chan struct{}, 16)}
	srvAddr := netip.MustParsePrefix("10.0.0.1/24")
	var client, server *Service
	server = New(Env{
		SendOn:      func(_ string, _ netip.Addr, pkt []byte) bool { return client.Take("GigabitEthernet0/1", pkt) },
		SendLocal:   func(pkt []byte) bool { return client.Take("GigabitEthernet0/1", pkt) },
		Ping:        func(netip.Addr, time.Duration) bool { return false },
		Address:     func(string) netip.Prefix { return srvAddr },
		InterfaceOf: func(netip.Addr) string { return "" },
		Own:         func(a netip.Addr) bool { return a == srvAddr.Addr() },
		Hostname:    func() string { return "ISP" },
	})
	client = New(Env{
		SendOn:    func(_ string, _ netip.Addr, pkt []byte) bool { return server.Take("srv", pkt) },
		SendLocal: func(pkt []byte) bool { return server.Take("srv", pkt) },
		Address:   func(string) netip.Prefix { p, _ := w.state(); return p },
		Own:       func(netip.Addr) bool { return false },
		MAC:       func(string) [6]byte { return [6]byte{0x52, 0x54, 0, 0, 0, 1} },
		SetAddress: func(_ string, p netip.Prefix) {
			w.mu.Lock()
			w.addr = p
			w.mu.Unlock()
			w.changes <- struct{}{}
		},
		SetDefault: func(_ string, gw netip.Addr) {
			w.mu.Lock()
			w.gw = gw
			w.mu.Unlock()
			w.changes <- struct{}{}
		},
		Log:      func(m string) { w.mu.Lock(); w.logs = append(w.logs, m); w.mu.Unlock() },
		Hostname: func() string { return "R1" },
	})
	server.PingPackets = 0
	t.Cleanup(func() { client.Close(); server.Close() })
	return w, client, server
}

func configurePool(t *testing.T, s *Service) {
	t.Helper()
	p := &Pool{Name: "CUSTOMER", Network: netip.MustParsePrefix("10.0.0.0/24"),
		Routers: []netip.Addr{netip.MustParseAddr("10.0.0.1")}}
	s.mu.Lock()
	s.pools[p.Name], s.order = p, append(s.order, p.Name)
	s.excl = append(s.excl, Range{Low: netip.MustParseAddr("10.0.0.1"), High: netip.MustParseAddr("10.0.0.9")})
	s.mu.Unlock()
}

// TestClientLeaseAndRelease: DISCOVER, OFFER, REQUEST, ACK give the
// interface the first free address, the default route via the pool's
// router and the IOS log line; StopClient releases the lease at the server
// and takes address and route away.
func TestClientLeaseAndRelease(t *testing.T) {
	w, client, server := newWire(t)
	configurePool(t, server)
	client.StartClient("GigabitEthernet0/1")
	deadline := time.After(3 * time.Second)
	for {
		if a, gw := w.state(); a.IsValid() && gw.IsValid() {
			break
		}
		select {
		case <-w.changes:
		case <-deadline:
			t.Fatal("no lease")
		}
	}
	a, gw := w.state()
	if a != netip.MustParsePrefix("10.0.0.10/24") || gw != netip.MustParseAddr("10.0.0.1") {
		t.Fatalf("lease %v via %v, want 10.0.0.10/24 via 10.0.0.1", a, gw)
	}
	if got := client.ClientAddress("GigabitEthernet0/1"); got != a {
		t.Errorf("ClientAddress = %v", got)
	}
	w.mu.Lock()
	logs := append([]string(nil), w.logs...)
	w.mu.Unlock()
	want := "%DHCP-6-ADDRESS_ASSIGN: Interface GigabitEthernet0/1 assigned DHCP address 10.0.0.10, mask 255.255.255.0, hostname R1"
	if len(logs) != 1 || logs[0] != want {
		t.Errorf("logs = %q, want %q", logs, want)
	}
	if n := bindings(server); n != 1 {
		t.Fatalf("server bindings = %d, want 1", n)
	}
	client.StopClient("GigabitEthernet0/1")
	if a, gw := w.state(); a.IsValid() || gw.IsValid() {
		t.Errorf("after StopClient: %v via %v", a, gw)
	}
	for end := time.Now().Add(2 * time.Second); bindings(server) != 0 && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := bindings(server); n != 0 {
		t.Errorf("server bindings after the release = %d, want 0", n)
	}
}

func bindings(s *Service) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.binds)
}
