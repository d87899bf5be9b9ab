package device

import (
	"net/netip"

	"natlab/syslog"
)

// startMgmt registers the management services that send from the router:
// syslog to `logging host`s, sourced from the outgoing interface's address
// (or `logging source-interface`'s).
func (d *Device) startMgmt() {
	r := d.Router
	ifAddr := func(name string) netip.Addr {
		if i := r.Interface(name); i != nil && i.Address().IsValid() {
			return i.Address().Addr()
		}
		return netip.Addr{}
	}
	syslog.Register(d.Engine, syslog.Options{
		Send: r.SendLocal,
		Source: func(dst netip.Addr) netip.Addr {
			re, ok := r.Lookup(dst)
			if !ok {
				return netip.Addr{}
			}
			return ifAddr(re.Interface)
		},
		InterfaceAddr: ifAddr,
	})
}
