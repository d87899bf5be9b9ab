package router

import (
	"net/netip"

	"natlab/ios"
	"natlab/packet"
)

// show ip route static|connected|A.B.C.D and show interfaces description.

func (c *CLI) installShowFilters() {
	c.e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip route <static|connected|A.B.C.D$addr>",
			Help: []string{ios.HelpShow, ios.HelpShowIP, "IP routing table", "Static routes", "Connected networks", "Network to display information about or hostname"},
			Run:  c.showIPRouteFiltered},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show interfaces description",
			Help: []string{ios.HelpShow, ios.HelpShowInterfaces, "Show interface description"}, Run: c.showInterfacesDescription},
	)
}

func (c *CLI) showIPRouteFiltered(ctx *ios.Context, a ios.Args) error {
	routes := c.r.Routes()
	if a.Has("addr") {
		return c.showRouteEntry(ctx, routes, a.Addr("addr"))
	}
	keep := func(r RouteEntry) bool { return r.Code == 'S' }
	if a.Has("connected") {
		keep = func(r RouteEntry) bool { return r.Code == 'C' || r.Code == 'L' }
	}
	var out []RouteEntry
	for _, r := range routes {
		if keep(r) {
			out = append(out, r)
		}
	}
	// IOS prints the legend and the gateway line, then the matching routes
	// grouped as in the whole table.
	ctx.Printf("%s", routeLegend)
	ctx.Printf("%s\n\n", gatewayOfLastResort(routes))
	printRoutes(ctx, out)
	return nil
}

// showRouteEntry is `show ip route A.B.C.D`: the longest route covering the
// address, in IOS's detailed form.
func (c *CLI) showRouteEntry(ctx *ios.Context, routes []RouteEntry, a netip.Addr) error {
	var best *RouteEntry
	for k := range routes {
		r := &routes[k]
		if r.Code == 'L' && r.Prefix.Addr() != a || !r.Prefix.Contains(a) {
			continue
		}
		if best == nil || r.Prefix.Bits() > best.Prefix.Bits() {
			best = r
		}
	}
	if best == nil {
		return ios.Errorf("%% Network not in table")
	}
	r := *best
	supernet := ""
	if r.Prefix.Bits() < packet.ClassfulBits(r.Prefix.Addr()) {
		supernet = ", supernet"
	}
	ctx.Printf("Routing entry for %s%s\n", r.Prefix, supernet)
	switch r.Code {
	case 'C', 'L':
		ctx.Printf("  Known via \"connected\", distance 0, metric 0 (connected, via interface)\n")
		ctx.Printf("  Routing Descriptor Blocks:\n")
		ctx.Printf("  * directly connected, via %s\n", r.Interface)
	default:
		candidate := ""
		if r.Prefix.Bits() == 0 {
			candidate = ", candidate default path"
		}
		ctx.Printf("  Known via \"static\", distance %d, metric %d%s\n", r.Distance, r.Metric, candidate)
		ctx.Printf("  Routing Descriptor Blocks:\n")
		switch {
		case r.NextHop.IsValid() && r.Interface != "":
			ctx.Printf("  * %s, via %s\n", r.NextHop, r.Interface)
		case r.NextHop.IsValid():
			ctx.Printf("  * %s\n", r.NextHop)
		default:
			ctx.Printf("  * directly connected, via %s\n", r.Interface)
		}
	}
	ctx.Printf("      Route metric is %d, traffic share count is 1\n", r.Metric)
	return nil
}

// showInterfacesDescription is IOS's one line per interface: short name,
// status, protocol, description.
func (c *CLI) showInterfacesDescription(ctx *ios.Context, _ ios.Args) error {
	ctx.Printf("%-30s %-14s %-8s %s\n", "Interface", "Status", "Protocol", "Description")
	for _, i := range c.r.Interfaces() {
		status, proto := c.linkStatus(i)
		if status == "administratively down" {
			status = "admin down"
		}
		ctx.Printf("%-30s %-14s %-8s %s\n", ShortName(i.Name()), status, proto, i.Description())
	}
	return nil
}

// ShortName is IOS's short form of an interface name (Gi0/0, Lo0, Gi0/0.10).
func ShortName(name string) string {
	for _, p := range [...][2]string{{"GigabitEthernet", "Gi"}, {"Loopback", "Lo"}} {
		if len(name) > len(p[0]) && name[:len(p[0])] == p[0] {
			return p[1] + name[len(p[0]):]
		}
	}
	return name
}
