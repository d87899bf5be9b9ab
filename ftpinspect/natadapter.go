package ftpinspect

import (
	"net/netip"

	"natlab/nat"
	"natlab/packet"
)

const protoTCP = 6

// NATTranslator adapts the router's NAT (natlab/nat) to Translator:
//
//   - Global looks up the control connection's translation seen from the
//     inside (inside local -> outside local) and returns its inside global
//     address;
//   - MapData asks nat.MapData for a mapping on that global address,
//     admitting one connection from the peer for the pinhole timeout;
//   - UnmapData does nothing: nat has no early release, its mapping ends
//     when the hold (the pinhole timeout) passes.
func NATTranslator(n *nat.NAT) Translator { return natAdapter{n} }

type natAdapter struct{ n *nat.NAT }

func (a natAdapter) Global(ctrl packet.Tuple) (netip.Addr, bool) {
	t, ok := a.n.LookupFlow(protoTCP, ctrl.SrcAddrPort(), ctrl.DstAddrPort(), true)
	if !ok || !t.InsideGlobal.IsValid() || t.InsideGlobal.Addr() == t.InsideLocal.Addr() {
		return netip.Addr{}, false
	}
	return t.InsideGlobal.Addr(), true
}

func (a natAdapter) MapData(m DataMapping) (netip.AddrPort, error) {
	g, ok := a.Global(m.Ctrl)
	if !ok {
		return m.Local, nil
	}
	return a.n.MapData(protoTCP, m.Local, g, m.Peer, m.Hold)
}

func (a natAdapter) UnmapData(DataMapping, netip.AddrPort) {}
