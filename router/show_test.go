package router

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"natlab/ios"
)

// cliLab is the lab with the router's CLI on an engine.
type cliLab struct {
	*lab
	e *ios.Engine
	c *CLI
}

func newCLILab(t testing.TB) *cliLab {
	l := newLab(t)
	e := ios.NewEngine()
	e.Clock = l.clock.Now
	return &cliLab{lab: l, e: e, c: RegisterCLI(e, l.r, l.clock.Now)}
}

// run types the lines in privileged EXEC and returns what the router
// printed.
func (l *cliLab) run(lines ...string) string {
	var out bytes.Buffer
	s := l.e.NewSession(&out)
	defer s.Close()
	s.SetTerminalLength(0)
	s.SetMode(ios.Exec)
	for _, line := range lines {
		s.Execute(line)
	}
	return out.String()
}

// ipv6Pkt is a minimal IPv6 header (a neighbour solicitation's, without
// its payload): the router does not route IPv6.
func ipv6Pkt() []byte {
	b := make([]byte, 40)
	b[0] = 0x60
	b[6] = 58 // ICMPv6
	b[7] = 255
	return b
}

// TestShowInterfacesUnknownProtocolDrops: IPv6 packets a router without
// IPv6 routing receives are counted and shown as unknown protocol drops,
// not as input errors.
func TestShowInterfacesUnknownProtocolDrops(t *testing.T) {
	l := newCLILab(t)
	const n = 400
	for k := 0; k < n; k++ {
		for l.inside.Inject(ipv6Pkt()) != nil {
			settle()
		}
	}
	// A packet that is answered proves the IPv6 ones before it were read.
	l.inside.Inject(echoPkt(pc1, r1Inside.Addr(), 1, 1, 64))
	expect(t, l.inside)
	got := l.run("show interfaces GigabitEthernet0/0")
	for _, want := range []string{"     400 unknown protocol drops\n", "     0 input errors,"} {
		if !strings.Contains(got, want) {
			t.Errorf("show interfaces lacks %q:\n%s", want, got)
		}
	}
}

// failingPort is a port whose every Write fails, as a TUN whose device
// went away.
type failingPort struct{ *nullPort }

func (p failingPort) Write(bufs [][]byte, offset int) (int, error) {
	return 0, errors.New("input/output error")
}

// TestShowInterfacesCountersMove: every figure of show interfaces that
// the router has a source for follows the traffic.
func TestShowInterfacesCountersMove(t *testing.T) {
	l := newCLILab(t)
	fp := failingPort{newNullPort()}
	if err := l.r.Bind("GigabitEthernet0/2", fp); err != nil {
		t.Fatal(err)
	}
	g2 := l.gi(2)
	g2.SetAddress(mustPrefix("192.168.2.1/24"))
	g2.SetShutdown(false)
	l.inside.Inject(udpPkt(pc1, mustAddr("224.0.0.9"), 520, 520, 1, nil))
	l.inside.Inject(udpPkt(pc1, mustAddr("224.0.0.9"), 520, 520, 1, nil))
	l.inside.Inject(udpPkt(pc1, mustAddr("192.168.2.10"), 1, 2, 64, nil))
	l.inside.Inject(echoPkt(pc1, r1Inside.Addr(), 1, 1, 64))
	expect(t, l.inside)
	settle()
	cases := []struct{ cmd, want string }{
		{"show interfaces g0/0", "     Received 0 broadcasts (2 IP multicasts)\n"},
		{"show interfaces g0/0", "     0 watchdog, 2 multicast, 0 pause input\n"},
		{"show interfaces g0/2", "     1 output errors, 0 collisions"},
	}
	for _, c := range cases {
		if got := l.run(c.cmd); !strings.Contains(got, c.want) {
			t.Errorf("%s lacks %q:\n%s", c.cmd, c.want, got)
		}
	}
}

func TestLoad(t *testing.T) {
	for _, c := range []struct{ bps, kbps, want uint64 }{
		{0, gigabitKbps, 1},
		{3_000_000, gigabitKbps, 1},
		{500_000_000, gigabitKbps, 127},
		{1_000_000_000, gigabitKbps, 255},
		{5_000_000_000, gigabitKbps, 255},
		{800_000_000, loopbackKbps, 25},
	} {
		if got := load(c.bps, c.kbps); got != c.want {
			t.Errorf("load(%d, %d) = %d, want %d", c.bps, c.kbps, got, c.want)
		}
	}
}
