package ftpinspect

import (
	"net/netip"

	"natlab/packet"
)

// A pinhole admits one TCP connection from the control peer, from any
// source port, to the endpoint an announcement named. The router's stages
// see that connection in the outside view (the peer's global address to the
// global endpoint), in the inside view (local addresses on both sides) and,
// on either side of NAT, in the two mixed ones; the table indexes a pinhole
// under all four. Keys are packet.Tuple values whose source port is zero,
// the wildcard (nf_conntrack_expect's mask).

// holeTuple is the key of a pinhole for a connection from peer to dst.
func holeTuple(peer netip.Addr, dst netip.AddrPort) packet.Tuple {
	return packet.TupleOf(packet.ProtoTCP, netip.AddrPortFrom(peer, 0), dst)
}

// crossed is the connection from src's source to dst's destination.
func crossed(src, dst packet.Tuple) packet.Tuple {
	return packet.Tuple{Src: src.Src, SrcPort: src.SrcPort, Dst: dst.Dst, DstPort: dst.DstPort, Proto: packet.ProtoTCP}
}

// fromPort is t with its source port set.
func fromPort(t packet.Tuple, port uint16) packet.Tuple {
	t.SrcPort = port
	return t
}

// expectation is one pinhole: a single TCP connection from the control
// peer to the announced endpoint, within a deadline.
type expectation struct {
	owner *conn
	kind  Kind
	// keys are the expected connection in the four views, computed once:
	// outside (the peer's global address to what it connects to, the
	// global endpoint), inside (the peer's local address to the announced
	// endpoint, inside local), and the two mixed ones. Outside and inside
	// are equal without NAT.
	keys    [4]packet.Tuple
	expires int64 // unix nanoseconds
	created int64
	mapped  bool        // NAT holds a mapping to give back if unused
	m       DataMapping // the NAT request, for UnmapData
	gen     uint32      // changes each time the struct is reused
	live    bool        // in the table
}

// holeKeys are the keys of a pinhole expected in the inside and outside
// views.
func holeKeys(inside, outside packet.Tuple) [4]packet.Tuple {
	return [4]packet.Tuple{outside, inside, crossed(outside, inside), crossed(inside, outside)}
}

func (x *expectation) outside() packet.Tuple { return x.keys[0] }
func (x *expectation) inside() packet.Tuple  { return x.keys[1] }

// global is the endpoint the peer connects to.
func (x *expectation) global() netip.AddrPort { return x.outside().DstAddrPort() }

// sameMapping reports whether x and y announce the same endpoint with the
// same global endpoint: they share one NAT mapping.
func (x *expectation) sameMapping(y *expectation) bool {
	xi, xo, yi, yo := x.inside(), x.outside(), y.inside(), y.outside()
	return xi.Dst == yi.Dst && xi.DstPort == yi.DstPort && xo.Dst == yo.Dst && xo.DstPort == yo.DstPort
}

// dataFlow is a data connection that used a pinhole: later packets of it
// (both directions, both views) are related to the control connection.
type dataFlow struct {
	keys      [4]packet.Tuple
	nkeys     int
	expires   int64
	fin       tcpClose
	idle      int64 // ns: the control connection's idle time (its ftp rule's timeout)
	kind      Kind
	created   int64
	lastHeard int64
	id        uint32
	bytes     [2]uint64 // payload bytes from the opener, from the other side
}

// view is the flow as IOS lists it: the inside view when there is one,
// else as the opening SYN was seen.
func (d *dataFlow) view() packet.Tuple {
	if d.nkeys > 1 {
		return d.keys[1]
	}
	return d.keys[0]
}

// expectTable holds the pinholes and the data flows that used them. It is
// guarded by the Inspector's mutex.
type expectTable struct {
	holes map[packet.Tuple]*expectation
	n     int // expectations (each is indexed under up to four keys)
	data  map[packet.Tuple]*dataFlow
	ndata int
}

func (t *expectTable) init() {
	t.holes = make(map[packet.Tuple]*expectation)
	t.data = make(map[packet.Tuple]*dataFlow)
}

// clash returns a pinhole indexed under one of x's keys, or nil.
func (t *expectTable) clash(x *expectation) *expectation {
	for _, k := range x.keys {
		if old := t.holes[k]; old != nil && old != x {
			return old
		}
	}
	return nil
}

// insert indexes x; the caller has removed clashing pinholes.
func (t *expectTable) insert(x *expectation) {
	for _, k := range x.keys {
		t.holes[k] = x
	}
	x.live = true
	t.n++
}

// remove unlinks x from the table (not from its owner).
func (t *expectTable) remove(x *expectation) {
	found := false
	for _, k := range x.keys {
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

// lookup finds a live pinhole for the connection c.
func (t *expectTable) lookup(c packet.Tuple, now int64) *expectation {
	x := t.holes[fromPort(c, 0)]
	if x == nil || x.expires <= now {
		return nil
	}
	return x
}

// addData tracks the connection c that used pinhole x.
func (t *expectTable) addData(x *expectation, c packet.Tuple, expires int64) *dataFlow {
	d := &dataFlow{expires: expires, kind: x.kind}
	// The flow as seen from each view the router's stages may look from:
	// as claimed, all-inside (after NAT of packets from the outside) and
	// all-outside (before it). The source port is the one the opener used.
	for _, k := range [...]packet.Tuple{
		c,
		fromPort(x.inside(), c.SrcPort),
		fromPort(x.outside(), c.SrcPort),
		fromPort(x.keys[2], c.SrcPort),
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

// findData returns the data flow a packet with tuple c belongs to, in
// either direction; fromOpener tells which side sent it.
func (t *expectTable) findData(c packet.Tuple) (d *dataFlow, fromOpener bool) {
	if d = t.data[c]; d != nil {
		return d, true
	}
	if d = t.data[c.Reverse()]; d != nil {
		return d, false
	}
	return nil, false
}
