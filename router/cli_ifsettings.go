package router

import (
	"fmt"
	"strconv"
	"strings"

	"natlab/ios"
)

// Interface settings kept and shown: bandwidth, delay, ip mtu, ip
// redirects, mac-address, duplex, speed, media-type (ifsettings.go).

// Running-config places of the settings (README: the order of bandwidth,
// delay and ip mtu against the other lines is not confirmed).
const (
	IfOrderMAC       = 12 // after description, before ip address
	IfOrderBandwidth = 13
	IfOrderIPMTU     = 42 // after the no ip lines, before ip inspect and ip nat
)

func (c *CLI) installSettingCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.ConfigIf, Syntax: "bandwidth (1-10000000)$kbps",
			Help: []string{"Set bandwidth informational parameter", "Bandwidth in kilobits"},
			Run:  c.onInterface(c.cmdBandwidth)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no bandwidth [(1-10000000)$kbps]",
			Help: []string{ios.HelpNo, "Set bandwidth informational parameter", "Bandwidth in kilobits"},
			Run:  c.onInterface(c.cmdBandwidth)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "delay (1-16777215)$tens",
			Help: []string{"Specify interface throughput delay", "Throughput delay (tens of microseconds)"},
			Run:  c.onInterface(c.cmdDelay)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no delay [(1-16777215)$tens]",
			Help: []string{ios.HelpNo, "Specify interface throughput delay", "Throughput delay (tens of microseconds)"},
			Run:  c.onInterface(c.cmdDelay)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "ip mtu (68-1500)$mtu",
			Help: []string{ios.HelpIfIP, "Set IP Maximum Transmission Unit", "MTU (bytes)"},
			Run:  c.onInterface(c.cmdIPMTU)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no ip mtu [(68-1500)$mtu]",
			Help: []string{ios.HelpNo, ios.HelpIfIP, "Set IP Maximum Transmission Unit", "MTU (bytes)"},
			Run:  c.onInterface(c.cmdIPMTU)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] ip redirects",
			Help: []string{ios.HelpIfIP, "Enable sending ICMP Redirect messages"},
			Run: c.onInterface(func(_ *ios.Context, a ios.Args, i *Interface) error {
				i.SetRedirects(!a.No())
				return nil
			})},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "mac-address WORD$mac",
			Help: []string{"Manually set interface MAC address", "MAC address"},
			Run:  c.onInterface(c.cmdMACAddress)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no mac-address [WORD$mac]",
			Help: []string{ios.HelpNo, "Manually set interface MAC address", "MAC address"},
			Run:  c.onInterface(c.cmdMACAddress)},
		// A TUN or veth has no duplex or speed to set: the values are kept,
		// rendered and shown, and change nothing.
		&ios.Command{Mode: ios.ConfigIf, Syntax: "duplex <auto|full|half>$mode",
			Help: []string{"Configure duplex operation.", "Enable AUTO duplex configuration",
				"Force full duplex operation", "Force half-duplex operation"}, Run: c.onInterface(c.cmdDuplex)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no duplex [auto|full|half]",
			Help: []string{ios.HelpNo, "Configure duplex operation.", "Enable AUTO duplex configuration",
				"Force full duplex operation", "Force half-duplex operation"}, Run: c.onInterface(c.cmdDuplex)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "speed <10|100|1000|auto>$mode",
			Help: []string{"Configure speed operation.", "Force 10 Mbps operation", "Force 100 Mbps operation",
				"Force 1000 Mbps operation", "Enable AUTO speed configuration"}, Run: c.onInterface(c.cmdSpeed)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no speed [10|100|1000|auto]",
			Help: []string{ios.HelpNo, "Configure speed operation.", "Force 10 Mbps operation", "Force 100 Mbps operation",
				"Force 1000 Mbps operation", "Enable AUTO speed configuration"}, Run: c.onInterface(c.cmdSpeed)},
		// IOSv's only media type: accepted in both forms, always rendered.
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] media-type [rj45]",
			Help: []string{"Media type", "Copper RJ45"}, Run: c.onInterface(c.cmdMediaType)},
	)
}

// ethernetOnly refuses a command a loopback or a subinterface does not
// have, as IOS does: the caret under the command's first word.
func ethernetOnly(ctx *ios.Context, i *Interface) error {
	if !i.IsLoopback() && !i.IsSubinterface() {
		return nil
	}
	line := ctx.Line()
	return ctx.InvalidAt(len(line) - len(strings.TrimLeft(line, " ")))
}

func (c *CLI) cmdBandwidth(_ *ios.Context, a ios.Args, i *Interface) error {
	if a.No() {
		i.SetBandwidth(0)
		return nil
	}
	i.SetBandwidth(a.Int("kbps"))
	return nil
}

func (c *CLI) cmdDelay(_ *ios.Context, a ios.Args, i *Interface) error {
	if a.No() {
		i.SetDelay(0)
		return nil
	}
	i.SetDelay(a.Int("tens"))
	return nil
}

func (c *CLI) cmdIPMTU(_ *ios.Context, a ios.Args, i *Interface) error {
	if a.No() {
		i.SetMTU(0)
		return nil
	}
	n := a.Int("mtu")
	if hw := i.HardwareMTU(); n > hw {
		// Wording not confirmed: IOS's range stops at the interface MTU.
		return ios.Errorf("%% Invalid MTU specified (max %d)", hw)
	}
	i.SetMTU(n)
	return nil
}

func (c *CLI) cmdMACAddress(ctx *ios.Context, a ios.Args, i *Interface) error {
	if err := ethernetOnly(ctx, i); err != nil {
		return err
	}
	if a.No() {
		i.SetMACAddress([6]byte{}, false)
		return nil
	}
	m, ok := ParseMAC(a.Str("mac"))
	if !ok {
		off := max(a.Offset("mac"), 0)
		return ctx.InvalidAt(off)
	}
	if m[0]&1 != 0 {
		// Wording not confirmed.
		return ios.Errorf("%% Multicast Mac address is not allowed")
	}
	i.SetMACAddress(m, true)
	return nil
}

func (c *CLI) cmdDuplex(ctx *ios.Context, a ios.Args, i *Interface) error {
	if err := ethernetOnly(ctx, i); err != nil {
		return err
	}
	mode := "auto"
	if !a.No() {
		mode = a.Str("mode")
	}
	i.SetDuplex(mode)
	return nil
}

func (c *CLI) cmdSpeed(ctx *ios.Context, a ios.Args, i *Interface) error {
	if err := ethernetOnly(ctx, i); err != nil {
		return err
	}
	mode := "auto"
	if !a.No() {
		mode = a.Str("mode")
	}
	i.SetSpeed(mode)
	return nil
}

func (c *CLI) cmdMediaType(ctx *ios.Context, _ ios.Args, i *Interface) error {
	return ethernetOnly(ctx, i)
}

// ParseMAC parses IOS's dotted MAC form H.H.H: three groups of one to
// four hex digits, each a 16-bit word (0.0.1 is 0000.0000.0001).
func ParseMAC(s string) ([6]byte, bool) {
	var m [6]byte
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return m, false
	}
	for k, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return m, false
		}
		v, err := strconv.ParseUint(p, 16, 16)
		if err != nil {
			return m, false
		}
		m[2*k], m[2*k+1] = byte(v>>8), byte(v)
	}
	return m, true
}

func dottedMAC(m [6]byte) string {
	return fmt.Sprintf("%02x%02x.%02x%02x.%02x%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

func (c *CLI) macLines(name string) []string {
	if m, ok := c.r.Interface(name).MACConfigured(); ok {
		return []string{"mac-address " + dottedMAC(m)}
	}
	return nil
}

func (c *CLI) bandwidthLines(name string) []string {
	i := c.r.Interface(name)
	var out []string
	if i.BandwidthConfigured() {
		out = append(out, "bandwidth "+strconv.Itoa(i.Bandwidth()))
	}
	if i.DelayConfigured() {
		out = append(out, "delay "+strconv.Itoa(i.Delay()))
	}
	return out
}

func (c *CLI) redirectLines(name string) []string {
	if !c.r.Interface(name).Redirects() {
		return []string{"no ip redirects"}
	}
	return nil
}

func (c *CLI) ipMTULines(name string) []string {
	if n := c.r.Interface(name).ConfiguredMTU(); n > 0 {
		return []string{"ip mtu " + strconv.Itoa(n)}
	}
	return nil
}

func (c *CLI) mediaLines(name string) []string {
	i := c.r.Interface(name)
	if i.IsLoopback() || i.IsSubinterface() {
		return nil
	}
	return []string{"duplex " + i.Duplex(), "speed " + i.Speed(), "media-type rj45"}
}
