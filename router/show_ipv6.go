package router

import "natlab/ios"

// IPv6 is not enabled on this router (it forwards IPv4 only). show ipv6
// interface says what IOS says of interfaces without IPv6: nothing, and
// in the brief form each interface with no address.

func (c *CLI) installShowIPv6() {
	c.e.Install(&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ipv6 interface [brief]",
		Help: []string{ios.HelpShow, "IPv6 information", "IPv6 interface status and configuration", "Brief summary of IPv6 status and configuration"},
		Run:  c.showIPv6Interface})
}

func (c *CLI) showIPv6Interface(ctx *ios.Context, a ios.Args) error {
	if !a.Has("brief") {
		return nil
	}
	for _, i := range c.r.Interfaces() {
		status, proto := c.linkStatus(i)
		ctx.Printf("%-23s[%s/%s]\n    unassigned\n", i.Name(), status, proto)
	}
	return nil
}
