package ftpinspect

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/packet"
	"natlab/router"
)

// CBAC's generic session state: `ip inspect name NAME tcp|udp|icmp` (and
// the control connection of an `ftp` rule) applied with `ip inspect NAME
// in|out`. A session starts with a packet that enters an interface with an
// inbound rule or leaves one with an outbound rule (a TCP SYN, any UDP
// datagram, an ICMP echo or timestamp request); its return traffic is then
// let through the interface ACLs, as IOS adds temporary entries at the top
// of the inbound ACL.
//
// Sessions are created at router.StageInspect, after NAT, and keyed by the
// packet's tuple there; return traffic is matched at
// router.StageInspectReturn, before NAT and the input ACL, where it appears
// as that tuple reversed (for a session from the inside, the global view on
// both sides of the outside interface).

type cbacSession struct {
	key      packet.Tuple // as the initiator's first packet left
	proto    string       // ftp, tcp, udp, icmp
	icmpType uint8
	id       uint32
	created  int64
	last     int64
	expires  int64
	idle     time.Duration // the rule's timeout (TCP: once open)
	open     bool          // the responder has answered (SIS_OPEN)
	fin      tcpClose
	bytes    [2]uint64
	pi       uint8      // protocol index (protoNames)
	state    uint8      // stOpen, stHalf, stTerm: the counts it is in
	tcp      [2]tcpSide // initiator, responder (TCP state checks)
	// half: its place in the half-open list, oldest first; host: in the
	// list of half-open TCP sessions to the same responder host.
	half, host sessionLink
}

type cbac struct {
	mu       sync.Mutex
	sessions map[packet.Tuple]*cbacSession
	count    atomic.Int32
	snap     atomic.Pointer[cbacSnap]
	nextID   uint32
	clock    func() time.Time
	audit    func(SessionEvent)
	isFTP    func(port uint16) bool
	// synWait is how long a TCP session may stay half-open, finWait how long it lingers after both FINs
	// (ns; ip inspect tcp synwait-time / finwait-time, IOS defaults 30 s and 5 s).
	synWait, finWait atomic.Int64

	// Limits and counts (cbac_limits.go), guarded by mu.
	max                  int // table bound
	lim                  limits
	nHalf, nTerm         int
	halfOpen             sessionList
	hosts                map[[4]byte]*hostState
	rate                 [60]uint32 // sessions started in each of the last 60 seconds
	rateSec              int64
	aggressive           bool
	ctr                  cbacCounters
	log                  func(string)
	lastOOWLog, oowSince int64
}

func (cb *cbac) init(clock func() time.Time) {
	cb.clock = clock
	cb.sessions = map[packet.Tuple]*cbacSession{}
	cb.hosts = map[[4]byte]*hostState{}
	cb.max = DefaultMaxSessions
	cb.synWait.Store(int64(time.Duration(defaultGlobals.synWait) * time.Second))
	cb.finWait.Store(int64(time.Duration(defaultGlobals.finWait) * time.Second))
	cb.snap.Store(&cbacSnap{})
}

// keyOf is a packet's session key, whether it can start a session, and
// whether CBAC tracks its kind at all (TCP, UDP, ICMP echo and timestamp;
// not later fragments). ICMP queries carry their identifier as both ports,
// so a reply's key is its request's reversed.
func keyOf(p *packet.Parsed) (k packet.Tuple, starts bool, ok bool) {
	if p.Frag == packet.LaterFragment {
		return k, false, false
	}
	// The tuple is built in place: a call to tupleOf here costs a CBAC
	// session 5% per packet.
	k = packet.Tuple{Src: p.Src.As4(), Dst: p.Dst.As4(), SrcPort: p.SrcPort, DstPort: p.DstPort, Proto: p.IPProto}
	switch p.IPProto {
	case packet.ProtoTCP:
		return k, p.TCPFlags&(packet.TCPSyn|packet.TCPAck|packet.TCPRst) == packet.TCPSyn, true
	case packet.ProtoUDP:
		return k, true, true
	case packet.ProtoICMP:
		k.SrcPort, k.DstPort = p.ICMPID, p.ICMPID
		switch p.ICMPType {
		case packet.ICMPEcho, packet.ICMPTimestamp:
			return k, true, true
		case packet.ICMPEchoReply, packet.ICMPTimestampReply:
			return k, false, true
		}
	}
	return k, false, false
}

// protoFor is the rule that inspects a starting packet, or nil.
func (cb *cbac) protoFor(rs *ruleSet, p *packet.Parsed) *rule {
	if rs == nil {
		return nil
	}
	switch p.IPProto {
	case packet.ProtoTCP:
		if cb.isFTP != nil && cb.isFTP(p.DstPort) {
			if r := rs.get("ftp"); r != nil {
				return r
			}
		}
		return rs.get("tcp")
	case packet.ProtoUDP:
		return rs.get("udp")
	case packet.ProtoICMP:
		return rs.get("icmp")
	}
	return nil
}

// create runs at router.StageInspect: it starts sessions and counts the
// initiator's bytes.
func (cb *cbac) create(p *router.Packet) router.Verdict {
	if p.In == nil || p.Out == nil {
		return router.Accept
	}
	snap := cb.snap.Load()
	if cb.count.Load() == 0 && len(snap.in) == 0 && len(snap.out) == 0 {
		return router.Accept
	}
	if k, starts, ok := keyOf(&p.P); ok && !cb.fromInitiator(k, starts, p, snap) {
		return router.Drop
	}
	return router.Accept
}

// ret runs at router.StageInspectReturn: return traffic of a session
// passes the ACLs.
func (cb *cbac) ret(p *router.Packet) router.Verdict {
	if cb.count.Load() == 0 {
		return router.Accept
	}
	if k, _, ok := keyOf(&p.P); ok {
		switch cb.fromResponder(k, p) {
		case matched:
			p.Mark |= router.MarkPermit
		case refused:
			return router.Drop
		}
	}
	return router.Accept
}

// Outcomes of a packet of a session's responder.
const (
	unmatched = iota // no session: the ACLs decide
	matched          // return traffic of a session
	refused          // a session's, failing its state check: dropped
)

// fromInitiator counts a packet of the session under k, or starts one when
// the packet may start a session and a rule on its interfaces inspects it;
// false means drop the packet (a segment outside the window, a session
// the limits refuse).
func (cb *cbac) fromInitiator(k packet.Tuple, starts bool, p *router.Packet, snap *cbacSnap) bool {
	now := cb.clock().UnixNano()
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if s := cb.live(k, now); s != nil {
		return cb.update(s, p.Buf, &p.P, 0, now)
	}
	if !starts || cb.live(k.Reverse(), now) != nil {
		return true
	}
	r := cb.protoFor(snap.in[p.In.Index()], &p.P)
	if r == nil {
		r = cb.protoFor(snap.out[p.Out.Index()], &p.P)
	}
	if r == nil {
		return true
	}
	return cb.start(k, r, p.Buf, &p.P, now)
}

// fromResponder counts a packet whose key is a live session's reversed.
func (cb *cbac) fromResponder(k packet.Tuple, p *router.Packet) int {
	now := cb.clock().UnixNano()
	cb.mu.Lock()
	defer cb.mu.Unlock()
	s := cb.live(k.Reverse(), now)
	if s == nil {
		return unmatched
	}
	if !cb.update(s, p.Buf, &p.P, 1, now) {
		return refused
	}
	return matched
}

// start opens a session under k for rule r, unless the limits refuse it.
// Caller holds cb.mu.
func (cb *cbac) start(k packet.Tuple, r *rule, buf []byte, p *packet.Parsed, now int64) bool {
	if !cb.admit(k, now) {
		return false
	}
	cb.nextID++
	s := &cbacSession{key: k, proto: r.proto, pi: protoIndex(r.proto), icmpType: p.ICMPType, id: 0x66F90000 + cb.nextID*0x2B4,
		created: now, idle: time.Duration(r.timeout) * time.Second}
	s.tcp[0].wscale, s.tcp[1].wscale = -1, -1
	cb.sessions[k] = s
	cb.count.Add(1)
	cb.countStart(now)
	cb.ctr.created[s.pi]++
	cb.ctr.startPackets[s.pi]++
	cb.ctr.lastCreated = now
	cb.track(s)
	cb.update(s, buf, p, 0, now)
	if cb.audit != nil {
		cb.audit(cb.event(s, true))
	}
	return true
}

// live returns the session under k unless it expired (then removes it).
// Caller holds cb.mu.
func (cb *cbac) live(k packet.Tuple, now int64) *cbacSession {
	s := cb.sessions[k]
	if s != nil && s.expires <= now {
		cb.remove(s)
		return nil
	}
	return s
}

func (cb *cbac) remove(s *cbacSession) {
	if cb.sessions[s.key] == s {
		delete(cb.sessions, s.key)
		cb.count.Add(-1)
		cb.untrack(s)
		if cb.audit != nil {
			cb.audit(cb.event(s, false))
		}
	}
}

// update counts a packet of s from side (0 initiator, 1 responder) and
// advances its state and timer; false means the packet fails the TCP
// state check and is dropped.
func (cb *cbac) update(s *cbacSession, buf []byte, p *packet.Parsed, side int, now int64) bool {
	if p.IPProto == packet.ProtoTCP && !s.inWindow(buf, p, side) {
		cb.dropOutOfWindow(p, now)
		return false
	}
	cb.ctr.packets[s.pi]++
	s.last = now
	s.bytes[side] += uint64(p.TotalLen - p.PayloadOff)
	if side == 1 {
		s.open = true
	}
	cb.advance(s, p, side, now)
	if cb.sessions[s.key] == s {
		cb.track(s)
	}
	return true
}

// advance moves s's TCP state and timer on with a packet from side.
func (cb *cbac) advance(s *cbacSession, p *packet.Parsed, side int, now int64) {
	if p.IPProto == packet.ProtoTCP {
		switch s.fin.step(p.TCPFlags, side) {
		case lingering:
			return
		case reset:
			cb.remove(s)
			return
		case bothClosed:
			s.expires = now + cb.finWait.Load()
			return
		}
		if !s.open {
			s.expires = now + cb.synWait.Load()
			return
		}
	}
	s.expires = now + int64(s.idle)
}

func (cb *cbac) event(s *cbacSession, start bool) SessionEvent {
	return SessionEvent{Start: start, Session: s.session(), InitiatorBytes: s.bytes[0], ResponderBytes: s.bytes[1]}
}

// session renders s for show and the audit trail (ICMP shows the type as
// the initiator's port and 0 for the responder, as IOS does).
func (s *cbacSession) session() Session {
	ip, rp := s.key.SrcPort, s.key.DstPort
	if s.key.Proto == packet.ProtoICMP {
		ip, rp = uint16(s.icmpType), 0
	}
	return Session{ID: s.id, Initiator: netip.AddrPortFrom(s.key.SrcAddr(), ip), Responder: netip.AddrPortFrom(s.key.DstAddr(), rp),
		Protocol: s.proto, Established: s.open, Created: time.Unix(0, s.created), LastHeard: time.Unix(0, s.last),
		InitiatorBytes: s.bytes[0], ResponderBytes: s.bytes[1]}
}

// list returns the live sessions.
func (cb *cbac) list() []Session {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	now := cb.clock().UnixNano()
	var out []Session
	for _, s := range cb.sessions {
		if s.expires > now {
			out = append(out, s.session())
		}
	}
	return out
}

// sweep removes the expired sessions.
func (cb *cbac) sweep() {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	cb.sweepLocked(cb.clock().UnixNano())
}

// sweepLocked removes the expired sessions, ends the blocks whose time is
// up and leaves aggressive mode when the counts allow. Caller holds cb.mu.
func (cb *cbac) sweepLocked(now int64) {
	for _, s := range cb.sessions {
		if s.expires <= now {
			cb.remove(s)
		}
	}
	for dst, h := range cb.hosts {
		if h.blockedUntil != 0 && h.blockedUntil <= now {
			cb.unblock(dst, h)
		}
	}
	cb.calm(now)
}
