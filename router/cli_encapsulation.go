package router

import (
	"errors"
	"fmt"
	"net/netip"

	"natlab/ios"
)

// encapsulation dot1Q on subinterfaces: router-on-a-stick.

func (c *CLI) installEncapsulationCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.ConfigIf, Syntax: "encapsulation dot1q (1-4094)$vlan [native]",
			Help: []string{"Set encapsulation type for an interface", "IEEE 802.1Q Virtual LAN",
				"IEEE 802.1Q VLAN ID required", "Make this as native vlan"},
			Run: c.onInterface(c.cmdEncapsulation)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no encapsulation dot1q [(1-4094)$vlan] [native]",
			Help: []string{ios.HelpNo, "Set encapsulation type for an interface", "IEEE 802.1Q Virtual LAN",
				"IEEE 802.1Q VLAN ID required", "Make this as native vlan"},
			Run: c.onInterface(c.cmdEncapsulation)},
	)
}

func (c *CLI) cmdEncapsulation(ctx *ios.Context, a ios.Args, i *Interface) error {
	if !i.IsSubinterface() {
		// The emulated chassis interfaces are routed ports: VLANs live on
		// subinterfaces only.
		return ios.Errorf("%% Encapsulation dot1Q is supported on subinterfaces only (interface %s.N)", i.Name())
	}
	vlan, native := uint16(a.Int("vlan")), a.Has("native")
	if a.No() {
		if cur, _ := i.Encapsulation(); a.Has("vlan") && vlan != cur {
			return nil
		}
		vlan, native = 0, false
		// IOS removes the subinterface's IP address with its VLAN.
		i.SetAddress(netip.Prefix{})
	}
	other, err := c.r.SetEncapsulation(i, vlan, native)
	switch {
	case errors.Is(err, ErrVLANInUse):
		return ios.Errorf("%%Configuration of multiple subinterfaces of the same main\n"+
			"interface with the same VID (%d) is not permitted.\n"+
			"This VID is already configured on %s.", vlan, other.Name())
	case err != nil:
		return ios.Errorf("%% %s: %v", i.Name(), err)
	}
	return nil
}

func (c *CLI) encapsulationLines(name string) []string {
	i := c.r.Interface(name)
	if i == nil || !i.IsSubinterface() {
		return nil
	}
	vlan, native := i.Encapsulation()
	switch {
	case vlan == 0:
		return nil
	case native:
		return []string{fmt.Sprintf("encapsulation dot1Q %d native", vlan)}
	}
	return []string{fmt.Sprintf("encapsulation dot1Q %d", vlan)}
}
