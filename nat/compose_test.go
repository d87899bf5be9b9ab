package nat

import (
	"bytes"
	"strings"
	"testing"

	"natlab/acl"
	"natlab/internal/testclock"
	"natlab/ios"
	"natlab/router"
)

// TestComposedWithRouterCLI runs NAT next to the router's own CLI, as the
// router binary composes them: interface lines in the interface block, help
// from the shared grammar, and a startup-config that loads back.
func TestComposedWithRouterCLI(t *testing.T) {
	clock := newFakeClock()
	e := composed(t, clock)

	var out bytes.Buffer
	s := e.NewSession(&out)
	s.SetMode(ios.Exec)
	s.RunScript(strings.NewReader(`configure terminal
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
 exit
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source static 192.168.2.10 203.0.113.100
ip nat ?
ip nat inside source ?
ip nat inside source list 1 ?
ip nat inside source static tcp 192.168.2.10 ?
ip nat translation ?
ip nat translation udp-timeout ?
end
show ip nat ?
clear ip nat translation ?
show running-config
`))
	compareGolden(t, "composed", out.String())
	cfg := e.RunningConfig()
	for _, want := range []string{
		"interface GigabitEthernet0/0\n ip address 192.168.1.1 255.255.255.0\n ip nat inside\n ip virtual-reassembly in\n",
		"ip nat inside source list 1 interface GigabitEthernet0/1 overload\nip nat inside source static 192.168.2.10 203.0.113.100\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("running-config lacks %q", want)
		}
	}

	// The running-config loads back into a fresh router unchanged.
	e2 := composed(t, clock)
	if errs := e2.LoadConfig(strings.NewReader(cfg)); len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	if got := e2.RunningConfig(); got != cfg {
		t.Errorf("round trip differs:\n%s\n---\n%s", cfg, got)
	}
}

// composed is an engine with the router's CLI, the access-lists and NAT,
// as the router binary composes them.
func composed(t *testing.T, clock *testclock.Clock) *ios.Engine {
	e := ios.NewEngine()
	e.Clock = clock.Now
	r := router.New(router.Options{Interfaces: 4, Clock: clock.Now})
	t.Cleanup(func() { r.Close() })
	cli := router.RegisterCLI(e, r, clock.Now)
	acls := acl.Register(e, r)
	t.Cleanup(acls.Close)
	n := Register(e, r, acls)
	t.Cleanup(n.Close)
	cli.AddInterfaceConfig(router.IfOrderNAT, n.InterfaceConfigLines)
	return e
}
