package ftpinspect

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/packet"
	"natlab/pktevent"
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
	DefaultDataLinger         = 5 * time.Second  // IOS ip inspect tcp finwait-time
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
	// that of a silent data connection opened through a pinhole. Under an
	// ftp rule both take the rule's timeout instead.
	ConnIdle, DataIdle time.Duration
	// CloseLinger keeps a closed control connection's sequence mapping for
	// late retransmissions.
	CloseLinger time.Duration
	// DataLinger keeps a data connection after both FINs (IOS `ip inspect
	// tcp finwait-time`; SetDataLinger changes it).
	DataLinger time.Duration
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
	def(&c.DataLinger, DefaultDataLinger)
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
	conns   map[packet.Tuple]*conn // by client-to-server tuple
	exp     expectTable
	stats   Stats
	scratch []byte
	active  atomic.Int32   // pinholes + data flows, for the lock-free fast path
	free    []*expectation // recycled pinholes: the rewrite path allocates nothing
	policy  Policy
	gen     uint32 // pinhole generations
	service func(server netip.AddrPort) bool
	nextID  uint32 // session numbers for show ip inspect sessions

	debugCmdOn, debugTokOn atomic.Bool
	dataLinger             atomic.Int64  // ns after both FINs of a data connection
	events                 *pktevent.Bus // set by SetEvents before traffic flows (events.go)
}

// New returns an inspector with cfg (defaults filled in).
func New(cfg Config) *Inspector {
	cfg.setDefaults()
	in := &Inspector{cfg: cfg, conns: make(map[packet.Tuple]*conn), scratch: make([]byte, 0, 65536)}
	in.SetPorts(cfg.Ports)
	in.exp.init()
	in.dataLinger.Store(int64(cfg.DataLinger))
	return in
}

// SetDataLinger sets how long a data connection stays after both FINs
// (ip inspect tcp finwait-time); a RST ends it at once.
func (in *Inspector) SetDataLinger(d time.Duration) { in.dataLinger.Store(int64(d)) }

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

// ProcessIPv4 inspects one IPv4 packet, buf[:n], in the inside (local)
// view (see Translator). A control segment is rewritten in place: payload, sequence and
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
	if p.IsICMPError() {
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

// tupleOf is the tuple of a decoded TCP packet: p.Tuple() without its
// general protocol switch, which shows in the profiles of the FTP stages.
func tupleOf(p *packet.Parsed) packet.Tuple {
	return packet.Tuple{Src: p.Src.As4(), Dst: p.Dst.As4(), SrcPort: p.SrcPort, DstPort: p.DstPort, Proto: p.IPProto}
}

func (in *Inspector) now() int64 { return in.cfg.Clock().UnixNano() }
