package router

import (
	"net/netip"

	"natlab/ios"
)

// `default interface IF`: the interface's configuration back to its
// defaults. The router resets its own settings directly; the features that
// render lines into the block (ACLs, NAT, DHCP) are reset through the
// callbacks they registered with OnInterfaceRemoved, which forget an
// interface's settings exactly as `no interface` needs. A feature that
// registered no such callback keeps its lines (README).

func (c *CLI) installDefaultInterface() {
	c.e.Install(&ios.Command{Mode: ios.Config, Syntax: "default interface IFNAME$if",
		Help: []string{"Set a command to its defaults", "Select an interface to configure", "Interface name"},
		Run:  c.cmdDefaultInterface})
}

func (c *CLI) cmdDefaultInterface(ctx *ios.Context, a ios.Args) error {
	i := c.r.Interface(a.Str("if"))
	if i == nil {
		return invalidAtNumber(ctx, a)
	}
	c.DefaultInterface(i)
	ctx.Printf("Interface %s set to default configuration\n", i.Name())
	return nil
}

// DefaultInterface resets i's configuration, the features' lines included.
// A chassis interface ends shut down, as it boots; a loopback or a
// subinterface stays up. A subinterface keeps its encapsulation.
func (c *CLI) DefaultInterface(i *Interface) {
	name := i.Name()
	c.r.BeginUpdate()
	i.SetDescription("")
	i.SetMACAddress([6]byte{}, false)
	i.SetBandwidth(0)
	i.SetDelay(0)
	i.ClearSecondaries()
	i.SetAddress(netip.Prefix{})
	i.SetMTU(0)
	i.SetRedirects(true)
	i.SetUnreachables(true)
	i.SetProxyARP(true)
	i.SetARPTimeout(0)
	i.SetVerifySource(VerifySource{})
	i.SetDuplex("auto")
	i.SetSpeed("auto")
	c.mu.Lock()
	delete(c.method, name)
	onRemove := append([]func(string){}, c.onRemove...)
	c.mu.Unlock()
	for _, f := range onRemove {
		f(name)
	}
	c.r.EndUpdate()
	c.setShutdown(i, !i.IsLoopback() && !i.IsSubinterface())
}
