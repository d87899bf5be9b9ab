package device

import "natlab/pktevent"

// wireEvents gives the router its packet-event stream and makes NAT, the
// access-groups and FTP inspection publish to it. It runs in New, before
// any port is attached, so the producers read their bus without a lock.
func (d *Device) wireEvents() {
	d.Events = pktevent.New(pktevent.Options{})
	d.NAT.SetEvents(d.Events)
	d.ACLs.SetEvents(d.Events)
	d.FTP.In.SetEvents(d.Events)
}
