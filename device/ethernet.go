package device

import (
	"fmt"
	"time"

	"natlab/ether"
	"natlab/port"
	"natlab/router"
)

// AttachEthernet backs interface ifname with an Ethernet frame device (a
// TAP, an AF_PACKET socket, an in-memory pair): ARP and 802.1Q run on it with
// the interface's MAC, and its subinterfaces get their VLANs from it.
func (d *Device) AttachEthernet(ifname string, dev port.Port) (*ether.Link, error) {
	i := d.Router.Interface(ifname)
	if i == nil {
		return nil, fmt.Errorf("no interface %s", ifname)
	}
	link := ether.NewLink(dev, ether.MAC(i.MAC()), d.clock)
	if err := d.Router.Bind(ifname, link.Port()); err != nil {
		link.Close()
		return nil, err
	}
	return link, nil
}

// attachARP gives an Ethernet port (a main interface's or a
// subinterface's) its interface: the ARP host, the timeout, the name in
// debug lines. The router calls it before packets flow.
func (d *Device) attachARP(i *router.Interface, p port.Port) {
	ep, ok := p.(*ether.Port)
	if !ok {
		return
	}
	ep.SetName(i.Name())
	ep.SetTimeout(i.ARPTimeout())
	ep.SetHost(d.Router.ARPHost(i))
	d.arpDebug.apply(ep)
}

// clockOrNow is the device's clock.
func clockOrNow(c func() time.Time) func() time.Time {
	if c == nil {
		return time.Now
	}
	return c
}
