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
	replied              bool // a packet came from the side that did not start the flow
	pruned               bool // an eviction found it established: never a candidate again
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
	if fromInside != s.outbound {
		s.replied = true
	}
	if f.proto == packet.ProtoTCP {
		s.state = nextTCPState(s.state, f.tcpFlags, fromInside == s.outbound)
	}
}

// makeRoom evicts, while the table is full, the oldest session that is
// not established; sessions found established on the way are never
// candidates again. It reports whether there is room.
func (m *model) makeRoom() bool {
	for m.max > 0 && len(m.sessions) >= m.max {
		victim := -1
		for i, s := range m.sessions {
			if s.pruned {
				continue
			}
			fins := s.state&(tcpOrigFin|tcpReplyFin) == tcpOrigFin|tcpReplyFin
			if !s.replied || (s.proto == packet.ProtoTCP && (s.state&tcpEstablished == 0 || s.state&tcpSawRst != 0 || fins)) {
				victim = i
				break
			}
			s.pruned = true
		}
		if victim < 0 {
			return false
		}
		m.drop(m.sessions[victim])
		m.sessions = append(m.sessions[:victim], m.sessions[victim+1:]...)
	}
	return true
}

func (m *model) newState(f *mFlow) uint32 {
	if f.proto == packet.ProtoTCP {
		return initialTCPState(f.tcpFlags)
	}
	return 0
}

// sessionBy finds the session whose endpoints, as view picks them, are
// the flow's.
func (m *model) sessionBy(f mFlow, view func(s *mSession) (src, dst mEnd)) *mSession {
	for _, s := range m.sessions {
		if src, dst := view(s); s.proto == f.proto && src == (mEnd{f.src, f.sport}) && dst == (mEnd{f.dst, f.dport}) {
			return s
		}
	}
	return nil
}

// The endpoints of a session as the inside sends, the outside sends, and
// as the inside's packets leave.
func insideView(s *mSession) (mEnd, mEnd)  { return s.inL, s.outL }
func outsideView(s *mSession) (mEnd, mEnd) { return s.outG, s.inG }
func leftView(s *mSession) (mEnd, mEnd)    { return s.inG, s.outG }

// mTo is a translated flow's endpoints.
func mTo(src, dst mEnd) mFlow { return mFlow{src: src.a, sport: src.p, dst: dst.a, dport: dst.p} }

// out returns the result and the translated src, sport, dst, dport.
func (m *model) out(f mFlow) (Result, mFlow) {
	if s := m.sessionBy(f, insideView); s != nil {
		m.hits++
		m.touch(s, &f, true)
		return Hit, mTo(s.inG, s.outG)
	}
	inList := f.src&0xffffff00 == mInsideNet
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
	// Room is made once the translation is known, its binding held.
	if !m.makeRoom() {
		m.misses++
		m.drop(&mSession{binding: b}) // the binding's reference, given back
		return Drop, f
	}
	s := &mSession{proto: f.proto, inL: mEnd{f.src, f.sport}, inG: g, outL: mEnd{f.dst, f.dport}, outG: mEnd{f.dst, f.dport},
		last: m.now, state: m.newState(&f), outbound: true, binding: b}
	if f.proto == packet.ProtoICMP {
		s.outG.p = g.p
	}
	m.sessions = append(m.sessions, s)
	m.misses++
	return Created, mTo(s.inG, s.outG)
}

func (m *model) in(f mFlow) (Result, mFlow) {
	if s := m.sessionBy(f, outsideView); s != nil {
		m.hits++
		m.touch(s, &f, false)
		return Hit, mTo(s.outL, s.inL)
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
	if !m.makeRoom() {
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
	return Created, mTo(s.outL, s.inL)
}

// errIn is an ICMP error from a router on the outside about q, a packet
// that left translated. It returns the result, the quoted packet's
// endpoints after translation and the outer destination.
func (m *model) errIn(q mFlow, outerDst uint32) (Result, mFlow, uint32) {
	if s := m.sessionBy(q, leftView); s != nil {
		m.hits++ // no refresh: an error is not traffic of the flow (RFC 5508 REQ-6)
		if outerDst == s.inG.a {
			outerDst = s.inL.a
		}
		return Hit, mTo(s.inL, s.outL), outerDst
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

// modelRun feeds random traffic to the engine and the model alike.
type modelRun struct {
	t    *testing.T
	rng  *rand.Rand
	l    *lab
	m    *model
	seed uint64
	step int
	sent [][]byte // translated outbound packets, for ICMP errors about them
}

// The traffic: endpoints and TCP flags the packets are drawn from.
var (
	modelInsides  = []string{"192.168.1.10", "192.168.1.11", "192.168.1.12", "192.168.2.10", "192.168.2.21", "10.0.0.1"}
	modelOutsides = []string{"203.0.113.10", "203.0.113.11"}
	modelGlobals  = []string{"203.0.113.1", "203.0.113.100", "203.0.113.7"}
	modelPorts    = []uint16{1, 2, 22, 53, 500, 511, 512, 700, 1024, 1025, 2222, 49732}
	modelFlags    = []uint8{syn, synack, ack, finack, rst}
)

func runModel(t *testing.T, seed uint64, steps int) {
	r := &modelRun{t: t, rng: rand.New(rand.NewPCG(seed, 99)), l: newLab(t).reference(t), m: &model{timeouts: DefaultTimeouts}, seed: seed}
	must(t, r.l.AddStatic(StaticRule{Proto: packet.ProtoTCP, Local: ip("192.168.2.21"), LocalPort: 22, Interface: "GigabitEthernet0/1", GlobalPort: 2222}))
	if seed%4 == 0 {
		r.m.max = 10
		r.l.SetMaxEntries(10)
	}
	if seed%3 == 0 {
		r.m.timeouts.UDP = 30 * time.Second
		must(t, r.l.SetTimeout("udp-timeout", 30*time.Second, false))
	}
	for r.step = 0; r.step < steps; r.step++ {
		r.passTime()
		if len(r.sent) > 0 && r.rng.IntN(10) == 0 {
			r.errorAboutSent()
			continue
		}
		r.packet()
	}
}

// passTime moves both clocks now and then, clears both tables more
// rarely, and expires what timed out.
func (r *modelRun) passTime() {
	switch x := r.rng.IntN(100); {
	case x < 10:
		d := time.Duration(r.rng.IntN(120)) * time.Second
		if r.rng.IntN(20) == 0 {
			d = 100000 * time.Second
		}
		r.m.now += d
		r.l.clock.Advance(d)
	case x < 11:
		r.m.clear()
		r.l.ClearAll()
	}
	r.m.sweep()
	r.l.Sweep()
}

// errorAboutSent is an outside router's error about a packet that left.
func (r *modelRun) errorAboutSent() {
	t := r.t
	orig := r.sent[r.rng.IntN(len(r.sent))]
	e := icmpErr(11, 0, "203.0.113.254", orig)
	q := decodeFlow(t, orig, false)
	want, wq, wdst := r.m.errIn(q, q.src)
	got := r.l.Inbound(e)
	if got != want {
		t.Fatalf("seed %d step %d: error about %s:%d -> %s:%d: result %d, model %d", r.seed, r.step, addrOf(q.src), q.sport, addrOf(q.dst), q.dport, got, want)
	}
	checkPacket(t, e)
	gq := decodeFlow(t, e, true)
	outer := decodeFlow(t, e, false)
	if outer.dst != wdst || gq.src != wq.src || gq.sport != wq.sport || gq.dst != wq.dst || gq.dport != wq.dport {
		t.Fatalf("seed %d step %d: error translated to %s, quoting %s:%d -> %s:%d; model %s, %s:%d -> %s:%d", r.seed, r.step,
			addrOf(outer.dst), addrOf(gq.src), gq.sport, addrOf(gq.dst), gq.dport, addrOf(wdst), addrOf(wq.src), wq.sport, addrOf(wq.dst), wq.dport)
	}
}

// randomPacket draws a TCP, UDP or echo packet from the inside to the
// outside (outbound) or from the outside to a global address.
func (r *modelRun) randomPacket(outbound bool) []byte {
	pick := func(s []string) string { return s[r.rng.IntN(len(s))] }
	pport := func() uint16 { return modelPorts[r.rng.IntN(len(modelPorts))] }
	var src, dst string
	if outbound {
		src, dst = pick(modelInsides), pick(modelOutsides)
	} else {
		src, dst = pick(modelOutsides), pick(modelGlobals)
	}
	sport, dport := pport(), pport()
	switch r.rng.IntN(3) {
	case 0:
		return tcpPkt(src, sport, dst, dport, modelFlags[r.rng.IntN(len(modelFlags))])
	case 1:
		return udpPkt(src, sport, dst, dport)
	}
	typ := uint8(8)
	if r.rng.IntN(2) == 0 {
		typ = 0
	}
	return echoPkt(typ, src, dst, sport)
}

// packet sends a random packet through both and compares the results,
// the translated packets and the tables.
func (r *modelRun) packet() {
	t, l, m := r.t, r.l, r.m
	outbound := r.rng.IntN(2) == 0
	b := r.randomPacket(outbound)
	f := decodeFlow(t, b, false)
	var want, got Result
	var wf mFlow
	if outbound {
		want, wf = m.out(f)
		got = l.Outbound(b)
	} else {
		want, wf = m.in(f)
		got = l.Inbound(b)
	}
	if got != want {
		t.Fatalf("seed %d step %d: %s %s:%d -> %s:%d: result %d, model %d", r.seed, r.step, map[bool]string{true: "out", false: "in"}[outbound],
			addrOf(f.src), f.sport, addrOf(f.dst), f.dport, got, want)
	}
	if got == Drop {
		return
	}
	g := decodeFlow(t, b, false)
	checkPacket(t, b)
	if outbound && got != Pass {
		r.sent = append(r.sent, append([]byte(nil), b...))
		if len(r.sent) > 64 {
			r.sent = r.sent[1:]
		}
	}
	if g.src != wf.src || g.dst != wf.dst || g.sport != wf.sport || g.dport != wf.dport {
		t.Fatalf("seed %d step %d: %s:%d -> %s:%d became %s:%d -> %s:%d, model %s:%d -> %s:%d", r.seed, r.step, addrOf(f.src), f.sport, addrOf(f.dst), f.dport,
			addrOf(g.src), g.sport, addrOf(g.dst), g.dport, addrOf(wf.src), wf.sport, addrOf(wf.dst), wf.dport)
	}
	r.compareTables()
}

// compareTables compares the counters and the number of bindings.
func (r *modelRun) compareTables() {
	l, m := r.l, r.m
	st := l.Statistics()
	if st.Dynamic != len(m.sessions) || st.Hits != uint64(m.hits) || st.Misses != uint64(m.misses) {
		r.t.Fatalf("seed %d step %d: dynamic %d/%d hits %d/%d misses %d/%d", r.seed, r.step, st.Dynamic, len(m.sessions), st.Hits, m.hits, st.Misses, m.misses)
	}
	if len(l.patByLocal) != len(m.bindings) {
		r.t.Fatalf("seed %d step %d: bindings %d, model %d", r.seed, r.step, len(l.patByLocal), len(m.bindings))
	}
}
