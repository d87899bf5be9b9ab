package router

import (
	"natlab/ios"
)

// show protocols, show ip protocols and show controllers.

func (c *CLI) installProtocolShows() {
	c.e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show protocols [IFNAME$if]",
			Help: []string{ios.HelpShow, "Active network routing protocols", "Interface name"}, Run: c.showProtocols},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip protocols",
			Help: []string{ios.HelpShow, ios.HelpShowIP, "IP routing protocol process parameters and statistics"},
			Run:  c.showIPProtocols},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show controllers [IFNAME$if]",
			Help: []string{ios.HelpShow, "Interface controller status", "Interface name"}, Run: c.showControllers},
	)
}

// showProtocols is IOS's show protocols: the global IP routing state, then
// each interface's state and primary address.
func (c *CLI) showProtocols(ctx *ios.Context, a ios.Args) error {
	list, err := c.interfacesArg(ctx, a)
	if err != nil {
		return err
	}
	if !a.Has("if") {
		ctx.Printf("Global values:\n  Internet Protocol routing is enabled\n")
	}
	for _, i := range list {
		status, proto := c.linkStatus(i)
		ctx.Printf("%s is %s, line protocol is %s\n", i.Name(), status, proto)
		if p := i.Address(); p.IsValid() {
			ctx.Printf("  Internet address is %s\n", p)
		}
	}
	return nil
}

// showIPProtocols: the router runs no dynamic routing protocol, and with
// static routing only IOS 15 prints the NSF line and a blank line.
func (c *CLI) showIPProtocols(ctx *ios.Context, _ ios.Args) error {
	ctx.Printf("*** IP Routing is NSF aware ***\n\n")
	return nil
}

// showControllers is a short controller block per chassis interface: what
// the emulator knows of the port behind it (IOSv's e1000 register dump has
// no counterpart here).
func (c *CLI) showControllers(ctx *ios.Context, a ios.Args) error {
	list, err := c.interfacesArg(ctx, a)
	if err != nil {
		return err
	}
	for _, i := range list {
		if i.IsLoopback() || i.IsSubinterface() {
			continue
		}
		ctx.Printf("Interface %s\n", i.Name())
		ctx.Printf("Hardware is %s, address is %s (bia %s)\n", interfaceHardwareID, HardwareAddress(i), dottedMAC(i.BIA()))
		if p := i.Port(); p != nil {
			ctx.Printf("  Port %s, MTU %d\n", p.Name(), i.HardwareMTU())
		} else {
			ctx.Printf("  No port attached\n")
		}
		link := "down"
		if i.LineUp() {
			link = "up"
		}
		ctx.Printf("  Link is %s, %s\n", link, duplexLine(i.Duplex(), i.Speed()))
	}
	return nil
}
