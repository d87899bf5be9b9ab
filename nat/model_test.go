package nat

import (
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
)

// model is a slow, obviously correct NAT for the reference rules (PAT on
// Gi0/1 for 192.168.1.0/24, static 192.168.2.10 <-> 203.0.113.100, static
// tcp 192.168.2.21:22 <-> Gi0/1:2222): lists, linear searches, no
// indexes, no bitmaps. The randomized test feeds both the same packets and
// compares what comes out.
type model struct {
	now      time.Duration
	sessions []*mSession
	bindings []*mBinding
	max      int
	hits     int
	misses   int
	timeouts Timeouts
}

type mEnd struct {
	a uint32
	p uint16
}

type mBinding struct {
	proto         packet.Proto
	local, global mEnd
	refs          int
}

type mSession struct {
	proto                packet.Proto
	inL, inG, outL, outG mEnd
	last                 time.Duration
	state                uint32
	outbound             bool
	binding              *mBinding
}

var (
	mIface     = be32(addr4(ip("203.0.113.1")))
	mStaticL   = be32(addr4(ip("192.168.2.10")))
	mStaticG   = be32(addr4(ip("203.0.113.100")))
	mPortL     = be32(addr4(ip("192.168.2.21")))
	mInsideNet = be32(addr4(ip("192.168.1.0")))
)

func (m *model) timeout(s *mSession) time.Duration {
	switch s.proto {
	case packet.ProtoTCP:
		return m.timeouts.tcpTimeout(s.state)
	case packet.ProtoUDP:
		if s.outG.p == 53 || s.inL.p == 53 {
			return m.timeouts.DNS
		}
		return m.timeouts.UDP
	}
	return m.timeouts.ICMP
}

func (m *model) sweep() {
	var keep []*mSession
	for _, s := range m.sessions {
		if d := m.timeout(s); d >= 0 && s.last+d <= m.now {
			m.drop(s)
			continue
		}
		keep = append(keep, s)
	}
	m.sessions = keep
}

func (m *model) drop(s *mSession) {
	if b := s.binding; b != nil {
		b.refs--
		if b.refs == 0 {
			for i, x := range m.bindings {
				if x == b {
					m.bindings = append(m.bindings[:i], m.bindings[i+1:]...)
					break
				}
			}
		}
	}
}

func (m *model) clear() {
	for _, s := range m.sessions {
		m.drop(s)
	}
	m.sessions = nil
}

func (m *model) portTaken(proto packet.Proto, p uint16) bool {
	if proto == packet.ProtoTCP && p == 2222 {
		return true
	}
	for _, b := range m.bindings {
		if b.proto == proto && b.global.a == mIface && b.global.p == p {
			return true
		}
	}
	return false
}

func (m *model) alloc(proto packet.Proto, want uint16) (uint16, bool) {
	if !m.portTaken(proto, want) {
		return want, true
	}
	lo, hi := portClass(want)
	if lo == 0 && proto != packet.ProtoICMP {
		lo = 1
	}
	for p := int(lo); p <= int(hi); p++ {
		if !m.portTaken(proto, uint16(p)) {
			return uint16(p), true
		}
	}
	return 0, false
}

func (m *model) touch(s *mSession, f *mFlow, fromInside bool) {
	s.last = m.now
	if f.proto == packet.ProtoTCP {
		s.state = nextTCPState(s.state, f.tcpFlags, fromInside == s.outbound)
	}
}

func (m *model) newState(f *mFlow) uint32 {
	if f.proto == packet.ProtoTCP {
		return initialTCPState(f.tcpFlags)
	}
	return 0
}

// out returns the result and the translated src, sport, dst, dport.
func (m *model) out(f mFlow) (Result, mFlow) {
	for _, s := range m.sessions {
		if s.proto == f.proto && s.inL == (mEnd{f.src, f.sport}) && s.outL == (mEnd{f.dst, f.dport}) {
			m.hits++
			m.touch(s, &f, true)
			return Hit, mFlow{src: s.inG.a, sport: s.inG.p, dst: s.outG.a, dport: s.outG.p}
		}
	}
	inList := f.src&0xffffff00 == mInsideNet
	if m.max > 0 && len(m.sessions) >= m.max {
		if inList || f.src == mStaticL || f.src == mPortL {
			m.misses++
			return Drop, f
		}
		return Pass, f
	}
	var g mEnd
	var b *mBinding
	switch {
	case f.proto == packet.ProtoTCP && f.src == mPortL && f.sport == 22:
		g = mEnd{mIface, 2222}
	case f.src == mStaticL:
		g = mEnd{mStaticG, f.sport}
	case inList:
		for _, x := range m.bindings {
			if x.proto == f.proto && x.local == (mEnd{f.src, f.sport}) {
				b = x
			}
		}
		if b == nil {
			p, ok := m.alloc(f.proto, f.sport)
			if !ok {
				m.misses++
				return Drop, f
			}
			b = &mBinding{proto: f.proto, local: mEnd{f.src, f.sport}, global: mEnd{mIface, p}}
			m.bindings = append(m.bindings, b)
		}
		b.refs++
		g = b.global
	default:
		return Pass, f
	}
	s := &mSession{proto: f.proto, inL: mEnd{f.src, f.sport}, inG: g, outL: mEnd{f.dst, f.dport}, outG: mEnd{f.dst, f.dport},
		last: m.now, state: m.newState(&f), outbound: true, binding: b}
	if f.proto == packet.ProtoICMP {
		s.outG.p = g.p
	}
	m.sessions = append(m.sessions, s)
	m.misses++
	return Created, mFlow{src: s.inG.a, sport: s.inG.p, dst: s.outG.a, dport: s.outG.p}
}

func (m *model) in(f mFlow) (Result, mFlow) {
	for _, s := range m.sessions {
		if s.proto == f.proto && s.outG == (mEnd{f.src, f.sport}) && s.inG == (mEnd{f.dst, f.dport}) {
			m.hits++
			m.touch(s, &f, false)
			return Hit, mFlow{src: s.outL.a, sport: s.outL.p, dst: s.inL.a, dport: s.inL.p}
		}
	}
	var l mEnd
	switch {
	case f.proto == packet.ProtoTCP && f.dst == mIface && f.dport == 2222:
		l = mEnd{mPortL, 22}
	case f.dst == mStaticG:
		l = mEnd{mStaticL, f.dport}
	default:
		return Pass, f
	}
	if m.max > 0 && len(m.sessions) >= m.max {
		m.misses++
		return Drop, f
	}
	s := &mSession{proto: f.proto, inL: l, inG: mEnd{f.dst, f.dport}, outL: mEnd{f.src, f.sport}, outG: mEnd{f.src, f.sport},
		last: m.now, state: m.newState(&f)}
	if f.proto == packet.ProtoICMP {
		s.outL.p = l.p
	}
	m.sessions = append(m.sessions, s)
	m.misses++
	return Created, mFlow{src: s.outL.a, sport: s.outL.p, dst: s.inL.a, dport: s.inL.p}
}

// errIn is an ICMP error from a router on the outside about q, a packet
// that left translated. It returns the result, the quoted packet's
// endpoints after translation and the outer destination.
func (m *model) errIn(q mFlow, outerDst uint32) (Result, mFlow, uint32) {
	for _, s := range m.sessions {
		if s.proto == q.proto && s.inG == (mEnd{q.src, q.sport}) && s.outG == (mEnd{q.dst, q.dport}) {
			m.hits++ // no refresh: an error is not traffic of the flow (RFC 5508 REQ-6)
			if outerDst == s.inG.a {
				outerDst = s.inL.a
			}
			return Hit, mFlow{src: s.inL.a, sport: s.inL.p, dst: s.outL.a, dport: s.outL.p}, outerDst
		}
	}
	if q.src == mStaticG {
		m.hits++
		if outerDst == mStaticG {
			outerDst = mStaticL
		}
		return Hit, mFlow{src: mStaticL, sport: q.sport, dst: q.dst, dport: q.dport}, outerDst
	}
	return Pass, q, outerDst
}

// addrOf formats a model address.
func addrOf(u uint32) netip.Addr { return netip.AddrFrom4(from32(u)) }

// mFlow is what the model reads of a packet.
type mFlow struct {
	proto        packet.Proto
	src, dst     uint32
	sport, dport uint16
	tcpFlags     uint8
}

// decodeFlow decodes a packet (or, inError, the datagram an ICMP error
// quotes) for the model.
func decodeFlow(t *testing.T, b []byte, inError bool) mFlow {
	t.Helper()
	var p, q packet.Parsed
	if r := p.Decode(b); r != packet.OK {
		t.Fatalf("decode: %v", r)
	}
	if inError {
		if _, r := p.Quoted(b, &q); r != packet.OK {
			t.Fatalf("decode quoted: %v", r)
		}
		p = q
	}
	tu := p.Tuple()
	return mFlow{tu.Proto, be32(tu.Src), be32(tu.Dst), tu.SrcPort, tu.DstPort, p.TCPFlags}
}

func TestModelRandomized(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		runModel(t, seed, 3000)
	}
}

func runModel(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 99))
	l := newLab(t).reference(t)
	must(t, l.AddStatic(StaticRule{Proto: packet.ProtoTCP, Local: ip("192.168.2.21"), LocalPort: 22, Interface: "GigabitEthernet0/1", GlobalPort: 2222}))
	m := &model{timeouts: DefaultTimeouts}
	if seed%4 == 0 {
		m.max = 10
		l.SetMaxEntries(10)
	}
	if seed%3 == 0 {
		m.timeouts.UDP = 30 * time.Second
		must(t, l.SetTimeout("udp-timeout", 30*time.Second, false))
	}
	insides := []string{"192.168.1.10", "192.168.1.11", "192.168.1.12", "192.168.2.10", "192.168.2.21", "10.0.0.1"}
	outsides := []string{"203.0.113.10", "203.0.113.11"}
	globals := []string{"203.0.113.1", "203.0.113.100", "203.0.113.7"}
	ports := []uint16{1, 2, 22, 53, 500, 511, 512, 700, 1024, 1025, 2222, 49732}
	flags := []uint8{syn, synack, ack, finack, rst}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	pport := func() uint16 { return ports[rng.IntN(len(ports))] }
	var sent [][]byte // translated outbound packets, for ICMP errors about them

	for i := 0; i < steps; i++ {
		switch r := rng.IntN(100); {
		case r < 10:
			d := time.Duration(rng.IntN(120)) * time.Second
			if rng.IntN(20) == 0 {
				d = 100000 * time.Second
			}
			m.now += d
			l.clock.Advance(d)
		case r < 11:
			m.clear()
			l.ClearAll()
		}
		m.sweep()
		l.Sweep()

		if len(sent) > 0 && rng.IntN(10) == 0 {
			// An outside router reports an error about a packet that left.
			orig := sent[rng.IntN(len(sent))]
			e := icmpErr(11, 0, "203.0.113.254", orig)
			q := decodeFlow(t, orig, false)
			want, wq, wdst := m.errIn(q, q.src)
			got := l.Inbound(e)
			if got != want {
				t.Fatalf("seed %d step %d: error about %s:%d -> %s:%d: result %d, model %d", seed, i, addrOf(q.src), q.sport, addrOf(q.dst), q.dport, got, want)
			}
			checkPacket(t, e)
			gq := decodeFlow(t, e, true)
			outer := decodeFlow(t, e, false)
			if outer.dst != wdst || gq.src != wq.src || gq.sport != wq.sport || gq.dst != wq.dst || gq.dport != wq.dport {
				t.Fatalf("seed %d step %d: error translated to %s, quoting %s:%d -> %s:%d; model %s, %s:%d -> %s:%d", seed, i,
					addrOf(outer.dst), addrOf(gq.src), gq.sport, addrOf(gq.dst), gq.dport, addrOf(wdst), addrOf(wq.src), wq.sport, addrOf(wq.dst), wq.dport)
			}
			continue
		}
		outbound := rng.IntN(2) == 0
		var b []byte
		var src, dst string
		var sport, dport uint16
		if outbound {
			src, dst, sport, dport = pick(insides), pick(outsides), pport(), pport()
		} else {
			src, dst, sport, dport = pick(outsides), pick(globals), pport(), pport()
		}
		var fl uint8
		switch rng.IntN(3) {
		case 0:
			fl = flags[rng.IntN(len(flags))]
			b = tcpPkt(src, sport, dst, dport, fl)
		case 1:
			b = udpPkt(src, sport, dst, dport)
		default:
			typ := uint8(8)
			if rng.IntN(2) == 0 {
				typ = 0
			}
			b = echoPkt(typ, src, dst, sport)
		}
		f := decodeFlow(t, b, false)
		var want Result
		var wf mFlow
		var got Result
		if outbound {
			want, wf = m.out(f)
			got = l.Outbound(b)
		} else {
			want, wf = m.in(f)
			got = l.Inbound(b)
		}
		if got != want {
			t.Fatalf("seed %d step %d: %s %s:%d -> %s:%d: result %d, model %d", seed, i, map[bool]string{true: "out", false: "in"}[outbound], src, sport, dst, dport, got, want)
		}
		if got == Drop {
			continue
		}
		g := decodeFlow(t, b, false)
		checkPacket(t, b)
		if outbound && got != Pass {
			sent = append(sent, append([]byte(nil), b...))
			if len(sent) > 64 {
				sent = sent[1:]
			}
		}
		if g.src != wf.src || g.dst != wf.dst || g.sport != wf.sport || g.dport != wf.dport {
			t.Fatalf("seed %d step %d: %s:%d -> %s:%d became %s:%d -> %s:%d, model %s:%d -> %s:%d", seed, i, src, sport, dst, dport,
				addrOf(g.src), g.sport, addrOf(g.dst), g.dport, addrOf(wf.src), wf.sport, addrOf(wf.dst), wf.dport)
		}
		st := l.Statistics()
		if st.Dynamic != len(m.sessions) || st.Hits != uint64(m.hits) || st.Misses != uint64(m.misses) {
			t.Fatalf("seed %d step %d: dynamic %d/%d hits %d/%d misses %d/%d", seed, i, st.Dynamic, len(m.sessions), st.Hits, m.hits, st.Misses, m.misses)
		}
		if len(l.patByLocal) != len(m.bindings) {
			t.Fatalf("seed %d step %d: bindings %d, model %d", seed, i, len(l.patByLocal), len(m.bindings))
		}
	}
}
