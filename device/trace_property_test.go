package device

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
	"natlab/port"
	"natlab/router"
)

// The property that pins packet-tracer to the real pipeline: over random
// configurations (access-lists in and out, NAT none/static/PAT/pool,
// routes, uRPF, CBAC, shut interfaces) and random packets, the trace's
// verdict and the point of the pipeline that drops equal what forwarding
// the same packet through the whole router does, and for a forwarded
// packet the addresses, ports and TTL it predicts are the ones that leave.
// The packets of one configuration are forwarded one after the other, so
// later ones meet the translations and sessions earlier ones made.

const (
	propConfigs = 40 // configurations
	propPackets = 20 // packets per configuration
)

// pointRecorder is a hook at the end (or start) of a hook point that
// notes which points a forwarded packet passed. It traces as a no-op.
type pointRecorder struct {
	bit  uint32
	seen *atomic.Uint32
}

func (h pointRecorder) Process(p *router.Packet) router.Verdict {
	if p.In != nil {
		h.seen.Or(h.bit)
	}
	return router.Accept
}

func (h pointRecorder) Trace(*router.Packet, *router.TraceLog) router.Verdict { return router.Accept }

const (
	passedInput = 1 << iota
	passedPre
	routed
	passedPost
	passedOutput
	passedInspect
)

var propIfaces = []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2", "GigabitEthernet0/3"}

// propHosts are the addresses random packets use, by receiving interface
// (sources) and overall (destinations).
var (
	propSrc = map[string][]string{
		"GigabitEthernet0/0": {"192.168.1.10", "192.168.1.11", "10.9.9.7"},
		"GigabitEthernet0/1": {"198.51.100.7", "203.0.113.10", "8.8.8.8", "192.168.1.10"},
		"GigabitEthernet0/2": {"192.168.2.10", "192.168.2.11"},
		"GigabitEthernet0/3": {"10.9.9.2", "172.16.1.1"},
	}
	propDst   = []string{"198.51.100.7", "203.0.113.100", "203.0.113.10", "192.168.2.10", "192.168.1.10", "172.16.1.1", "8.8.8.8", "203.0.113.50", "203.0.113.1"}
	propPorts = []uint16{21, 53, 80, 5000, 40000, 40001, 1024}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// randomEntry is an extended access-list entry over the addresses and
// ports the packets use.
func randomEntry(r *rand.Rand) string {
	addr := func() string {
		switch r.IntN(4) {
		case 0:
			return "any"
		case 1:
			return "host " + pick(r, propDst)
		case 2:
			return "host " + pick(r, propSrc[pick(r, propIfaces)])
		}
		return pick(r, []string{"192.168.1.0 0.0.0.255", "203.0.113.0 0.0.0.255", "198.51.100.0 0.0.0.255", "192.168.2.0 0.0.0.255"})
	}
	act := pick(r, []string{"permit", "permit", "deny"})
	switch proto := pick(r, []string{"ip", "tcp", "udp", "icmp"}); proto {
	case "tcp", "udp":
		e := fmt.Sprintf("%s %s %s", act, proto, addr())
		if r.IntN(3) == 0 {
			e += fmt.Sprintf(" eq %d", pick(r, propPorts))
		}
		e += " " + addr()
		if r.IntN(2) == 0 {
			e += fmt.Sprintf(" eq %d", pick(r, propPorts))
		}
		return e
	case "icmp":
		e := fmt.Sprintf("%s icmp %s %s", act, addr(), addr())
		if r.IntN(2) == 0 {
			e += pick(r, []string{" echo", " echo-reply"})
		}
		return e
	default:
		return fmt.Sprintf("%s ip %s %s", act, addr(), addr())
	}
}

// randomConfig is a configuration of the four interfaces.
func randomConfig(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("configure terminal\n")
	roles := []string{"inside", "outside", "inside", ""}
	addrs := []string{"192.168.1.1", "203.0.113.1", "192.168.2.1", "10.9.9.1"}
	list := 100
	var entries []string
	for k, name := range propIfaces {
		fmt.Fprintf(&b, "interface %s\n ip address %s 255.255.255.0\n", name, addrs[k])
		if roles[k] != "" {
			fmt.Fprintf(&b, " ip nat %s\n", roles[k])
		}
		for _, dir := range []string{"in", "out"} {
			if r.IntN(3) == 0 {
				list++
				fmt.Fprintf(&b, " ip access-group %d %s\n", list, dir)
				for n := 1 + r.IntN(4); n > 0; n-- {
					entries = append(entries, fmt.Sprintf("access-list %d %s\n", list, randomEntry(r)))
				}
			}
		}
		if k == 1 && r.IntN(5) == 0 {
			b.WriteString(" ip verify unicast source reachable-via rx\n")
		}
		if k == 1 && r.IntN(3) == 0 {
			b.WriteString(" ip inspect FW out\n")
		}
		if k == 3 && r.IntN(4) == 0 {
			b.WriteString(" shutdown\n")
		} else {
			b.WriteString(" no shutdown\n")
		}
	}
	b.WriteString("ip inspect name FW tcp\nip inspect name FW udp\nip inspect name FW icmp\n")
	switch r.IntN(5) {
	case 1:
		b.WriteString("ip nat inside source static 192.168.2.10 203.0.113.100\n")
	case 2:
		b.WriteString("ip nat inside source list 1 interface GigabitEthernet0/1 overload\n")
	case 3:
		b.WriteString("ip nat inside source static 192.168.2.10 203.0.113.100\nip nat inside source list 1 interface GigabitEthernet0/1 overload\n")
	case 4:
		b.WriteString("ip nat pool P 203.0.113.50 203.0.113.51 netmask 255.255.255.0\n")
		if r.IntN(2) == 0 {
			b.WriteString("ip nat inside source list 1 pool P overload\n")
		} else {
			b.WriteString("ip nat inside source list 1 pool P\n")
		}
	}
	b.WriteString("access-list 1 permit 192.168.1.0 0.0.0.255\naccess-list 1 permit 192.168.2.0 0.0.0.255\n")
	if r.IntN(4) != 0 {
		b.WriteString("ip route 0.0.0.0 0.0.0.0 203.0.113.10\n")
	}
	if r.IntN(2) == 0 {
		b.WriteString("ip route 172.16.0.0 255.255.0.0 10.9.9.2\n")
	}
	for _, e := range entries {
		b.WriteString(e)
	}
	return b.String()
}

// propLab is one configuration under test.
type propLab struct {
	d     *Device
	hosts map[string]*port.MemHost
	seen  atomic.Uint32
}

func newPropLab(t *testing.T, cfg string) *propLab {
	l := &propLab{d: New(Options{Interfaces: 4, Clock: fixedClock}), hosts: map[string]*port.MemHost{}}
	t.Cleanup(func() { l.d.Close() })
	for _, name := range propIfaces {
		m, h := port.NewMem("pt"+name[len(name)-1:], 1500)
		if err := l.d.Router.Bind(name, m); err != nil {
			t.Fatal(err)
		}
		l.hosts[name] = h
	}
	rec := func(bit uint32) router.Hook { return pointRecorder{bit, &l.seen} }
	const last = 1 << 30
	l.d.Router.AddHook(router.HookInput, last, rec(passedInput))
	l.d.Router.AddHook(router.HookPreRouting, last, rec(passedPre))
	l.d.Router.AddHook(router.HookPostRouting, 0, rec(routed))
	l.d.Router.AddHook(router.HookPostRouting, last, rec(passedPost))
	l.d.Router.AddHook(router.HookOutput, last, rec(passedOutput))
	l.d.Router.AddHook(router.HookInspect, last, rec(passedInspect))
	var out strings.Builder
	s := l.d.Engine.NewSession(&out)
	s.SetMode(ios.Exec)
	s.SetTerminalLength(0)
	if n := s.RunScript(strings.NewReader(cfg + "end\n")); n != 0 {
		t.Fatalf("config: %d lines failed\n%s\n%s", n, cfg, out.String())
	}
	return l
}

// drops is the sum of the drop counters the pipeline adds to.
func (l *propLab) drops() uint64 {
	var n uint64
	for _, i := range l.d.Router.Interfaces() {
		c := i.Counters()
		n += c.InDrops + c.OutDrops + c.OutErrors + i.VerifyCounters().Drops
	}
	return n
}

func (l *propLab) verifyDrops() uint64 {
	var n uint64
	for _, i := range l.d.Router.Interfaces() {
		n += i.VerifyCounters().Drops
	}
	return n
}

// observed is what forwarding a packet did.
type observed struct {
	action string // allow or drop
	point  string // where it was dropped, in TracePhase.Point terms
	out    []byte // the forwarded packet
	outIf  string
}

// forward injects pkt on ifname and waits until it leaves or a drop
// counter moves.
func (l *propLab) forward(t *testing.T, ifname string, pkt []byte) observed {
	for _, h := range l.hosts {
		for h.TryRecv() != nil {
		}
	}
	l.seen.Store(0)
	before, vBefore := l.drops(), l.verifyDrops()
	if err := l.hosts[ifname].Inject(pkt); err != nil {
		return observed{action: router.ActionDrop, point: "receive"}
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		for name, h := range l.hosts {
			for b := h.TryRecv(); b != nil; b = h.TryRecv() {
				var p packet.Parsed
				if p.Decode(b) == packet.OK && !p.IsICMPError() {
					return observed{action: router.ActionAllow, out: b, outIf: name}
				}
			}
		}
		if l.drops() != before {
			return observed{action: router.ActionDrop, point: l.dropPoint(l.verifyDrops() != vBefore)}
		}
		time.Sleep(50 * time.Microsecond)
	}
	t.Fatalf("the packet neither left nor was dropped")
	return observed{}
}

// dropPoint is where the recorders say the packet stopped.
func (l *propLab) dropPoint(urpf bool) string {
	s := l.seen.Load()
	switch {
	case s&passedInput == 0:
		return "input" // or receive: a martian (not generated)
	case urpf:
		return "urpf"
	case s&passedPre == 0:
		return "prerouting"
	case s&routed == 0:
		return "route"
	case s&passedPost == 0:
		return "postrouting"
	case s&passedOutput == 0:
		return "output"
	case s&passedInspect == 0:
		return "inspect"
	}
	return "transmit"
}

func randomFlow(r *rand.Rand) (string, TraceFlow) {
	ifname := pick(r, propIfaces)
	f := TraceFlow{Src: netip.MustParseAddr(pick(r, propSrc[ifname])), Dst: netip.MustParseAddr(pick(r, propDst))}
	switch r.IntN(3) {
	case 0:
		f.Proto, f.SrcPort, f.DstPort = packet.ProtoTCP, pick(r, propPorts), pick(r, propPorts)
	case 1:
		f.Proto, f.SrcPort, f.DstPort = packet.ProtoUDP, pick(r, propPorts), pick(r, propPorts)
	default:
		f.Proto, f.SrcPort = packet.ProtoICMP, uint16(pick(r, []uint8{packet.ICMPEcho, packet.ICMPEchoReply}))
	}
	return ifname, f
}

func TestPacketTracerMatchesForwarding(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 2026))
	var cases, allowed, dropped, local, unknown int
	points := map[string]int{}
	for c := 0; c < propConfigs; c++ {
		cfg := randomConfig(r)
		l := newPropLab(t, cfg)
		for k := 0; k < propPackets; k++ {
			ifname, f := randomFlow(r)
			pkt, err := buildTracePacket(f)
			if err != nil {
				t.Fatal(err)
			}
			tr, err := l.d.PacketTrace(ifname, f, false)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Action == router.ActionUnknown {
				unknown++
				continue
			}
			if tr.Local {
				local++ // answered by the router itself: not a forwarding outcome
				continue
			}
			cases++
			obs := l.forward(t, ifname, pkt)
			var text strings.Builder
			tr.WriteText(&text, true)
			fail := func(format string, a ...any) {
				t.Fatalf("config %d packet %d: %s %+v on %s: %s\n%s\ntrace:\n%s", c, k, f.Proto, f, ifname, fmt.Sprintf(format, a...), cfg, text.String())
			}
			if obs.action != tr.Action {
				fail("forwarding says %s (at %s), the trace %s", obs.action, obs.point, tr.Action)
			}
			if obs.action == router.ActionDrop {
				dropped++
				points[obs.point]++
				if obs.point != tr.DropPoint {
					fail("dropped at %s, the trace says %s", obs.point, tr.DropPoint)
				}
				continue
			}
			allowed++
			var p packet.Parsed
			if p.Decode(obs.out) != packet.OK {
				fail("the forwarded packet does not decode")
			}
			got := router.TracePacketOf(&p)
			if got != tr.Out || obs.outIf != tr.OutputInterface {
				fail("left %s as %+v, the trace predicts %s as %+v", obs.outIf, got, tr.OutputInterface, tr.Out)
			}
		}
	}
	t.Logf("%d cases compared (%d allowed, %d dropped: %v); %d to the router itself and %d not traceable skipped",
		cases, allowed, dropped, points, local, unknown)
	if cases < propConfigs*propPackets/2 || allowed < cases/5 || dropped < cases/5 {
		t.Fatalf("the generator covers too little: %d cases, %d allowed, %d dropped", cases, allowed, dropped)
	}
}
