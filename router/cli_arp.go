package router

import (
	"fmt"
	"time"

	"natlab/ios"
)

// The interface's ARP settings: `arp timeout` and `[no] ip proxy-arp`.
// show ip arp, clear arp-cache and debug arp belong to the Ethernet ports
// (package ether).

// IfOrderARP places `arp timeout` in an interface block, after the NAT
// lines as IOS writes it.
const IfOrderARP = 52

func (c *CLI) installARPCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.ConfigIf, Syntax: "arp timeout (0-2147483)$secs",
			Help: []string{"Set arp type (arpa, probe, snap) or timeout, log options or packet priority",
				"Set ARP cache timeout", "Seconds"},
			Run: c.onInterface(c.cmdARPTimeout)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no arp timeout [(0-2147483)$secs]",
			Help: []string{ios.HelpNo, "Set arp type (arpa, probe, snap) or timeout, log options or packet priority",
				"Set ARP cache timeout", "Seconds"},
			Run: c.onInterface(c.cmdARPTimeout)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] ip proxy-arp",
			Help: []string{ios.HelpIfIP, "Enable proxy ARP"},
			Run:  c.onInterface(func(_ *ios.Context, a ios.Args, i *Interface) error { i.SetProxyARP(!a.No()); return nil })},
	)
	c.AddInterfaceConfig(IfOrderNoIP, c.proxyARPLines)
	c.AddInterfaceConfig(IfOrderARP, c.arpTimeoutLines)
}

func (c *CLI) cmdARPTimeout(_ *ios.Context, a ios.Args, i *Interface) error {
	if a.No() {
		i.SetARPTimeout(0)
		return nil
	}
	secs := a.Int("secs")
	if secs == 0 {
		// IOS: 0 means entries never expire; keep it as the longest timeout.
		i.SetARPTimeout(time.Duration(2147483) * time.Second)
		return nil
	}
	i.SetARPTimeout(time.Duration(secs) * time.Second)
	return nil
}

func (c *CLI) proxyARPLines(name string) []string {
	if i := c.r.Interface(name); i != nil && !i.IsLoopback() && !i.ProxyARP() {
		return []string{"no ip proxy-arp"}
	}
	return nil
}

func (c *CLI) arpTimeoutLines(name string) []string {
	if i := c.r.Interface(name); i != nil && i.ARPTimeout() != DefaultARPTimeout {
		return []string{fmt.Sprintf("arp timeout %d", int64(i.ARPTimeout()/time.Second))}
	}
	return nil
}
