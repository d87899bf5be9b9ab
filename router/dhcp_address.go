package router

import (
	"net/netip"

	"natlab/ios"
)

// dhcpClient is the router's side of `ip address dhcp`: the hooks that start
// and stop the DHCP client (package dhcp, wired by the device) and what each
// lease installed, so that the router can take it away itself when the
// command is replaced. Its maps are guarded by CLI.mu; an interface runs the
// client while its address method is "DHCP".
type dhcpClient struct {
	start, stop func(ifname string)
	leases      map[string]dhcpLease
}

// dhcpLease is what a lease put on an interface.
type dhcpLease struct {
	addr netip.Prefix
	gw   netip.Addr // the default route's next hop, zero when none
}

// dhcpDistance is the administrative distance of the default route a lease
// brings, as IOS installs it (below every configured route).
const dhcpDistance = 254

var defaultRoute = netip.PrefixFrom(netip.IPv4Unspecified(), 0)

// SetDHCPClient installs `ip address dhcp` and `no ip address dhcp` in
// interface configuration mode. start begins the DHCP client on an interface,
// stop ends it (releasing the lease); both are called without locks held and
// must not block. The client reports its lease back through DHCPAddress and
// DHCPDefault.
func (c *CLI) SetDHCPClient(start, stop func(ifname string)) {
	c.mu.Lock()
	c.dhcp.start, c.dhcp.stop = start, stop
	if c.dhcp.leases == nil {
		c.dhcp.leases = map[string]dhcpLease{}
	}
	c.mu.Unlock()
	help := []string{ios.HelpIfIP, "Set the IP address of an interface", "IP Address negotiated via DHCP"}
	c.e.Install(
		&ios.Command{Mode: ios.ConfigIf, Syntax: "ip address dhcp", Help: help, Run: c.onInterface(c.cmdIPAddressDHCP)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no ip address dhcp", Help: append([]string{ios.HelpNo}, help...),
			Run: c.onInterface(func(_ *ios.Context, _ ios.Args, i *Interface) error {
				c.endDHCP(i)
				return nil
			})},
	)
	// A removed or defaulted interface loses its client and lease. Its
	// method is already gone (DefaultInterface clears it before the hooks
	// run), so the client is stopped whether it ran or not: stopping an
	// interface without one does nothing.
	c.OnInterfaceRemoved(func(name string) {
		c.mu.Lock()
		delete(c.method, name)
		lease, had := c.dhcp.leases[name]
		delete(c.dhcp.leases, name)
		c.mu.Unlock()
		if stop != nil {
			stop(name)
		}
		if had && lease.gw.IsValid() {
			c.r.RemoveStaticRoute(dhcpRoute(lease.gw))
		}
		if i := c.r.Interface(name); had && i != nil && i.Address() == lease.addr {
			i.SetAddress(netip.Prefix{})
		}
	})
}

func dhcpRoute(gw netip.Addr) StaticRoute {
	return StaticRoute{Prefix: defaultRoute, NextHop: gw, Distance: dhcpDistance, Dynamic: true}
}

// dhcpOn reports whether the interface runs `ip address dhcp`.
func (c *CLI) dhcpOn(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.method[name] == "DHCP"
}

func (c *CLI) cmdIPAddressDHCP(ctx *ios.Context, _ ios.Args, i *Interface) error {
	if vlan, _ := i.Encapsulation(); i.IsSubinterface() && vlan == 0 {
		return ios.Errorf("%% Configuring IP routing on a LAN subinterface is only allowed if that\n" +
			"subinterface is already configured as part of an IEEE 802.10, IEEE 802.1Q,\nor ISL vLAN.")
	}
	c.mu.Lock()
	start, on := c.dhcp.start, c.method[i.Name()] == "DHCP"
	c.mu.Unlock()
	if on || start == nil {
		return nil
	}
	// The static addresses go: the lease replaces them.
	i.ClearSecondaries()
	i.SetAddress(netip.Prefix{})
	c.mu.Lock()
	c.method[i.Name()] = "DHCP"
	c.mu.Unlock()
	start(i.Name())
	return nil
}

// endDHCP stops the client of an `ip address dhcp` interface and removes
// what its lease installed; a static `ip address` or `no ip address` calls
// it first. It does nothing on an interface without the client.
func (c *CLI) endDHCP(i *Interface) {
	name := i.Name()
	c.mu.Lock()
	if c.method[name] != "DHCP" {
		c.mu.Unlock()
		return
	}
	delete(c.method, name)
	stop := c.dhcp.stop
	c.mu.Unlock()
	if stop != nil {
		stop(name)
	}
	// The client's own clean-up is not relied on: a reply handled while it
	// stopped may have reported a lease after the method changed.
	c.mu.Lock()
	lease, had := c.dhcp.leases[name]
	delete(c.dhcp.leases, name)
	c.mu.Unlock()
	if !had {
		return
	}
	if lease.gw.IsValid() {
		c.r.RemoveStaticRoute(dhcpRoute(lease.gw))
	}
	if lease.addr.IsValid() && i.Address() == lease.addr {
		i.SetAddress(netip.Prefix{})
	}
}

// DHCPAddress gives an `ip address dhcp` interface its leased address, or
// takes it away (zero prefix). A lease reported for an interface that no
// longer runs the client is ignored.
func (c *CLI) DHCPAddress(ifname string, p netip.Prefix) {
	i := c.r.Interface(ifname)
	if i == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	lease, had := c.dhcp.leases[ifname]
	if c.method[ifname] != "DHCP" {
		return
	}
	if had && lease.addr.IsValid() && !p.IsValid() && i.Address() != lease.addr {
		return // a static address took its place
	}
	if !had && !p.IsValid() {
		return
	}
	lease.addr = p
	c.dhcp.leases[ifname] = lease
	i.SetAddress(p)
}

// DHCPDefault installs the default route via gw at distance 254 that the
// lease of ifname brings, replacing the one an earlier lease brought; an
// invalid gw removes it. The route is dynamic: show ip route lists it (S*),
// the running-config does not.
func (c *CLI) DHCPDefault(ifname string, gw netip.Addr) {
	if gw.IsValid() && (!gw.Is4() || !validHostAddress(gw)) {
		gw = netip.Addr{}
	}
	c.mu.Lock()
	if c.method[ifname] != "DHCP" {
		c.mu.Unlock()
		return
	}
	lease := c.dhcp.leases[ifname]
	old := lease.gw
	lease.gw = gw
	c.dhcp.leases[ifname] = lease
	c.mu.Unlock()
	if old == gw {
		return
	}
	if old.IsValid() {
		c.r.RemoveStaticRoute(dhcpRoute(old))
	}
	if gw.IsValid() {
		c.r.AddStaticRoute(dhcpRoute(gw))
	}
}

// DHCPLease is the address and default gateway a lease gave ifname (zero
// when none), for show commands and tests.
func (c *CLI) DHCPLease(ifname string) (netip.Prefix, netip.Addr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.dhcp.leases[ifname]
	return l.addr, l.gw
}
