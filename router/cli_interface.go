package router

import (
	"fmt"
	"net/netip"
	"strings"

	"natlab/ios"
)

func (c *CLI) installInterfaceCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "interface IFNAME$if",
			Help: []string{ios.HelpInterface, "Interface name"}, Run: c.cmdInterface},
		&ios.Command{Mode: ios.Config, Syntax: "no interface IFNAME$if",
			Help: []string{ios.HelpNo, ios.HelpInterface, "Interface name"}, Run: c.cmdNoInterface},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "ip address A.B.C.D$addr A.B.C.D$mask [secondary]",
			Help: []string{ios.HelpIfIP, "Set the IP address of an interface",
				"IP address", "IP subnet mask", "Make this IP address a secondary address"}, Run: c.onInterface(c.cmdIPAddress)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no ip address [A.B.C.D$addr A.B.C.D$mask [secondary]]",
			Help: []string{ios.HelpNo, ios.HelpIfIP, "Set the IP address of an interface",
				"IP address", "IP subnet mask", "Make this IP address a secondary address"}, Run: c.onInterface(c.cmdNoIPAddress)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] shutdown",
			Help: []string{"Shutdown the selected interface"}, Run: c.onInterface(c.cmdShutdown)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "description LINE$text",
			Help: []string{"Interface specific description", "Up to 240 characters describing this interface"},
			Run:  c.onInterface(c.cmdDescription)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no description",
			Help: []string{ios.HelpNo, "Interface specific description"}, Run: c.onInterface(c.cmdDescription)},
		// IOS 15 adds "ip virtual-reassembly in" by itself with NAT; fragments are always handled by
		// the NAT engine here, so the line is accepted for round trips and changes nothing.
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] ip virtual-reassembly [in|out]",
			Help: []string{ios.HelpIfIP, "Virtual Reassembly", "Enable reassembly on input", "Enable reassembly on output"},
			Run:  c.cmdNoop},
	)
}

func (c *CLI) cmdNoop(*ios.Context, ios.Args) error { return nil }

// onInterface runs a config-if command on the interface the session is on.
// There is none when another session removed the loopback under this one;
// the command then does nothing.
func (c *CLI) onInterface(run func(ctx *ios.Context, a ios.Args, i *Interface) error) ios.Handler {
	return func(ctx *ios.Context, a ios.Args) error {
		i := c.r.Interface(ifname(ctx))
		if i == nil {
			return nil
		}
		return run(ctx, a, i)
	}
}

// chassisInterface resolves a canonical name to an interface, creating loopbacks on demand.
func (c *CLI) chassisInterface(ctx *ios.Context, a ios.Args, create bool) (*Interface, error) {
	name := a.Str("if")
	if i := c.r.Interface(name); i != nil {
		return i, nil
	}
	if parent, num, ok := SplitSubinterface(name); ok && create {
		if c.r.Interface(parent) == nil {
			return nil, invalidAtNumber(ctx, a)
		}
		c.inHandler.Store(true)
		i, err := c.r.Subinterface(parent, num)
		c.inHandler.Store(false)
		if err != nil {
			return nil, invalidAtNumber(ctx, a)
		}
		return i, nil
	}
	if n, ok := strings.CutPrefix(name, "Loopback"); ok && create {
		var num int
		if _, err := fmt.Sscanf(n, "%d", &num); err == nil && num >= 0 && num <= 2147483647 {
			c.inHandler.Store(true)
			i := c.r.Loopback(num)
			i.SetShutdown(false)
			c.inHandler.Store(false)
			c.e.Log(fmt.Sprintf("%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to up", i.Name()))
			return i, nil
		}
	}
	return nil, invalidAtNumber(ctx, a)
}

// invalidAtNumber is IOS's caret error for an interface number the chassis does not have: the caret
// sits under the first digit of the number of the IFNAME$if token.
func invalidAtNumber(ctx *ios.Context, a ios.Args) error {
	off := max(a.Offset("if"), 0)
	line := ctx.Line()
	if d := strings.IndexAny(line[min(off, len(line)):], "0123456789"); d >= 0 {
		off += d
	}
	return ctx.InvalidAt(off)
}

func (c *CLI) cmdInterface(ctx *ios.Context, a ios.Args) error {
	i, err := c.chassisInterface(ctx, a, true)
	if err != nil {
		return err
	}
	c.bootDefaults(i)
	if i.IsSubinterface() {
		ctx.Enter(ios.ConfigSubif, i.Name())
		return nil
	}
	ctx.Enter(ios.ConfigIf, i.Name())
	return nil
}

func (c *CLI) cmdNoInterface(ctx *ios.Context, a ios.Args) error {
	name := a.Str("if")
	if _, _, sub := SplitSubinterface(name); !strings.HasPrefix(name, "Loopback") && !sub {
		return ios.Errorf("%% Removal of physical interfaces is not permitted")
	}
	if c.r.Interface(name) == nil {
		return invalidAtNumber(ctx, a)
	}
	if err := c.r.RemoveInterface(name); err != nil {
		return err
	}
	c.mu.Lock()
	onRemove := append([]func(string){}, c.onRemove...)
	delete(c.method, name)
	c.mu.Unlock()
	for _, f := range onRemove {
		f(name)
	}
	return nil
}

func (c *CLI) cmdIPAddress(ctx *ios.Context, a ios.Args, i *Interface) error {
	if vlan, _ := i.Encapsulation(); i.IsSubinterface() && vlan == 0 {
		return ios.Errorf("%% Configuring IP routing on a LAN subinterface is only allowed if that\n" +
			"subinterface is already configured as part of an IEEE 802.10, IEEE 802.1Q,\nor ISL vLAN.")
	}
	addr, mask := a.Addr("addr"), a.Addr("mask")
	bits, ok := maskLen(mask)
	if !ok {
		m := mask.As4()
		return ios.Errorf("Bad mask 0x%02X%02X%02X%02X for address %s", m[0], m[1], m[2], m[3], addr)
	}
	if bits == 0 || !validHostAddress(addr) {
		return ios.Errorf("Not a valid host address - %s", addr)
	}
	p := netip.PrefixFrom(addr, bits)
	if bits <= 30 && (addr == p.Masked().Addr() || addr == broadcast(p)) {
		return ios.Errorf("Bad mask /%d for address %s", bits, addr)
	}
	secondary := a.Has("secondary")
	for _, other := range c.r.Interfaces() {
		for k, op := range other.Addresses() {
			// The primary being replaced, and a secondary given again.
			if other == i && (k == 0 && !secondary && op == i.Address() || secondary && op == p) {
				continue
			}
			if op.Overlaps(p) {
				return ios.Errorf("%% %s overlaps with %s\n%s: incorrect IP address assignment",
					p.Masked().Addr(), other.Name(), i.Name())
			}
		}
	}
	if secondary {
		if err := i.AddSecondary(p); err != nil {
			// Wording not confirmed.
			return ios.Errorf("%% Too many secondary addresses on %s", i.Name())
		}
		return nil
	}
	c.endDHCP(i) // a static address replaces the lease
	i.SetAddress(p)
	c.mu.Lock()
	c.method[i.Name()] = "manual"
	if c.loading {
		c.method[i.Name()] = "NVRAM"
	}
	c.mu.Unlock()
	return nil
}

func (c *CLI) cmdNoIPAddress(ctx *ios.Context, a ios.Args, i *Interface) error {
	if a.Has("addr") {
		bits, ok := maskLen(a.Addr("mask"))
		p := netip.PrefixFrom(a.Addr("addr"), bits)
		switch {
		case !ok:
			return ios.Errorf("Invalid address")
		case a.Has("secondary"):
			if !i.RemoveSecondary(p) {
				return ios.Errorf("Invalid address")
			}
			return nil
		case p != i.Address():
			return ios.Errorf("Invalid address")
		case len(i.SecondaryAddresses()) > 0:
			return ios.Errorf("Must delete secondary before deleting primary")
		}
	} else {
		// The bare form removes every address, as on IOS, and ends
		// `ip address dhcp`.
		c.endDHCP(i)
		i.ClearSecondaries()
	}
	i.SetAddress(netip.Prefix{})
	c.mu.Lock()
	delete(c.method, i.Name())
	c.mu.Unlock()
	return nil
}

func (c *CLI) cmdShutdown(ctx *ios.Context, a ios.Args, i *Interface) error {
	c.setShutdown(i, !a.No())
	return nil
}

// setShutdown changes the admin state and logs what IOS logs for the change.
func (c *CLI) setShutdown(i *Interface, shut bool) {
	if shut == i.Shutdown() {
		return
	}
	wasUp := c.lineUp(i)
	c.inHandler.Store(true)
	i.SetShutdown(shut)
	c.inHandler.Store(false)
	name := i.Name()
	switch {
	case shut:
		c.e.Log(fmt.Sprintf("%%LINK-5-CHANGED: Interface %s, changed state to administratively down", name))
		if wasUp {
			c.e.Log(fmt.Sprintf("%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to down", name))
		}
	case c.lineUp(i):
		if isLoopback(name) {
			c.e.Log(fmt.Sprintf("%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to up", name))
		} else {
			c.logLink(name, true)
		}
	default:
		c.e.Log(fmt.Sprintf("%%LINK-3-UPDOWN: Interface %s, changed state to down", name))
	}
}

func (c *CLI) cmdDescription(ctx *ios.Context, a ios.Args, i *Interface) error {
	if a.No() || !a.Has("text") {
		i.SetDescription("")
		return nil
	}
	text := a.Str("text")
	if len(text) > 240 {
		text = text[:240]
	}
	i.SetDescription(text)
	return nil
}

func isLoopback(name string) bool { return strings.HasPrefix(name, "Loopback") }

// lineUp is the interface's line protocol state as show commands print it: a loopback is up unless shut.
func (c *CLI) lineUp(i *Interface) bool {
	if isLoopback(i.Name()) {
		return !i.Shutdown()
	}
	return i.LineUp()
}

// linkStatus returns the Status and Protocol columns of show ip interface brief.
func (c *CLI) linkStatus(i *Interface) (status, protocol string) {
	switch {
	case i.Shutdown():
		return "administratively down", "down"
	case c.lineUp(i):
		return "up", "up"
	default:
		return "down", "down"
	}
}

func validHostAddress(a netip.Addr) bool {
	return a.Is4() && !a.IsUnspecified() && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255}) &&
		a.As4()[0] < 240
}

func broadcast(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= ^uint32(0) >> p.Bits()
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
