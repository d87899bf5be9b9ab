package nat

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/acl"
	"natlab/internal/golden"
	"natlab/internal/testclock"
	"natlab/ios"
	"natlab/router"
)

// cliLab is an engine with a router, the access-lists and NAT, driven by
// a fake clock, and a session in privileged EXEC mode.
type cliLab struct {
	e     *ios.Engine
	r     *router.Router
	n     *NAT
	clock *testclock.Clock
	out   bytes.Buffer
	s     *ios.Session
}

func newCLILab(t *testing.T) *cliLab {
	t.Helper()
	l := &cliLab{clock: newFakeClock()}
	l.e = ios.NewEngine()
	l.e.Clock = l.clock.Now
	l.r = router.New(router.Options{Interfaces: 3, Clock: l.clock.Now})
	t.Cleanup(func() { l.r.Close() })
	l.e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	// The router's own CLI is not needed here: a minimal interface command.
	l.e.Install(&ios.Command{Mode: ios.Config, Syntax: "interface IFNAME$if", Help: []string{ios.HelpInterface, "Interface"},
		Run: func(c *ios.Context, a ios.Args) error { c.Enter(ios.ConfigIf, a.Str("if")); return nil }})
	for name, p := range map[string]string{"GigabitEthernet0/0": "192.168.1.1/24", "GigabitEthernet0/1": "203.0.113.1/24", "GigabitEthernet0/2": "192.168.2.1/24"} {
		l.r.Interface(name).SetAddress(netip.MustParsePrefix(p))
	}
	acls := acl.Register(l.e, l.r)
	t.Cleanup(acls.Close)
	l.n = Register(l.e, l.r, acls)
	t.Cleanup(l.n.Close)
	l.n.SetClock(l.clock.Now)
	l.s = l.e.NewSession(&l.out)
	l.s.SetMode(ios.Exec)
	return l
}

func (l *cliLab) script(t *testing.T, lines string) {
	t.Helper()
	l.s.RunScript(strings.NewReader(strings.TrimLeft(lines, "\n")))
}

// through runs a packet through NAT's hooks as the router would, routed
// from in to out.
func (l *cliLab) through(b []byte, in, out string) router.Verdict {
	p := &router.Packet{Buf: b, In: l.r.Interface(in)}
	if !p.Reparse() {
		return router.Drop
	}
	if v := l.n.outsideToInside(p); v != router.Accept {
		return v
	}
	p.Out = l.r.Interface(out)
	return l.n.insideToOutside(p)
}

// compareGolden checks a transcript against testdata/name.golden.
func compareGolden(t *testing.T, name string, got string) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", name+".golden"), got)
}

// insideRoles enters configuration mode and makes the E5 lab's inside
// interfaces NAT inside interfaces.
const insideRoles = `configure terminal
interface GigabitEthernet0/0
 ip nat inside
interface GigabitEthernet0/2
 ip nat inside
`

// TestCLILab is the E5 lab: PAT for users, static NAT for the server,
// traffic, then the show, clear and debug commands.
func TestCLILab(t *testing.T) {
	l := newCLILab(t)
	l.script(t, insideRoles+`interface gi0/1
 ip nat outside
 exit
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat inside source static 192.168.2.10 203.0.113.100
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source static 192.168.2.11 203.0.113.100
ip nat inside source static tcp 192.168.2.10 21 203.0.113.100 2121 extendable
ip nat translation udp-timeout 120
ip nat translation max-entries 1000
end
show ip nat translations
debug ip nat
`)
	l.through(echoPkt(8, "192.168.1.10", "203.0.113.10", 1), "GigabitEthernet0/0", "GigabitEthernet0/1")
	l.through(echoPkt(0, "203.0.113.10", "203.0.113.1", 1), "GigabitEthernet0/1", "GigabitEthernet0/0")
	l.clock.Advance(3 * time.Second)
	l.through(tcpPkt("192.168.1.10", 49732, "203.0.113.10", 21, syn), "GigabitEthernet0/0", "GigabitEthernet0/1")
	l.through(tcpPkt("203.0.113.10", 51022, "203.0.113.100", 21, syn), "GigabitEthernet0/1", "GigabitEthernet0/2")
	l.through(udpPkt("192.168.1.11", 49732, "203.0.113.10", 53), "GigabitEthernet0/0", "GigabitEthernet0/1")
	l.clock.Advance(5 * time.Second)
	l.script(t, `
show ip nat translations
show ip nat translations verbose
show ip nat translations tcp
show ip nat statistics
show running-config | include ip nat
debug ip nat detailed
`)
	l.through(udpPkt("203.0.113.10", 53, "203.0.113.1", 49732), "GigabitEthernet0/1", "GigabitEthernet0/0")
	l.clock.Advance(60 * time.Second)
	l.n.Sweep()
	l.script(t, `
show ip nat translations
clear ip nat translation tcp inside 203.0.113.1 49732 192.168.1.10 49732
clear ip nat translation *
show ip nat translations
clear ip nat statistics
show ip nat statistics
undebug all
configure terminal
no ip nat inside source static 192.168.2.10 203.0.113.100
no ip nat translation udp-timeout
no ip nat translation max-entries
ip nat pool PUBLIC 203.0.113.50 203.0.113.60 netmask 255.255.255.0
ip nat pool P2 203.0.113.70 203.0.113.80 prefix-length 24
ip nat pool BAD 10.0.0.1 10.0.1.1 netmask 255.255.255.0
ip nat inside source list 1 pool PUBLIC overload
ip nat outside source static 198.51.100.5 10.0.0.5
no ip nat pool PUBLIC
end
show ip nat statistics
show running-config | include ip nat
`)
	compareGolden(t, "cli_lab", l.out.String())
}

// TestRunningConfigRoundTrip feeds the NAT lines back and expects the same
// text.
func TestRunningConfigRoundTrip(t *testing.T) {
	l := newCLILab(t)
	l.script(t, `
configure terminal
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat translation timeout 3600
ip nat translation tcp-timeout never
ip nat translation icmp-timeout 30
ip nat translation max-entries 500
ip nat pool PUBLIC 203.0.113.50 203.0.113.60 netmask 255.255.255.0
ip nat pool P2 203.0.113.70 203.0.113.80 prefix-length 24
ip nat inside source static 192.168.2.10 203.0.113.100
ip nat inside source list 1 pool PUBLIC overload
ip nat inside source static udp 192.168.2.10 53 interface GigabitEthernet0/1 53
ip nat inside source static 192.168.2.12 interface GigabitEthernet0/1
ip nat inside source list NAT_ACL pool P2
ip nat outside source static 198.51.100.5 10.0.0.5 extendable
end
`)
	var first bytes.Buffer
	l.n.renderConfig(&first)
	if strings.Contains(l.out.String(), "\n%") {
		t.Fatalf("errors:\n%s", l.out.String())
	}
	m := newCLILab(t)
	if errs := m.e.LoadConfig(strings.NewReader("access-list 1 permit 192.168.1.0 0.0.0.255\n" + first.String())); len(errs) > 0 {
		t.Fatalf("load: %v", errs)
	}
	var second bytes.Buffer
	m.n.renderConfig(&second)
	if first.String() != second.String() {
		t.Fatalf("round trip:\n%s\n---\n%s", first.String(), second.String())
	}
	compareGolden(t, "running_config", first.String())
}
