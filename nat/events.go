package nat

import (
	"natlab/packet"
	"natlab/pktevent"
	"natlab/router"
)

// SetEvents makes NAT publish each translated packet to b: the rewrite it
// applied and whether the translation was made for it. Call it before
// traffic flows; nil publishes nothing.
func (n *NAT) SetEvents(b *pktevent.Bus) { n.events = b }

// publishEvent sends the event of one translated packet: before is its tuple as
// it arrived, p.P what NAT made of it.
func (n *NAT) publishEvent(p *router.Packet, res Result, before *packet.Tuple) {
	if !n.events.Active() {
		return
	}
	after := p.P.Tuple()
	e := pktevent.Event{Kind: pktevent.KindNAT, Proto: before.Proto.String(),
		Src: before.SrcAddrPort(), Dst: before.DstAddrPort(),
		NewSrc: after.SrcAddrPort(), NewDst: after.DstAddrPort(), Created: res == Created}
	if p.In != nil {
		e.In = p.In.Name()
	}
	if p.Out != nil {
		e.Out = p.Out.Name()
	}
	n.events.Publish(e)
}
