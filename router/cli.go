package router

import (
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/ios"
)

// CLI is the router's command set on an ios engine: interfaces, addresses, static routes and the show,
// ping and traceroute commands of the chassis. Feature packages add lines to interface blocks through
// AddInterfaceConfig.
type CLI struct {
	e     *ios.Engine
	r     *Router
	boot  time.Time
	clock func() time.Time

	mu        sync.Mutex
	method    map[string]string // show ip interface brief "Method": NVRAM or manual
	loading   bool
	loaded    map[string]bool // interfaces entered while loading the startup-config
	providers []ifaceLines
	onRemove  []func(ifname string)
	inHandler atomic.Bool // link changes made by a handler are logged by the handler
	cleared   map[string]time.Time
	hosts     map[string]hostEntry // ip host, by lower-case name
	dhcp      dhcpClient           // ip address dhcp (dhcp_address.go)
}

type ifaceLines struct {
	order int
	lines func(ifname string) []string
}

// Interface-block line order, as IOS 15 renders an interface. Features pass these to
// AddInterfaceConfig so their lines land where IOS puts them.
const (
	IfOrderDescription   = 10
	IfOrderEncapsulation = 15
	IfOrderAddress       = 20
	IfOrderAccessGroup   = 30
	IfOrderNoIP          = 40 // no ip redirects / no ip unreachables / no ip proxy-arp
	IfOrderInspect       = 45
	IfOrderNAT           = 50
	IfOrderReassembly    = 55
	IfOrderShutdown      = 60
	IfOrderMedia         = 70
	defaultPingSize      = 100
	defaultPingCount     = 5
	defaultPingTimeout   = 2
	pingMarksPerLine     = 70
	traceProbesPerHop    = 3
	traceMaxTTL          = 30
	traceProbeTimeout    = 3 * time.Second
	interfaceHardwareID  = "iGbE"
)

// RegisterCLI installs the router's commands and running-config sections on e.
func RegisterCLI(e *ios.Engine, r *Router, clock func() time.Time) *CLI {
	if clock == nil {
		clock = time.Now
	}
	c := &CLI{e: e, r: r, boot: clock(), clock: clock,
		method: map[string]string{}, cleared: map[string]time.Time{}, hosts: map[string]hostEntry{}}
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z",
		Slotted: true, Subinterfaces: true, NumHelp: "GigabitEthernet interface number"})
	e.AddInterfaceType(ios.InterfaceType{Name: "Loopback", Help: "Loopback interface",
		NumHelp: "Loopback interface number"})
	c.installInterfaceCommands()
	c.installEncapsulationCommands()
	c.installRangeCommand()
	c.installSettingCommands()
	// ip redirects renders before ip proxy-arp, both at IfOrderNoIP.
	c.AddInterfaceConfig(IfOrderNoIP, c.redirectLines)
	c.installARPCommands()
	c.installHostCommands()
	c.installRouteCommands()
	c.installShowCommands()
	c.installProbeCommands()
	c.installVerifyCommands()
	c.installShowIPInterface()
	c.installProtocolShows()
	c.installDefaultInterface()
	c.installShowFilters()
	c.installShowIPv6()
	e.AddConfigSection(ios.OrderInterfaces, c.renderInterfaces)
	e.AddConfigSection(ios.OrderRoutes, c.renderRoutes)
	r.OnLinkChange(c.portLinkChanged)
	c.AddInterfaceConfig(IfOrderDescription, c.descriptionLines)
	c.AddInterfaceConfig(IfOrderMAC, c.macLines)
	c.AddInterfaceConfig(IfOrderBandwidth, c.bandwidthLines)
	c.AddInterfaceConfig(IfOrderIPMTU, c.ipMTULines)
	c.AddInterfaceConfig(IfOrderEncapsulation, c.encapsulationLines)
	c.AddInterfaceConfig(IfOrderAddress, c.addressLines)
	c.AddInterfaceConfig(IfOrderShutdown, c.shutdownLines)
	c.AddInterfaceConfig(IfOrderMedia, c.mediaLines)
	return c
}

// Router returns the router this CLI configures.
func (c *CLI) Router() *Router { return c.r }

// AddInterfaceConfig adds a feature's lines to every interface block of the running-config, at the
// position order gives (the IfOrder constants). lines returns them without the leading space.
func (c *CLI) AddInterfaceConfig(order int, lines func(ifname string) []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := len(c.providers)
	for i > 0 && c.providers[i-1].order > order {
		i--
	}
	c.providers = append(c.providers, ifaceLines{})
	copy(c.providers[i+1:], c.providers[i:])
	c.providers[i] = ifaceLines{order: order, lines: lines}
}

// OnInterfaceRemoved registers f to forget a feature's settings for an interface that `no interface`
// deleted, so a loopback created again starts clean.
func (c *CLI) OnInterfaceRemoved(f func(ifname string)) {
	c.mu.Lock()
	c.onRemove = append(c.onRemove, f)
	c.mu.Unlock()
}

// SetLoading marks that the startup-config is being applied. Addresses then show Method "NVRAM", and an
// interface block without a `shutdown` line brings the interface up, as at IOS boot: the running-config
// renders `no shutdown` as nothing, so a saved config must mean "up" where it says nothing. While loading,
// the routing table is compiled once, when SetLoading(false) ends the load (Router.BeginUpdate), not once
// per line.
func (c *CLI) SetLoading(loading bool) {
	c.mu.Lock()
	was := c.loading
	c.loading = loading
	c.loaded = map[string]bool{}
	c.mu.Unlock()
	switch {
	case loading && !was:
		c.r.BeginUpdate()
	case !loading && was:
		c.r.EndUpdate()
	}
}

// bootDefaults applies the boot-time default (no shutdown) the first time a startup-config enters an
// interface.
func (c *CLI) bootDefaults(i *Interface) {
	c.mu.Lock()
	first := c.loading && !c.loaded[i.Name()]
	if first {
		c.loaded[i.Name()] = true
	}
	c.mu.Unlock()
	if first && i.Shutdown() {
		c.setShutdown(i, false)
	}
}

// portLinkChanged logs a carrier change that came from a port (not from a shutdown command).
func (c *CLI) portLinkChanged(i *Interface, up bool) {
	if c.inHandler.Load() || i.Shutdown() {
		return
	}
	c.logLink(i.Name(), up)
}

func (c *CLI) logLink(name string, up bool) {
	state := "down"
	if up {
		state = "up"
	}
	c.e.Log(fmt.Sprintf("%%LINK-3-UPDOWN: Interface %s, changed state to %s", name, state))
	c.e.Log(fmt.Sprintf("%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, changed state to %s", name, state))
}

// ifname is the interface a config-if session is on.
func ifname(ctx *ios.Context) string {
	s, _ := ctx.ModeData().(string)
	return s
}

// mask converts a dotted mask to a prefix length; ok=false when it is not contiguous.
func maskLen(m netip.Addr) (int, bool) {
	if !m.Is4() {
		return 0, false
	}
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := 0
	for n < 32 && v&(1<<(31-n)) != 0 {
		n++
	}
	if n < 32 && v<<n != 0 {
		return 0, false
	}
	return n, true
}

// dottedMask renders a prefix length as a dotted mask.
func dottedMask(bits int) string {
	v := ^uint32(0)
	if bits < 32 {
		v = ^(^uint32(0) >> bits)
	}
	if bits == 0 {
		v = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff, v&0xff)
}
