package ftpinspect

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/packet"
)

// Defaults (README "Defaults").
const (
	DefaultPinholeTimeout     = 300 * time.Second // nf_conntrack_ftp's expectation timeout
	DefaultMaxPinholesPerConn = 4
	DefaultMaxPinholes        = 4096
	DefaultMaxConns           = 8192
	DefaultConnIdle           = 3600 * time.Second // IOS "ftp ... timeout 3600"
	DefaultDataIdle           = 3600 * time.Second
	DefaultCloseLinger        = 30 * time.Second // after both FINs: late retransmissions still mapped
	DefaultMaxPacket          = 1500
)

// Config is the inspector's configuration. Zero values select the defaults.
type Config struct {
	// Ports are the control ports inspected (default 21 only: no automatic
	// inspection of other ports, as Linux since 4.7 and IOS).
	Ports []uint16
	// PinholeTimeout is how long an announced data endpoint waits for its
	// connection.
	PinholeTimeout time.Duration
	// MaxPinholesPerConn caps the pending pinholes of one control
	// connection; a new one evicts the oldest.
	MaxPinholesPerConn int
	// MaxPinholes caps all pending pinholes; beyond it, announcements are
	// passed on unrewritten with no pinhole.
	MaxPinholes int
	// MaxConns caps the tracked control connections; beyond it, new ones
	// pass uninspected.
	MaxConns int
	// ConnIdle ends the state of a silent control connection; DataIdle
	// that of a silent data connection opened through a pinhole.
	ConnIdle, DataIdle time.Duration
	// CloseLinger keeps a closed control connection's sequence mapping for
	// late retransmissions.
	CloseLinger time.Duration
	// MaxPacket bounds a rewritten packet's size (the egress MTU): a
	// segment that would grow beyond it is cut short at a line end and the
	// sender resends the rest.
	MaxPacket int
	// Clock is the time source (tests make timeouts instant); default time.Now.
	Clock func() time.Time
	// NAT maps announced endpoints; nil when the router does no NAT.
	NAT Translator
	// Log receives events (audit/alert messages); nil discards them.
	Log func(Event)
	// Debug receives `debug ip inspect ftp-cmd` / `ftp-tokens` lines (no
	// timestamp); nil discards them. SetDebug turns the two kinds on.
	Debug func(line string)
	// Audit receives the start and end of inspected sessions (control
	// connections with pinholes, and the data connections that used one).
	Audit func(SessionEvent)
}

func (c *Config) setDefaults() {
	if len(c.Ports) == 0 {
		c.Ports = []uint16{21}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.PinholeTimeout, DefaultPinholeTimeout)
	def(&c.ConnIdle, DefaultConnIdle)
	def(&c.DataIdle, DefaultDataIdle)
	def(&c.CloseLinger, DefaultCloseLinger)
	if c.MaxPinholesPerConn <= 0 {
		c.MaxPinholesPerConn = DefaultMaxPinholesPerConn
	}
	if c.MaxPinholes <= 0 {
		c.MaxPinholes = DefaultMaxPinholes
	}
	if c.MaxConns <= 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.MaxPacket <= 0 {
		c.MaxPacket = DefaultMaxPacket
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
}

// Stats are the inspector's counters (show ip inspect statistics).
type Stats struct {
	Conns, Pinholes, DataFlows int // current

	Rewrites        uint64 // lines rewritten
	PinholesOpened  uint64
	PinholesUsed    uint64
	PinholesExpired uint64
	Evictions       uint64 // per-connection cap hit
	TableFull       uint64 // global cap hit
	ConnTableFull   uint64 // control connections passed uninspected
	Refused         uint64 // address or port check failed
	Malformed       uint64
	Unpaired        uint64
	NotRewritten    uint64
	NATFailures     uint64
	Released        uint64 // partial lines passed on unparsed
	OutOfOrder      uint64 // segments beyond a gap, dropped
	Fragments       uint64 // fragmented control packets, dropped
}

// Inspector is the FTP inspection engine. Its methods are safe for
// concurrent use; control connections are rare and short, so one mutex
// guards all state, and packets of other flows do not take it while no
// pinhole or data flow exists.
type Inspector struct {
	cfg   Config
	ports atomic.Pointer[portSet] // control ports, read lock-free

	mu      sync.Mutex
	conns   map[connKey]*conn
	exp     expectTable
	stats   Stats
	scratch []byte
	active  atomic.Int32   // pinholes + data flows, for the lock-free fast path
	free    []*expectation // recycled pinholes: the rewrite path allocates nothing
	policy  Policy
	service func(server netip.AddrPort) bool
	nextID  uint32 // session numbers for show ip inspect sessions

	debugCmdOn, debugTokOn atomic.Bool
}

// New returns an inspector with cfg (defaults filled in).
func New(cfg Config) *Inspector {
	cfg.setDefaults()
	in := &Inspector{cfg: cfg, conns: make(map[connKey]*conn), scratch: make([]byte, 0, 65536)}
	in.SetPorts(cfg.Ports)
	in.exp.init()
	return in
}

// SetDebug turns the ftp-cmd and ftp-tokens debug output on or off.
func (in *Inspector) SetDebug(cmd, tokens bool) {
	in.debugCmdOn.Store(cmd)
	in.debugTokOn.Store(tokens)
}

// portSet is a bitmap of TCP ports.
type portSet [65536 / 64]uint64

func (in *Inspector) isControlPort(p uint16) bool {
	return in.ports.Load()[p>>6]&(1<<(p&63)) != 0
}

// SetPorts replaces the control ports (at least one; none means 21).
func (in *Inspector) SetPorts(ports []uint16) {
	var ps portSet
	if len(ports) == 0 {
		ports = []uint16{21}
	}
	for _, p := range ports {
		ps[p>>6] |= 1 << (p & 63)
	}
	in.ports.Store(&ps)
}

// SetServiceFilter installs f, asked when a connection to a control port
// is first seen: false leaves it uninspected (IOS `ip nat service`: a
// server given a non-standard FTP port is no longer FTP on 21). nil
// inspects every control port for every server.
func (in *Inspector) SetServiceFilter(f func(server netip.AddrPort) bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.service = f
}

// Stats returns a snapshot of the counters.
func (in *Inspector) Stats() Stats {
	in.mu.Lock()
	defer in.mu.Unlock()
	s := in.stats
	s.Conns, s.Pinholes, s.DataFlows = len(in.conns), in.exp.n, in.exp.ndata
	return s
}

// Result is what ProcessIPv4 decided.
type Result struct {
	// Len is the packet's new length (the buffer may have grown or shrunk).
	Len int
	// Drop: discard the packet (beyond a gap in a control stream, or a
	// fragment of a control segment); the sender retransmits.
	Drop bool
	// Related: the packet belongs to a data connection opened through a
	// pinhole (the first SYN claimed it); ACL hooks may let it pass.
	Related bool
}

// ProcessIPv4 inspects one IPv4 packet, buf[:n], in the local view (see
// Flow). A control segment is rewritten in place: payload, sequence and
// acknowledgment numbers, SACK blocks, TCP checksum, IP total length and
// header checksum; it may grow up to len(buf) and Config.MaxPacket.
// The direction comes from the connection (the side on a control port is
// the server). Packets that are not TCP pass untouched. It allocates
// nothing for control segments that open no pinhole.
func (in *Inspector) ProcessIPv4(buf []byte, n int) Result {
	var p packet.Parsed
	if n > len(buf) || p.Decode(buf[:n]) != packet.OK {
		return Result{Len: n}
	}
	return in.process(buf, n, &p, -1)
}

// process is ProcessIPv4 on a packet already decoded into p; inIdx is the
// receiving interface's index (-1: unknown), for the Policy.
func (in *Inspector) process(buf []byte, n int, p *packet.Parsed, inIdx int) Result {
	if p.Frag == packet.LaterFragment {
		return Result{Len: n}
	}
	if p.IPProto == packet.ProtoICMP && packet.ICMPIsError(p.ICMPType) {
		in.icmpError(buf[:n], p)
		return Result{Len: n}
	}
	if p.IPProto != packet.ProtoTCP {
		return Result{Len: n}
	}
	ctrlDst, ctrlSrc := in.isControlPort(p.DstPort), in.isControlPort(p.SrcPort)
	if !ctrlDst && !ctrlSrc {
		if in.active.Load() == 0 {
			return Result{Len: n}
		}
		return in.dataPacket(buf[:n], p)
	}
	if p.Frag == packet.FirstFragment {
		// Never inspect a control segment piecewise (NAT Slipstreaming's
		// fragment trick): drop it; the sender's PMTU logic recovers.
		in.mu.Lock()
		in.stats.Fragments++
		in.mu.Unlock()
		return Result{Len: n, Drop: true}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.controlPacket(buf, n, p, ctrlDst, inIdx)
}

// Policy decides, when a control connection is first seen, whether its
// announcements open pinholes (CBAC inspection applies to it) or only get
// NAT's payload fixup, and how long it may idle. inIdx is the index of the
// interface its first packet arrived on (-1 if unknown).
type Policy func(client, server netip.AddrPort, inIdx int) (inspect bool, idle time.Duration)

// SetPolicy installs p; nil (the default) inspects every control
// connection with Config.ConnIdle.
func (in *Inspector) SetPolicy(p Policy) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.policy = p
}

// SetNAT sets (or, with nil, removes) the Translator, for a router that
// creates its NAT after the inspector.
func (in *Inspector) SetNAT(t Translator) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.cfg.NAT = t
}

func (in *Inspector) now() int64 { return in.cfg.Clock().UnixNano() }

// TCP header offsets used here (packet.TCP has the accessors).
const (
	tcpFlagsOff = 13
	flagFIN     = 0x01
	flagSYN     = 0x02
	flagRST     = 0x04
	flagACK     = 0x10
)

func (in *Inspector) controlPacket(buf []byte, n int, p *packet.Parsed, toServer bool, inIdx int) Result {
	now := in.now()
	tcp := packet.TCP(buf[p.L4Off:p.TotalLen])
	flags := p.TCPFlags
	src := ep{p.Src.As4(), p.SrcPort}
	dst := ep{p.Dst.As4(), p.DstPort}
	dir, key := dirClient, connKey{cli: src, srv: dst}
	if !toServer {
		dir, key = dirServer, connKey{cli: dst, srv: src}
	}
	c := in.conns[key]
	if c != nil && c.expires <= now {
		in.removeConn(c)
		c = nil
	}
	seq := tcp.Seq()
	if c != nil && dir == dirClient && flags&(flagSYN|flagACK) == flagSYN && c.fin[0] && c.fin[1] {
		// A new connection reusing the tuple after a close.
		in.removeConn(c)
		c = nil
	}
	if c == nil {
		if flags&flagRST != 0 {
			return Result{Len: n}
		}
		if in.service != nil && !in.service(key.srv.addrPort()) {
			return Result{Len: n}
		}
		if len(in.conns) >= in.cfg.MaxConns {
			in.sweepLocked(now)
			if len(in.conns) >= in.cfg.MaxConns {
				in.stats.ConnTableFull++
				return Result{Len: n}
			}
		}
		c = &conn{in: in, key: key, holes: make([]*expectation, 0, in.cfg.MaxPinholesPerConn),
			inspect: true, idle: in.cfg.ConnIdle, created: now, id: in.newID()}
		if in.policy != nil {
			c.inspect, c.idle = in.policy(key.cli.addrPort(), key.srv.addrPort(), inIdx)
			if c.idle <= 0 {
				c.idle = in.cfg.ConnIdle
			}
		}
		in.conns[key] = c
		in.auditConn(c, true)
	}
	c.expires = now + int64(c.idle)
	h, other := &c.h[dir], &c.h[1-dir]

	payload := buf[p.PayloadOff:p.TotalLen]
	if flags&flagSYN != 0 {
		if len(payload) == 0 && !h.synced {
			h.sync(seq + 1)
		}
		// A SYN carrying data is passed as it is (no edits can exist yet).
		return Result{Len: n}
	}

	// Never grow past MaxPacket; a packet that is already larger (a
	// coalesced super-packet) may keep its size but not grow.
	room := min(len(buf), max(in.cfg.MaxPacket, n)) - p.PayloadOff
	fin := flags&flagFIN != 0
	r := h.segment(seq, payload, fin, in.scratch[:0], room, c, dir)
	if r.drop {
		in.stats.OutOfOrder++
		return Result{Len: n, Drop: true}
	}
	if r.released {
		in.stats.Released++
		in.event(c, Event{Kind: EvReleased})
	}
	full := false // the TCP checksum must be recomputed
	newLen := n
	if !bytes.Equal(r.out, payload) {
		newLen = p.PayloadOff + len(r.out)
		if newLen > len(buf) || newLen > 0xffff {
			in.stats.OutOfOrder++
			return Result{Len: n, Drop: true} // cannot happen with room honoured
		}
		copy(buf[p.PayloadOff:newLen], r.out)
		ip := packet.IPv4(buf)
		ip.SetTotalLength(uint16(newLen))
		ip.UpdateChecksum()
		tcp = packet.TCP(buf[p.L4Off:newLen])
		full = true
	}
	if fin && !r.finOK {
		tcp[tcpFlagsOff] &^= flagFIN
		full = true
		fin = false
	}
	if h.synced {
		if s := h.adj.outSeq(r.from); s != seq {
			tcp.SetSeq(s)
		}
	}
	if flags&flagACK != 0 && other.synced {
		ack := tcp.Ack()
		orig := other.adj.inSeq(ack)
		if orig != ack {
			tcp.SetAck(orig)
		}
		other.adj.prune(orig)
		if mapSACK(tcp, &other.adj) {
			full = true
		}
	}
	if full {
		tcp.SetChecksum(0)
		tcp.SetChecksum(^packet.Checksum(tcp, packet.PseudoHeaderChecksum(packet.ProtoTCP, p.Src, p.Dst, uint16(len(tcp)))))
	}
	if flags&flagRST != 0 {
		in.removeConn(c)
	} else if fin {
		c.fin[dir] = true
		if c.fin[0] && c.fin[1] {
			c.expires = now + int64(in.cfg.CloseLinger)
			in.closeHoles(c)
		}
	}
	return Result{Len: newLen}
}

// icmpError maps the TCP sequence number quoted in an ICMP error about a
// control segment back to the sender's space (§9 case 60): the quoted
// segment is what the receiver's side saw, with the rewritten numbering,
// and the sender checks that the number is in its window. The quoted
// packet is in the local view here (NAT translated it before this hook).
func (in *Inspector) icmpError(b []byte, p *packet.Parsed) {
	if p.PayloadOff >= len(b) {
		return
	}
	q := b[p.PayloadOff:]
	var qp packet.Parsed
	if qp.DecodeQuoted(q) != packet.OK || qp.IPProto != packet.ProtoTCP || !qp.HasPorts() || len(q) < qp.L4Off+8 {
		return
	}
	toServer := in.isControlPort(qp.DstPort)
	if !toServer && !in.isControlPort(qp.SrcPort) {
		return
	}
	src, dst := ep{qp.Src.As4(), qp.SrcPort}, ep{qp.Dst.As4(), qp.DstPort}
	dir, key := dirClient, connKey{cli: src, srv: dst}
	if !toServer {
		dir, key = dirServer, connKey{cli: dst, srv: src}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.conns[key]
	if c == nil || !c.h[dir].synced {
		return
	}
	at := q[qp.L4Off+4:]
	old := binary.BigEndian.Uint32(at)
	if v := c.h[dir].adj.inSeq(old); v != old {
		binary.BigEndian.PutUint32(at, v)
		// The quoted header starts at an even offset of the ICMP message,
		// so the 32-bit field is word-aligned for the incremental update.
		m := packet.ICMPv4(b[p.L4Off:])
		m.SetChecksum(packet.UpdateChecksum32(m.Checksum(), old, v))
	}
}

// mapSACK maps the SACK blocks (RFC 2018) of a segment through the
// reverse direction's edits; it reports whether anything changed.
func mapSACK(tcp packet.TCP, adj *seqAdj) bool {
	if adj.n == 0 && adj.base == 0 {
		return false
	}
	off := tcp.DataOffset()
	if off < packet.TCPMinimumSize || off > len(tcp) {
		return false
	}
	opts := tcp[packet.TCPMinimumSize:off]
	changed := false
	for i := 0; i < len(opts); {
		switch opts[i] {
		case 0:
			return changed
		case 1:
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 || i+int(opts[i+1]) > len(opts) {
			return changed
		}
		l := int(opts[i+1])
		if opts[i] == 5 {
			for b := i + 2; b+8 <= i+l; b += 8 {
				for _, at := range [2]int{b, b + 4} {
					v := binary.BigEndian.Uint32(opts[at:])
					if w := adj.inSeq(v); w != v {
						binary.BigEndian.PutUint32(opts[at:], w)
						changed = true
					}
				}
			}
		}
		i += l
	}
	return changed
}

// dataPacket handles a packet of a possible data connection: a SYN may
// claim a pinhole; later packets of a claimed connection are related.
func (in *Inspector) dataPacket(buf []byte, p *packet.Parsed) Result {
	n := len(buf)
	src := ep{p.Src.As4(), p.SrcPort}
	dst := ep{p.Dst.As4(), p.DstPort}
	in.mu.Lock()
	defer in.mu.Unlock()
	now := in.now()
	if d, opener := in.exp.findData(src, dst); d != nil {
		if d.expires <= now {
			in.removeData(d)
		} else {
			d.expires = now + int64(in.cfg.DataIdle)
			if opener {
				d.bytes[0] += uint64(p.TotalLen - p.PayloadOff)
			} else {
				d.bytes[1] += uint64(p.TotalLen - p.PayloadOff)
			}
			if p.TCPFlags&flagRST != 0 {
				in.removeData(d)
			} else if p.TCPFlags&flagFIN != 0 {
				if opener {
					d.fin |= 1
				} else {
					d.fin |= 2
				}
				if d.fin == 3 {
					d.expires = now + int64(in.cfg.CloseLinger)
				}
			}
			return Result{Len: n, Related: true}
		}
	}
	if p.TCPFlags&(flagSYN|flagACK|flagRST) != flagSYN {
		return Result{Len: n}
	}
	x := in.exp.lookup(src.addr, dst, now)
	if x == nil {
		return Result{Len: n}
	}
	// One connection per pinhole: it is used up now; the connection's
	// later packets (a retransmitted SYN too) match the data flow.
	in.stats.PinholesUsed++
	x.mapped = false // NAT keeps its mapping for the session it now carries
	in.removeHole(x)
	if in.exp.ndata >= maxDataFlows(in.cfg.MaxPinholes) {
		in.sweepLocked(now)
	}
	if in.exp.ndata < maxDataFlows(in.cfg.MaxPinholes) {
		d := in.exp.addData(x, src, dst, now+int64(in.cfg.DataIdle))
		d.created, d.id = now, in.newID()
		in.active.Add(1)
		in.auditData(d, true)
	} else {
		in.stats.TableFull++ // the SYN passes; later packets rely on the ACL
	}
	return Result{Len: n, Related: true}
}

// newID numbers sessions the way IOS prints its session block addresses.
func (in *Inspector) newID() uint32 {
	in.nextID++
	return 0x66F96E00 + in.nextID*0x2B4
}

// maxDataFlows bounds the data connections tracked after their pinhole
// was used, so memory stays bounded when nothing calls Sweep.
func maxDataFlows(maxPinholes int) int { return 4 * maxPinholes }

// Expected reports, without using it up, whether a pinhole or an opened
// data connection covers a TCP packet from src to dst (ACL hooks ask
// before they deny).
func (in *Inspector) Expected(src, dst netip.AddrPort) bool {
	if in.active.Load() == 0 || !src.Addr().Is4() || !dst.Addr().Is4() {
		return false
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	s, d := epOf(src), epOf(dst)
	if x, _ := in.exp.findData(s, d); x != nil {
		return true
	}
	return in.exp.lookup(s.addr, d, in.now()) != nil
}

// addHole registers x for c, evicting c's oldest pinhole at the
// per-connection cap; false when the global cap is reached.
func (in *Inspector) addHole(c *conn, x *expectation) bool {
	now := in.now()
	for i := 0; i < len(c.holes); {
		if old := c.holes[i]; old.expires <= now {
			in.stats.PinholesExpired++
			in.removeHole(old)
			continue
		}
		i++
	}
	// Same peer and endpoint announced again (a server reusing a passive
	// port, a client repeating PORT): the newer pinhole replaces the older,
	// as nf_conntrack_expect replaces a matching expectation. A NAT
	// mapping they share stays.
	for old := in.exp.clash(x); old != nil; old = in.exp.clash(x) {
		if old.global == x.global && old.local == x.local {
			old.mapped = false
		}
		in.removeHole(old)
	}
	if len(c.holes) >= in.cfg.MaxPinholesPerConn {
		old := c.holes[0]
		in.stats.Evictions++
		in.event(c, Event{Kind: EvEvicted, Addr: netip.AddrFrom4(old.global.addr), Port: old.global.port})
		in.removeHole(old)
	}
	if in.exp.n >= in.cfg.MaxPinholes {
		in.sweepLocked(now)
		if in.exp.n >= in.cfg.MaxPinholes {
			in.stats.TableFull++
			return false
		}
	}
	x.created = now
	x.expires = now + int64(in.cfg.PinholeTimeout)
	in.exp.insert(x)
	c.holes = append(c.holes, x)
	in.stats.PinholesOpened++
	in.active.Add(1)
	return true
}

// removeHole closes a pinhole and gives its NAT mapping back if unused.
func (in *Inspector) removeHole(x *expectation) {
	before := in.exp.n
	in.exp.remove(x)
	if in.exp.n == before {
		return
	}
	in.active.Add(-1)
	if x.mapped && in.cfg.NAT != nil {
		x.mapped = false
		in.cfg.NAT.UnmapData(x.m, x.global.addrPort())
	}
	// Recycled, not cleared: a caller may still read x until it returns.
	if len(in.free) < maxFreeExpectations {
		in.free = append(in.free, x)
	}
}

// maxFreeExpectations bounds the recycled pinholes kept for reuse.
const maxFreeExpectations = 256

// newExpectation returns a zeroed pinhole, recycled when possible.
func (in *Inspector) newExpectation() *expectation {
	if n := len(in.free); n > 0 {
		x := in.free[n-1]
		in.free[n-1] = nil
		in.free = in.free[:n-1]
		*x = expectation{}
		return x
	}
	return &expectation{}
}

func (in *Inspector) removeData(d *dataFlow) {
	in.exp.removeData(d)
	in.active.Add(-1)
	in.auditData(d, false)
}

// closeHoles removes a control connection's pending pinholes (they die
// with their master); data connections already open are not touched.
func (in *Inspector) closeHoles(c *conn) {
	for len(c.holes) > 0 {
		in.removeHole(c.holes[0])
	}
}

func (in *Inspector) removeConn(c *conn) {
	in.closeHoles(c)
	if in.conns[c.key] == c {
		delete(in.conns, c.key)
		in.auditConn(c, false)
	}
}

// Sweep removes expired connections, pinholes and data flows. The router
// calls it from a timer; lookups also ignore expired entries on their own.
func (in *Inspector) Sweep() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.sweepLocked(in.now())
}

func (in *Inspector) sweepLocked(now int64) {
	for _, c := range in.conns {
		if c.expires <= now {
			in.removeConn(c)
			continue
		}
		for i := 0; i < len(c.holes); {
			if x := c.holes[i]; x.expires <= now {
				in.stats.PinholesExpired++
				in.removeHole(x)
				continue
			}
			i++
		}
	}
	for _, d := range in.exp.data {
		if d.expires <= now {
			in.removeData(d)
		}
	}
}

func (in *Inspector) event(c *conn, e Event) {
	if in.cfg.Log == nil {
		return
	}
	e.Client, e.Server = c.key.cli.addrPort(), c.key.srv.addrPort()
	in.cfg.Log(e)
}
