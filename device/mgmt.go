package device

import (
	"net/netip"
	"time"

	"natlab/ntp"
	"natlab/router"
	"natlab/syslog"
)

// startMgmt registers the management services that send from the router:
// syslog to `logging host`s, sourced from the outgoing interface's address
// (or `logging source-interface`'s), and the NTP client, which polls its
// servers from UDP 123 and steps the clock that `clock set` moves.
func (d *Device) startMgmt() {
	r := d.Router
	ifAddr := func(name string) netip.Addr {
		if i := r.Interface(name); i != nil && i.Address().IsValid() {
			return i.Address().Addr()
		}
		return netip.Addr{}
	}
	source := func(dst netip.Addr) netip.Addr {
		re, ok := r.Lookup(dst)
		if !ok {
			return netip.Addr{}
		}
		return ifAddr(re.Interface)
	}
	syslog.Register(d.Engine, syslog.Options{
		Send:          r.SendLocal,
		Source:        source,
		InterfaceAddr: ifAddr,
	})
	e := d.Engine
	d.NTP = ntp.Register(e, ntp.Options{
		Send:   r.SendLocal,
		Source: source,
		Now:    func() time.Time { return e.Clock() },
		Step:   d.System.StepClock,
		Synced: d.System.SetClockSynced,
	})
	d.UDP.Handle(ntp.Port, func(_ *router.Interface, pkt []byte) bool { return d.NTP.Receive(pkt) })
}
