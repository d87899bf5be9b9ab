package router

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"natlab/ios"
)

var routeHelp = []string{ios.HelpConfigIP, "Establish static routes",
	"Destination prefix", "Destination prefix mask", "Forwarding router's address", "Interface name",
	"Forwarding router's address",
	"Distance metric for this route", "Set tag for this route", "Tag value", "Specify name of the next hop", "Name of the next hop",
	"permanent route"}

// routeSyntax is IOS's `ip route PREFIX MASK {NEXTHOP | IF [NEXTHOP]} [DISTANCE] [tag T] [name N]
// [permanent]`, the options in any order.
const routeSyntax = "ip route A.B.C.D$prefix A.B.C.D$mask <A.B.C.D$nh|IFNAME$if [A.B.C.D$ifnh]> " +
	"[{(1-255)$distance|tag (1-4294967295)$tag|name WORD$name|permanent}]"

func (c *CLI) installRouteCommands() {
	c.e.AddInterfaceType(ios.InterfaceType{Name: "Null", Help: "Null interface", NumHelp: "Null interface number"})
	c.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: routeSyntax, Help: routeHelp, Run: c.cmdIPRoute},
		&ios.Command{Mode: ios.Config, Syntax: "no ip route A.B.C.D$prefix A.B.C.D$mask [<A.B.C.D$nh|IFNAME$if [A.B.C.D$ifnh]> [{(1-255)$distance|tag (1-4294967295)$tag|name WORD$name|permanent}]]",
			Help: append([]string{ios.HelpNo}, routeHelp...), Run: c.cmdNoIPRoute},
	)
}

// parseRoute validates the prefix and mask of an ip route command as IOS does.
func parseRoute(a ios.Args) (StaticRoute, error) {
	bits, ok := maskLen(a.Addr("mask"))
	if !ok {
		return StaticRoute{}, ios.Errorf("%%Inconsistent address and mask")
	}
	p := netip.PrefixFrom(a.Addr("prefix"), bits)
	if p.Masked() != p {
		return StaticRoute{}, ios.Errorf("%%Inconsistent address and mask")
	}
	s := StaticRoute{Prefix: p, Distance: 1}
	switch {
	case a.Has("nh"):
		s.NextHop = a.Addr("nh")
	default:
		s.Interface = a.Str("if")
		if a.Has("ifnh") {
			s.NextHop = a.Addr("ifnh")
		}
	}
	if a.Has("distance") {
		s.Distance = uint8(a.Int("distance"))
	}
	if a.Has("tag") {
		s.Tag = uint32(a.Int("tag"))
	}
	s.Name, s.Permanent = a.Str("name"), a.Has("permanent")
	return s, nil
}

func (c *CLI) cmdIPRoute(ctx *ios.Context, a ios.Args) error {
	s, err := parseRoute(a)
	if err != nil {
		return err
	}
	if s.Interface == NullInterface && s.NextHop.IsValid() {
		return ios.Errorf("%%Invalid next hop address")
	}
	if s.Interface != "" && s.Interface != NullInterface && c.r.Interface(s.Interface) == nil {
		return invalidAtNumber(ctx, a)
	}
	if s.NextHop.IsValid() {
		if !validHostAddress(s.NextHop) {
			return ios.Errorf("%%Invalid next hop address")
		}
		for _, i := range c.r.Interfaces() {
			if i.Address().IsValid() && i.Address().Addr() == s.NextHop {
				return ios.Errorf("%%Invalid next hop address (it's this router)")
			}
		}
	}
	c.r.AddStaticRoute(s)
	return nil
}

func (c *CLI) cmdNoIPRoute(ctx *ios.Context, a ios.Args) error {
	s, err := parseRoute(a)
	if err != nil {
		return err
	}
	if a.Has("nh") || a.Has("if") {
		if !c.r.RemoveStaticRoute(s) {
			return ios.Errorf("%%No matching route to delete")
		}
		return nil
	}
	// "no ip route P M" removes every static route for the prefix, as IOS does.
	if c.r.RemoveStaticRoutesTo(s.Prefix) == 0 {
		return ios.Errorf("%%No matching route to delete")
	}
	return nil
}

func (c *CLI) renderRoutes(w io.Writer) {
	for _, s := range c.r.StaticRoutes() {
		if s.Dynamic {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "ip route %s %s ", s.Prefix.Addr(), dottedMask(s.Prefix.Bits()))
		switch {
		case s.Interface != "" && s.NextHop.IsValid():
			b.WriteString(s.Interface + " " + s.NextHop.String())
		case s.Interface != "":
			b.WriteString(s.Interface)
		default:
			b.WriteString(s.NextHop.String())
		}
		if s.Distance > 1 {
			fmt.Fprintf(&b, " %d", s.Distance)
		}
		if s.Tag != 0 {
			fmt.Fprintf(&b, " tag %d", s.Tag)
		}
		if s.Permanent {
			b.WriteString(" permanent")
		}
		if s.Name != "" {
			b.WriteString(" name " + s.Name)
		}
		fmt.Fprintln(w, b.String())
	}
}

func (c *CLI) renderInterfaces(w io.Writer) {
	c.mu.Lock()
	providers := append([]ifaceLines(nil), c.providers...)
	c.mu.Unlock()
	for _, i := range c.r.Interfaces() {
		fmt.Fprintf(w, "interface %s\n", i.Name())
		for _, p := range providers {
			for _, l := range p.lines(i.Name()) {
				fmt.Fprintf(w, " %s\n", l)
			}
		}
		fmt.Fprintln(w, "!")
	}
}

func (c *CLI) descriptionLines(name string) []string {
	if d := c.r.Interface(name).Description(); d != "" {
		return []string{"description " + d}
	}
	return nil
}

// addressLines renders the secondaries before the primary, as IOS does, so
// a load configures them in that order too.
func (c *CLI) addressLines(name string) []string {
	if c.dhcpOn(name) {
		return []string{"ip address dhcp"}
	}
	i := c.r.Interface(name)
	var out []string
	for _, p := range i.SecondaryAddresses() {
		out = append(out, fmt.Sprintf("ip address %s %s secondary", p.Addr(), dottedMask(p.Bits())))
	}
	p := i.Address()
	if !p.IsValid() {
		if len(out) > 0 {
			return out
		}
		return []string{"no ip address"}
	}
	return append(out, fmt.Sprintf("ip address %s %s", p.Addr(), dottedMask(p.Bits())))
}

func (c *CLI) shutdownLines(name string) []string {
	if c.r.Interface(name).Shutdown() {
		return []string{"shutdown"}
	}
	return nil
}
