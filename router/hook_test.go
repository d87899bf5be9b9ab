package router

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"natlab/packet"
	"natlab/port"
)

// recorder is a toy hook that notes what it sees.
type recorder struct {
	mu   *sync.Mutex
	log  *[]string
	name string
}

func (h recorder) Process(p *Packet) Verdict {
	in, out := "-", "-"
	if p.In != nil {
		in = p.In.Name()
	}
	if p.Out != nil {
		out = p.Out.Name()
	}
	h.mu.Lock()
	*h.log = append(*h.log, fmt.Sprintf("%s %v>%v in=%s out=%s", h.name, p.P.Src, p.P.Dst, in, out))
	h.mu.Unlock()
	return Accept
}

// toyNAT is a one-entry static NAT acting at the IOS points: outside to
// inside before routing, inside to outside after it.
type toyNAT struct {
	inside, outside *Interface
	local, global   netip.Addr
}

func (n *toyNAT) pre(p *Packet) Verdict {
	if p.In == n.outside && p.P.Dst == n.global {
		p.P.SetDstAddr(p.Buf, n.local)
	}
	return Accept
}

func (n *toyNAT) post(p *Packet) Verdict {
	if (p.In == n.inside || p.In == nil) && p.Out == n.outside && p.P.Src == n.local {
		p.P.SetSrcAddr(p.Buf, n.global)
	}
	return Accept
}

// TestHookOrder records what hooks before (order 100) and after (300) a
// toy NAT (200) see at every point, for the three kinds of packets.
func TestHookOrder(t *testing.T) {
	l := newLab(t)
	global := mustAddr("203.0.113.100")
	nat := &toyNAT{inside: l.gi(0), outside: l.gi(1), local: pc1, global: global}
	var mu sync.Mutex
	var log []string
	rec := func(name string) Hook { return recorder{&mu, &log, name} }
	for _, pt := range []HookPoint{HookInput, HookPreRouting, HookPostRouting, HookOutput, HookInspect} {
		l.r.AddHook(pt, 300, rec(pt.String()+"-after"))
		l.r.AddHook(pt, 100, rec(pt.String()+"-before"))
	}
	l.r.AddHook(HookPreRouting, 200, HookFunc(nat.pre))
	l.r.AddHook(HookPostRouting, 200, HookFunc(nat.post))

	g0, g1 := "GigabitEthernet0/0", "GigabitEthernet0/1"
	inbound := []HookPoint{HookInput, HookPreRouting}
	outbound := []HookPoint{HookPostRouting, HookOutput, HookInspect}
	all := append(slices.Clone(inbound), outbound...)
	cases := []struct {
		name     string
		from, to *port.MemHost
		pkt      []byte
		arrived  func(p *packet.Parsed) bool
		want     []string
	}{
		{"inside to outside: NAT after routing, the output ACL sees the global source",
			l.inside, l.outside, tcpPkt(pc1, isp, 64, nil),
			func(p *packet.Parsed) bool { return p.Src == global },
			hookTrail(all, g0, g1, HookPostRouting, "192.168.1.10>203.0.113.10", "203.0.113.100>203.0.113.10")},
		{"outside to inside: the input ACL sees the global destination, NAT runs before routing",
			l.outside, l.inside, tcpPkt(isp, global, 64, nil),
			func(p *packet.Parsed) bool { return p.Dst == pc1 },
			hookTrail(all, g1, g0, HookPreRouting, "203.0.113.10>203.0.113.100", "203.0.113.10>192.168.1.10")},
		{"to the router: the inbound points, then the echo reply, router-originated, passes the outbound ones",
			l.inside, l.inside, echoPkt(pc1, r1Outside.Addr(), 1, 1, 64),
			func(p *packet.Parsed) bool { return p.ICMPType == packet.ICMPEchoReply && p.Src == r1Outside.Addr() },
			append(hookTrail(inbound, g0, "-", numHookPoints, "192.168.1.10>203.0.113.1", ""),
				hookTrail(outbound, "-", g0, numHookPoints, "203.0.113.1>192.168.1.10", "")...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.from.Inject(c.pkt)
			if _, p := expect(t, c.to); !c.arrived(&p) {
				t.Fatalf("got %v", p.String())
			}
			settle()
			mu.Lock()
			got := log
			log = nil
			mu.Unlock()
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("hooks saw:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// hookTrail is what TestHookOrder's recorders log as a packet from in to
// out passes points: at each, the recorder before the NAT, then the one
// after it; the sending interface shows from post-routing on. At point nat
// the toy NAT turns the addresses addrs into natted, which the recorder
// after it and every later point see.
func hookTrail(points []HookPoint, in, out string, nat HookPoint, addrs, natted string) []string {
	var lines []string
	for _, pt := range points {
		o := "-"
		if pt >= HookPostRouting {
			o = out
		}
		before, after := addrs, addrs
		switch {
		case pt == nat:
			after = natted
		case pt > nat:
			before, after = natted, natted
		}
		lines = append(lines,
			fmt.Sprintf("%s-before %s in=%s out=%s", pt, before, in, o),
			fmt.Sprintf("%s-after %s in=%s out=%s", pt, after, in, o))
	}
	return lines
}

func TestHookVerdicts(t *testing.T) {
	l := newLab(t)
	blocked := mustAddr("203.0.113.66")
	silent := mustAddr("203.0.113.77")
	l.r.AddHook(HookInput, 100, HookFunc(func(p *Packet) Verdict {
		if p.P.Dst == silent {
			return Drop
		}
		return Accept
	}))
	l.r.AddHook(HookOutput, 100, HookFunc(func(p *Packet) Verdict {
		if p.P.Dst == blocked && p.In != nil {
			return DropProhibited
		}
		return Accept
	}))
	l.inside.Inject(tcpPkt(pc1, silent, 64, nil))
	expectNone(t, l.inside)
	l.inside.Inject(tcpPkt(pc1, blocked, 64, nil))
	_, p := expect(t, l.inside)
	if p.ICMPType != packet.ICMPDestUnreachable || p.ICMPCode != packet.ICMPAdminProhibited || p.Src != r1Inside.Addr() {
		t.Errorf("got %v", p.String())
	}
	expectNone(t, l.outside)
	settle()
	if c := l.gi(0).Counters(); c.InDrops != 1 {
		t.Errorf("Gi0/0 InDrops %d", c.InDrops)
	}
	if c := l.gi(1).Counters(); c.OutDrops != 1 {
		t.Errorf("Gi0/1 OutDrops %d", c.OutDrops)
	}
}

// TestHookGrowsPacket: a payload rewrite (an FTP ALG writing a longer
// address) grows the packet in place within cap(Buf); the router sends the
// grown packet.
func TestHookGrowsPacket(t *testing.T) {
	l := newLab(t)
	extra := []byte(" and more")
	l.r.AddHook(HookPostRouting, 100, HookFunc(func(p *Packet) Verdict {
		if p.P.IPProto != packet.ProtoTCP || cap(p.Buf)-len(p.Buf) < len(extra) {
			return Accept
		}
		n := len(p.Buf)
		p.Buf = append(p.Buf, extra...)
		packet.IPv4(p.Buf).SetTotalLength(uint16(n + len(extra)))
		packet.IPv4(p.Buf).UpdateChecksum()
		if !p.Reparse() {
			return Drop
		}
		p.P.SetTransportChecksum(p.Buf)
		return Accept
	}))
	var stolen int
	l.r.AddHook(HookInput, 100, HookFunc(func(p *Packet) Verdict {
		if p.P.IPProto == packet.ProtoUDP {
			stolen++
			return Stolen
		}
		return Accept
	}))
	l.inside.Inject(udpPkt(pc1, isp, 1, 2, 64, nil))
	l.inside.Inject(tcpPkt(pc1, isp, 64, []byte("227 Entering Passive Mode")))
	b, p := expect(t, l.outside)
	if got := string(b[p.PayloadOff:]); got != "227 Entering Passive Mode and more" {
		t.Errorf("payload %q", got)
	}
	expectNone(t, l.outside)
	if stolen != 1 {
		t.Errorf("stolen %d", stolen)
	}
	if c := l.gi(0).Counters(); c.InDrops != 0 {
		t.Errorf("a stolen packet counted as a drop: %+v", c)
	}
}

func TestBindErrors(t *testing.T) {
	r := New(Options{Interfaces: 2})
	defer r.Close()
	m, _ := port.NewMem("m", 1500)
	m2, _ := port.NewMem("m2", 9000)
	r.Loopback(1)
	for _, c := range []struct {
		name string
		p    port.Port
		ok   bool
	}{
		{"GigabitEthernet0/5", m, false},
		{"Loopback1", m, false},
		{"GigabitEthernet0/0", nil, false},
		{"GigabitEthernet0/0", m, true},
		{"GigabitEthernet0/0", m2, false},
		{"GigabitEthernet0/1", m2, true},
	} {
		if err := r.Bind(c.name, c.p); (err == nil) != c.ok {
			t.Errorf("Bind(%s) = %v", c.name, err)
		}
	}
	g1 := r.Interface("GigabitEthernet0/1")
	if g1.MTU() != 9000 || !g1.Bound() || g1.Port() != port.Port(m2) {
		t.Errorf("MTU %d bound %v", g1.MTU(), g1.Bound())
	}
	g1.SetMTU(1400)
	if g1.MTU() != 1400 {
		t.Errorf("ip mtu: %d", g1.MTU())
	}
	g1.SetDescription("to ISP")
	if g1.Description() != "to ISP" || r.Loopback(1).MTU() != 1514 || !r.Loopback(1).IsLoopback() {
		t.Error("description or loopback MTU")
	}
	r.Close()
	if err := r.Bind("GigabitEthernet0/1", m); err == nil {
		t.Error("Bind after Close")
	}
}

// TestStagesRunInTableOrder: hooks attached to every stage, in reverse,
// run in the order of the orderOfOperations table for a forwarded packet.
func TestStagesRunInTableOrder(t *testing.T) {
	l := newLab(t)
	var mu sync.Mutex
	var log []string
	for s := numStages - 1; s < numStages; s-- {
		l.r.Attach(s, recorder{&mu, &log, s.String()})
	}
	l.inside.Inject(tcpPkt(pc1, isp, 64, nil))
	expect(t, l.outside)
	settle()
	mu.Lock()
	defer mu.Unlock()
	var want []string
	for s := Stage(0); s < numStages; s++ {
		want = append(want, s.String()+" 192.168.1.10>203.0.113.10 in=GigabitEthernet0/0 out=")
	}
	if len(log) != len(want) {
		t.Fatalf("hooks saw:\n%s", strings.Join(log, "\n"))
	}
	for k := range want {
		if !strings.HasPrefix(log[k], want[k]) {
			t.Errorf("hook %d saw %q, want %q...", k, log[k], want[k])
		}
	}
}
