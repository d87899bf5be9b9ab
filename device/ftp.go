package device

import (
	"net/netip"

	"natlab/ftpinspect"
	"natlab/nat"
	"natlab/packet"
)

// ftpNAT is NAT as FTP inspection's Translator (ftpinspect.Translator
// says what each method promises):
//
//   - Global looks up the control connection's translation seen from the
//     inside (inside local -> outside local) and returns its inside global
//     address;
//   - MapData asks NAT for a mapping on that global address that admits one
//     connection from the peer for the pinhole timeout;
//   - UnmapData gives a mapping back when its pinhole closes unused
//     (refused, evicted, expired, or the control connection ended), so its
//     global port is free at once rather than when NAT's hold runs out.
type ftpNAT struct{ n *nat.NAT }

var _ ftpinspect.Translator = ftpNAT{}

func (a ftpNAT) Global(ctrl packet.Tuple) (netip.Addr, bool) {
	t, ok := a.n.LookupFlow(packet.ProtoTCP, ctrl.SrcAddrPort(), ctrl.DstAddrPort(), true)
	if !ok || !t.InsideGlobal.IsValid() || t.InsideGlobal.Addr() == t.InsideLocal.Addr() {
		return netip.Addr{}, false
	}
	return t.InsideGlobal.Addr(), true
}

func (a ftpNAT) MapData(m ftpinspect.DataMapping) (netip.AddrPort, error) {
	g, ok := a.Global(m.Ctrl)
	if !ok {
		return m.Local, nil
	}
	return a.n.MapData(packet.ProtoTCP, m.Local, g, m.Peer, m.Hold)
}

func (a ftpNAT) UnmapData(m ftpinspect.DataMapping, global netip.AddrPort) {
	a.n.UnmapData(packet.ProtoTCP, m.Local)
}
