package router

import (
	"net/netip"

	"natlab/packet"
)

// LocalUDP takes UDP datagrams addressed to the router (see SetLocalUDP).
type LocalUDP func(in *Interface, pkt []byte) bool

// SetLocalUDP installs the taker of UDP datagrams addressed to the router or
// broadcast on one of its links (a DHCP server or relay, an SNTP client, a
// UDP socket of the router's own stack). It runs after the input ACL, NAT and
// reassembly, where the router would otherwise answer port unreachable; in is
// the interface the datagram arrived on (nil when the router sent it to
// itself). f returns true when it took the datagram. pkt is the whole IPv4
// datagram, valid only during the call, on a packet goroutine: f must not
// block. nil removes the taker.
func (r *Router) SetLocalUDP(f func(in *Interface, pkt []byte) bool) {
	if f == nil {
		r.localUDP.Store(nil)
		return
	}
	lu := LocalUDP(f)
	r.localUDP.Store(&lu)
}

// takeLocalUDP offers a datagram for the router to the installed taker.
func (r *Router) takeLocalUDP(p *Packet) bool {
	f := r.localUDP.Load()
	if f == nil {
		return false
	}
	return (*f)(p.In, p.Buf[:p.P.TotalLen])
}

// SendOn sends a router-originated IPv4 packet out of interface out to the
// on-link next hop (a limited broadcast, or a host that has no route yet,
// such as a DHCP client being offered its address), through the output path.
// It reports false when pkt is malformed or the interface is down.
func (r *Router) SendOn(out *Interface, nextHop netip.Addr, pkt []byte) bool {
	q := getTxQueue()
	defer putTxQueue(q)
	p := &q.pkt
	*p = Packet{Buf: pkt}
	if p.P.Decode(pkt) != packet.OK || out == nil {
		return false
	}
	s := r.snap.Load()
	if out.index >= len(s.ifaces) || s.ifaces[out.index].iface != out || !s.ifaces[out.index].up {
		return false
	}
	now := r.clock().UnixNano()
	p.Out, p.NextHop = out, nextHop
	r.output(s, p, now, q, nil)
	q.flush(r, s, now)
	return true
}
