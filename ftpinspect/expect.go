package ftpinspect

import (
	"net/netip"
)

// ep is an IPv4 endpoint as a fixed-size, pointer-free value.
type ep struct {
	addr [4]byte
	port uint16
}

func epOf(a netip.AddrPort) ep { return ep{a.Addr().As4(), a.Port()} }

func (e ep) addrPort() netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4(e.addr), e.port)
}

// holeKey finds a pinhole: the connecting host and the endpoint it
// connects to (any source port, as nf_conntrack_expect's mask).
type holeKey struct {
	peer [4]byte
	dst  ep
}

// dataKey is a data connection opened through a pinhole, one orientation.
type dataKey struct {
	src, dst ep
}

// expectation is one pinhole: a single TCP connection from the control
// peer to the announced endpoint, within a deadline.
type expectation struct {
	owner   *conn
	kind    Kind
	peerL   [4]byte // the peer as seen inside (local view)
	peerG   [4]byte // and outside (global view); equal when untranslated
	local   ep      // the announced endpoint, inside local
	global  ep      // what the peer connects to (== local without NAT)
	expires int64   // unix nanoseconds
	created int64
	mapped  bool        // NAT holds a mapping to give back if unused
	m       DataMapping // the NAT request, for UnmapData
	gen     uint32      // changes each time the struct is reused
	live    bool        // in the table
}

func (x *expectation) keys() (g, l holeKey, gl, lg holeKey) {
	g = holeKey{x.peerG, x.global}
	l = holeKey{x.peerL, x.local}
	gl = holeKey{x.peerG, x.local}
	lg = holeKey{x.peerL, x.global}
	return
}

// dataFlow is a data connection that used a pinhole: later packets of it
// (both directions, both views) are related to the control connection.
type dataFlow struct {
	keys      [4]dataKey
	nkeys     int
	expires   int64
	fin       uint8 // bit 0: FIN from the connecting side, bit 1: from the other
	kind      Kind
	created   int64
	lastHeard int64
	id        uint32
	bytes     [2]uint64 // payload bytes from the opener, from the other side
}

// expectTable holds the pinholes and the data flows that used them. It is
// guarded by the Inspector's mutex.
type expectTable struct {
	holes map[holeKey]*expectation
	n     int // expectations (each is indexed under up to four keys)
	data  map[dataKey]*dataFlow
	ndata int
}

func (t *expectTable) init() {
	t.holes = make(map[holeKey]*expectation)
	t.data = make(map[dataKey]*dataFlow)
}

// clash returns a pinhole indexed under one of x's keys, or nil.
func (t *expectTable) clash(x *expectation) *expectation {
	g, l, gl, lg := x.keys()
	for _, k := range [...]holeKey{g, l, gl, lg} {
		if old := t.holes[k]; old != nil && old != x {
			return old
		}
	}
	return nil
}

// insert indexes x; the caller has removed clashing pinholes.
func (t *expectTable) insert(x *expectation) {
	g, l, gl, lg := x.keys()
	for _, k := range [...]holeKey{g, l, gl, lg} {
		t.holes[k] = x
	}
	x.live = true
	t.n++
}

// remove unlinks x from the table (not from its owner).
func (t *expectTable) remove(x *expectation) {
	g, l, gl, lg := x.keys()
	found := false
	for _, k := range [...]holeKey{g, l, gl, lg} {
		if t.holes[k] == x {
			delete(t.holes, k)
			found = true
		}
	}
	if found {
		x.live = false
		t.n--
		if x.owner != nil {
			x.owner.dropHole(x)
		}
	}
}

// lookup finds a live pinhole for a connection from src to dst.
func (t *expectTable) lookup(src [4]byte, dst ep, now int64) *expectation {
	x := t.holes[holeKey{src, dst}]
	if x == nil || x.expires <= now {
		return nil
	}
	return x
}

func (t *expectTable) addData(x *expectation, src ep, dst ep, expires int64) *dataFlow {
	d := &dataFlow{expires: expires, kind: x.kind}
	// The flow as seen from each view the router's hooks may look from:
	// as claimed, all-inside (after NAT of packets from the outside) and
	// all-outside (before it). The source port is the one the opener used.
	for _, k := range [...]dataKey{
		{src, dst},
		{ep{x.peerL, src.port}, x.local},
		{ep{x.peerG, src.port}, x.global},
		{ep{x.peerG, src.port}, x.local},
	} {
		dup := false
		for i := 0; i < d.nkeys; i++ {
			dup = dup || d.keys[i] == k
		}
		if !dup {
			d.keys[d.nkeys] = k
			d.nkeys++
		}
	}
	for i := 0; i < d.nkeys; i++ {
		t.data[d.keys[i]] = d
	}
	t.ndata++
	return d
}

func (t *expectTable) removeData(d *dataFlow) {
	for i := 0; i < d.nkeys; i++ {
		if t.data[d.keys[i]] == d {
			delete(t.data, d.keys[i])
		}
	}
	t.ndata--
}

// findData returns the data flow a packet from src to dst belongs to, in
// either direction; fromOpener tells which side sent it.
func (t *expectTable) findData(src, dst ep) (d *dataFlow, fromOpener bool) {
	if d = t.data[dataKey{src, dst}]; d != nil {
		return d, true
	}
	if d = t.data[dataKey{dst, src}]; d != nil {
		return d, false
	}
	return nil, false
}
