package device

import (
	"net/netip"
	"sync"
	"time"

	"natlab/dhcp"
	"natlab/router"
)

// dhcpServices holds each device's DHCP service (the Device struct is the
// lead's; New registers the service with one line).
var dhcpServices sync.Map // *Device -> *dhcp.Service

// DHCP is the router's DHCP server, relay and client.
func (d *Device) DHCP() *dhcp.Service {
	s, _ := dhcpServices.Load(d)
	svc, _ := s.(*dhcp.Service)
	return svc
}

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
	}
	d.installDHCPClient(&env)
	svc := dhcp.Register(d.Engine, env)
	dhcpServices.Store(d, svc)
	d.CLI.AddInterfaceConfig(router.IfOrderAddress+1, svc.InterfaceConfigLines)
	d.CLI.OnInterfaceRemoved(svc.RemoveInterface)
	take := func(in *router.Interface, pkt []byte) bool {
		return in != nil && svc.Take(in.Name(), pkt)
	}
	d.UDP.Handle(dhcp.ServerPort, take)
	d.UDP.Handle(dhcp.ClientPort, take)
}

// installDHCPClient is where `ip address dhcp` is wired (set below when
// the router supports it).
func (d *Device) installDHCPClient(env *dhcp.Env) {}
