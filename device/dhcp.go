package device

import (
	"net/netip"
	"time"

	"natlab/dhcp"
	"natlab/router"
)

// registerDHCP installs the DHCP commands and takes UDP ports 67 and 68.
func (d *Device) registerDHCP() {
	r := d.Router
	env := dhcp.Env{
		SendOn: func(ifname string, nh netip.Addr, pkt []byte) bool {
			i := r.Interface(ifname)
			return i != nil && r.SendOn(i, nh, pkt)
		},
		SendLocal: r.SendLocal,
		Ping: func(dst netip.Addr, timeout time.Duration) bool {
			answered := false
			r.Ping(dst, router.PingOptions{Count: 1, Timeout: timeout}, func(_ int, mark byte, _ time.Duration) {
				answered = answered || mark == router.MarkReply
			})
			return answered
		},
		Address: func(ifname string) netip.Prefix {
			if i := r.Interface(ifname); i != nil {
				return i.Address()
			}
			return netip.Prefix{}
		},
		InterfaceOf: func(a netip.Addr) string {
			for _, i := range r.Interfaces() {
				if i.Address().Addr() == a {
					return i.Name()
				}
			}
			return ""
		},
		MAC: func(ifname string) [6]byte {
			if i := r.Interface(ifname); i != nil {
				return i.MAC()
			}
			return [6]byte{}
		},
		Own: func(a netip.Addr) bool {
			for _, i := range r.Interfaces() {
				if i.Address().Addr() == a {
					return true
				}
			}
			return false
		},
		// `ip address dhcp`: the router's CLI owns the interface's address
		// and the lease's default route (distance 254, not rendered).
		SetAddress: d.CLI.DHCPAddress,
		SetDefault: d.CLI.DHCPDefault,
	}
	svc := dhcp.Register(d.Engine, env)
	d.DHCP = svc
	d.CLI.SetDHCPClient(svc.StartClient, svc.StopClient)
	d.CLI.AddInterfaceConfig(router.IfOrderAddress+1, svc.InterfaceConfigLines)
	d.CLI.OnInterfaceRemoved(svc.RemoveInterface)
	take := func(in *router.Interface, pkt []byte) bool {
		return in != nil && svc.Take(in.Name(), pkt)
	}
	d.UDP.Handle(dhcp.ServerPort, take)
	d.UDP.Handle(dhcp.ClientPort, take)
}
