package nat

import (
	"errors"
	"net/netip"
	"time"

	"natlab/packet"
)

// Entry points for the FTP inspection (an application-level gateway needs
// three things from NAT, and NAT keeps no FTP logic of its own):
//
//   - LookupFlow: the translation of the control connection, to know the
//     global address that replaces the private one in PORT/EPRT or
//     227/229 payloads;
//   - MapData: a translation for the data connection the payload
//     announces, on the same global address, that admits the one inbound
//     connection the peer will open;
//   - ReserveGlobalPort / ReleaseGlobalPort: a free global port, when the
//     gateway must pick one before it can write the payload.

// ErrNoPort is returned when no global port is free.
var ErrNoPort = errors.New("nat: no free global port")

// LookupFlow returns the translation of the flow a packet belongs to.
// fromInside tells where the packet was seen: from the inside, src and dst
// are the inside local and outside local endpoints; from the outside, the
// outside global and inside global ones. A packet already translated on its
// way out (inside global -> outside global) is looked up with its
// endpoints swapped and fromInside false. It does not refresh the entry.
func (n *NAT) LookupFlow(proto packet.Proto, src, dst netip.AddrPort, fromInside bool) (Translation, bool) {
	if !src.Addr().Is4() || !dst.Addr().Is4() {
		return Translation{}, false
	}
	s := n.index(fromInside).get(packet.TupleOf(proto, src, dst))
	if s == nil {
		return Translation{}, false
	}
	return s.translation(), true
}

func (s *Session) translation() Translation {
	return Translation{
		Proto:         s.proto,
		InsideLocal:   s.inLocal.addrPort(),
		InsideGlobal:  s.inGlobal.addrPort(),
		OutsideLocal:  s.outLocal.addrPort(),
		OutsideGlobal: s.outGlobal.addrPort(),
	}
}

// ReserveGlobalPort takes a free port on global for proto: want itself if
// free, else the lowest free port of want's range (0-511, 512-1023,
// 1024-65535). The port stays taken until ReleaseGlobalPort.
func (n *NAT) ReserveGlobalPort(proto packet.Proto, global netip.Addr, want uint16) (uint16, error) {
	if !global.Is4() {
		return 0, ErrNoPort
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	p, ok := n.allocPort(proto, addr4(global), want)
	if !ok {
		return 0, ErrNoPort
	}
	return p, nil
}

// ReleaseGlobalPort frees a port taken with ReserveGlobalPort.
func (n *NAT) ReleaseGlobalPort(proto packet.Proto, global netip.Addr, port uint16) {
	if !global.Is4() {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.patByGlobal[bindKey{addr4(global), port, proto}] == nil {
		n.releasePort(proto, addr4(global), port)
	}
}

// MapData makes the translation of a data connection announced by the
// inside endpoint local (an FTP client's PORT/EPRT, or a server's 227/229):
// local maps to global (the control connection's inside global address)
// and a port, local's own when free. The mapping admits one connection
// from peer (any port; the zero Addr admits any host) until ttl passes,
// and serves local's own outbound connections as any endpoint-independent
// mapping does. When a static or address-only rule already translates
// local, that translation is returned and nothing is created.
func (n *NAT) MapData(proto packet.Proto, local netip.AddrPort, global, peer netip.Addr, ttl time.Duration) (netip.AddrPort, error) {
	if !local.Addr().Is4() || !global.Is4() {
		return netip.AddrPort{}, ErrNoPort
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.nowNano()
	l := addr4(local.Addr())
	if r, g := n.staticFrom(proto, l, local.Port()); r != nil {
		return netip.AddrPortFrom(netip.AddrFrom4(g), r.GlobalPort), nil
	}
	if g, _, ok := n.addressGlobal(l); ok {
		return netip.AddrPortFrom(netip.AddrFrom4(g), local.Port()), nil
	}
	var p [4]byte
	if peer.Is4() {
		p = peer.As4()
	}
	if b := n.patByLocal[bindKey{l, local.Port(), proto}]; b != nil {
		b.holdTill = max(b.holdTill, now+int64(ttl))
		b.peer = p
		return b.global.addrPort(), nil
	}
	g := addr4(global)
	port, ok := n.allocPort(proto, g, local.Port())
	if !ok {
		return netip.AddrPort{}, ErrNoPort
	}
	b := n.addPATBinding(proto, endpoint{l, local.Port()}, endpoint{g, port}, 0, now)
	b.holdTill, b.peer = now+int64(ttl), p
	return b.global.addrPort(), nil
}

// UnmapData gives back a mapping made by MapData that no connection has
// used (the pinhole expired, the command was refused, the control
// connection ended). A mapping in use is left to the session timers.
func (n *NAT) UnmapData(proto packet.Proto, local netip.AddrPort) {
	if !local.Addr().Is4() {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if b := n.patByLocal[bindKey{addr4(local.Addr()), local.Port(), proto}]; b != nil && b.refs == 0 && b.mapID == 0 {
		b.holdTill = 0
		n.removeBinding(b)
	}
}
