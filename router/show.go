package router

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"natlab/ios"
	"natlab/packet"
)

func (c *CLI) installShowCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show version",
			Help: []string{ios.HelpShow, "System hardware and software status"}, Run: c.showVersion},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip interface brief",
			Help: []string{ios.HelpShow, ios.HelpShowIP, "IP interface status and configuration",
				"Brief summary of IP status and configuration"}, Run: c.showIPInterfaceBrief},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show interfaces [IFNAME$if]",
			Help: []string{ios.HelpShow, ios.HelpShowInterfaces, "Interface name"}, Run: c.showInterfaces},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip route",
			Help: []string{ios.HelpShow, ios.HelpShowIP, "IP routing table"}, Run: c.showIPRoute},
		&ios.Command{Mode: ios.Exec, Syntax: "clear counters [IFNAME$if]",
			Help: []string{ios.HelpClear, "Clear counters on one or all interfaces", "Interface name"}, Run: c.clearCounters},
	)
}

func (c *CLI) showVersion(ctx *ios.Context, _ ios.Args) error {
	gig := 0
	for _, i := range c.r.Interfaces() {
		if !isLoopback(i.Name()) {
			gig++
		}
	}
	ctx.Printf(`Cisco IOS Software, IOSv Software (VIOS-ADVENTERPRISEK9-M), Version 15.9(3)M4, RELEASE SOFTWARE (fc3)
Technical Support: http://www.cisco.com/techsupport
Copyright (c) 1986-2021 by Cisco Systems, Inc.
Compiled Thu 28-Oct-21 09:36 by prod_rel_team


ROM: Bootstrap program is IOSv

%s uptime is %s
System returned to ROM by reload
System image file is "flash0:/vios-adventerprisek9-m"
Last reload reason: Unknown reason



This product is a userspace router emulating Cisco IOS behaviour on Linux TUN
interfaces. It contains no Cisco software.

Cisco IOSv (revision 1.0) with  with 460137K/62464K bytes of memory.
Processor board ID 9NATLAB0001
%d Gigabit Ethernet interfaces
DRAM configuration is 72 bits wide with parity disabled.
256K bytes of non-volatile configuration memory.
2097152K bytes of ATA System CompactFlash 0 (Read/Write)
0K bytes of ATA CompactFlash 1 (Read/Write)
0K bytes of ATA CompactFlash 2 (Read/Write)
10080K bytes of ATA CompactFlash 3 (Read/Write)



Configuration register is 0x0

`, c.e.Hostname(), uptime(c.clock().Sub(c.boot)), gig)
	return nil
}

// uptime renders a duration as IOS does: "1 day, 16 hours, 42 minutes"; zero units are omitted.
func uptime(d time.Duration) string {
	mins := int(d / time.Minute)
	units := []struct {
		n    int
		name string
	}{{mins / (60 * 24 * 365), "year"}, {mins / (60 * 24 * 7) % 52, "week"}, {mins / (60 * 24) % 7, "day"},
		{mins / 60 % 24, "hour"}, {mins % 60, "minute"}}
	var parts []string
	for _, u := range units {
		if u.n == 0 {
			continue
		}
		s := fmt.Sprintf("%d %s", u.n, u.name)
		if u.n != 1 {
			s += "s"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "0 minutes"
	}
	return strings.Join(parts, ", ")
}

// briefRow is one line of show ip interface brief, as printed.
type briefRow struct{ name, addr, ok, method, status, proto string }

// briefRows gathers show ip interface brief once, for its text and its JSON.
func (c *CLI) briefRows() []briefRow {
	var rows []briefRow
	for _, i := range c.r.Interfaces() {
		addr, method := "unassigned", "unset"
		if c.dhcpOn(i.Name()) {
			method = "DHCP" // before a lease too
		}
		if p := i.Address(); p.IsValid() {
			addr = p.Addr().String()
			c.mu.Lock()
			method = c.method[i.Name()]
			c.mu.Unlock()
			if method == "" {
				method = "manual"
			}
		}
		status, proto := c.linkStatus(i)
		rows = append(rows, briefRow{i.Name(), addr, "YES", method, status, proto})
	}
	return rows
}

func (c *CLI) showIPInterfaceBrief(ctx *ios.Context, _ ios.Args) error {
	rows := c.briefRows()
	if ctx.WantsJSON() {
		ctx.SetJSON(briefJSON(rows))
		return nil
	}
	ctx.Printf("%-27s%-16s%-4s%-7s%-22s%s\n", "Interface", "IP-Address", "OK?", "Method", "Status", "Protocol")
	for _, r := range rows {
		ctx.Printf("%-27s%-16s%-4s%-7s%-22s%-8s\n", r.name, r.addr, r.ok, r.method, r.status, r.proto)
	}
	return nil
}

// interfacesArg is the interface an optional IFNAME$if names, or every
// interface when there is none.
func (c *CLI) interfacesArg(ctx *ios.Context, a ios.Args) ([]*Interface, error) {
	if !a.Has("if") {
		return c.r.Interfaces(), nil
	}
	i := c.r.Interface(a.Str("if"))
	if i == nil {
		return nil, invalidAtNumber(ctx, a)
	}
	return []*Interface{i}, nil
}

func (c *CLI) showInterfaces(ctx *ios.Context, a ios.Args) error {
	list, err := c.interfacesArg(ctx, a)
	if err != nil {
		return err
	}
	details := make([]ifDetail, 0, len(list))
	for _, i := range list {
		details = append(details, c.interfaceDetail(i))
	}
	if ctx.WantsJSON() {
		ctx.SetJSON(interfacesJSON(details))
		return nil
	}
	for i := range details {
		showInterface(ctx, &details[i])
	}
	return nil
}

// ifDetail is what show interfaces says of one interface, read once for
// its text and its JSON.
type ifDetail struct {
	name, status, proto    string
	loopback, sub          bool
	mac, bia, desc         string
	addr                   netip.Prefix
	mtu, delayUsec         int
	bw                     uint64
	txload, rxload         uint64
	vlan                   uint16
	arpTimeout             string
	duplex, speed          string
	lastIn, lastOut        string
	clearing               string
	k                      Counters
	inBps, inPps           uint64
	outBps, outPps         uint64
	broadcasts, multicasts uint64
}

func (c *CLI) interfaceDetail(i *Interface) ifDetail {
	d := ifDetail{name: i.Name(), loopback: isLoopback(i.Name()), sub: i.IsSubinterface(), desc: i.Description(), addr: i.Address()}
	d.status, d.proto = c.linkStatus(i)
	if !d.loopback {
		d.mac, d.bia = HardwareAddress(i), dottedMAC(i.BIA())
	}
	d.k = i.Counters()
	now := c.clock()
	window := c.counterWindow(i)
	d.inBps, d.inPps = rate(d.k.InBytes, d.k.InPackets, window)
	d.outBps, d.outPps = rate(d.k.OutBytes, d.k.OutPackets, window)
	d.bw = uint64(i.Bandwidth())
	d.mtu, d.delayUsec = i.HardwareMTU(), i.Delay()*10
	d.txload, d.rxload = load(d.outBps, d.bw), load(d.inBps, d.bw)
	d.vlan, _ = i.Encapsulation()
	d.arpTimeout = arpTimeoutText(i.ARPTimeout())
	d.duplex, d.speed = i.Duplex(), i.Speed()
	d.lastIn, d.lastOut = since(now, d.k.LastInput), since(now, d.k.LastOutput)
	d.clearing = "never"
	c.mu.Lock()
	cleared, ok := c.cleared[i.Name()]
	c.mu.Unlock()
	if ok {
		d.clearing = hms(now.Sub(cleared))
	}
	d.broadcasts, d.multicasts = d.k.InBroadcasts, d.k.InMulticasts
	if lc, ok := i.Port().(linkCounter); ok {
		// On Ethernet IOS counts frames: ARP broadcasts too.
		d.broadcasts, d.multicasts = lc.LinkBroadcasts()
	}
	return d
}

func showInterface(ctx *ios.Context, d *ifDetail) {
	ctx.Printf("%s is %s, line protocol is %s \n", d.name, d.status, d.proto)
	if d.loopback {
		ctx.Printf("  Hardware is Loopback\n")
	} else {
		ctx.Printf("  Hardware is %s, address is %s (bia %s)\n", interfaceHardwareID, d.mac, d.bia)
	}
	if d.desc != "" {
		ctx.Printf("  Description: %s\n", d.desc)
	}
	if d.addr.IsValid() {
		ctx.Printf("  Internet address is %s\n", d.addr)
	}
	k := &d.k
	ctx.Printf("  MTU %d bytes, BW %d Kbit/sec, DLY %d usec, \n", d.mtu, d.bw, d.delayUsec)
	ctx.Printf("     reliability 255/255, txload %d/255, rxload %d/255\n", d.txload, d.rxload)
	if d.sub {
		// IOS gives a subinterface the short block: its VLAN, ARP, and no
		// counters of its own.
		ctx.Printf("  Encapsulation 802.1Q Virtual LAN, Vlan ID  %d.\n", d.vlan)
		ctx.Printf("  ARP type: ARPA, ARP Timeout %s\n", d.arpTimeout)
		ctx.Printf("  Keepalive set (10 sec)\n")
		ctx.Printf("  Last clearing of \"show interface\" counters never\n")
		return
	}
	if d.loopback {
		ctx.Printf("  Encapsulation LOOPBACK, loopback not set\n  Keepalive set (10 sec)\n")
	} else {
		ctx.Printf("  Encapsulation ARPA, loopback not set\n  Keepalive set (10 sec)\n")
		ctx.Printf("  %s\n", duplexLine(d.duplex, d.speed))
		ctx.Printf("  output flow-control is unsupported, input flow-control is unsupported\n")
		ctx.Printf("  ARP type: ARPA, ARP Timeout %s\n", d.arpTimeout)
	}
	ctx.Printf("  Last input %s, output %s, output hang never\n", d.lastIn, d.lastOut)
	ctx.Printf("  Last clearing of \"show interface\" counters %s\n", d.clearing)
	ctx.Printf("  Input queue: 0/75/%d/0 (size/max/drops/flushes); Total output drops: %d\n", k.InDrops, k.OutDrops)
	ctx.Printf("  Queueing strategy: fifo\n  Output queue: 0/40 (size/max)\n")
	ctx.Printf("  5 minute input rate %d bits/sec, %d packets/sec\n", d.inBps, d.inPps)
	ctx.Printf("  5 minute output rate %d bits/sec, %d packets/sec\n", d.outBps, d.outPps)
	ctx.Printf("     %d packets input, %d bytes, 0 no buffer\n", k.InPackets, k.InBytes)
	ctx.Printf("     Received %d broadcasts (%d IP multicasts)\n", d.broadcasts, d.multicasts)
	ctx.Printf("     0 runts, 0 giants, 0 throttles \n")
	ctx.Printf("     %d input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored\n", k.InErrors)
	ctx.Printf("     0 watchdog, %d multicast, 0 pause input\n", d.multicasts)
	ctx.Printf("     %d packets output, %d bytes, 0 underruns\n", k.OutPackets, k.OutBytes)
	ctx.Printf("     %d output errors, 0 collisions, 0 interface resets\n", k.OutErrors)
	ctx.Printf("     %d unknown protocol drops\n", k.InUnknownProto)
	if !d.loopback {
		ctx.Printf("     0 babbles, 0 late collision, 0 deferred\n")
		ctx.Printf("     0 lost carrier, 0 no carrier, 0 pause output\n")
	}
	ctx.Printf("     0 output buffer failures, 0 output buffers swapped out\n")
}

// counterWindow is how long the interface's counters have counted: since
// boot, or since the last clear counters.
func (c *CLI) counterWindow(i *Interface) time.Duration {
	c.mu.Lock()
	cleared, ok := c.cleared[i.Name()]
	c.mu.Unlock()
	if ok {
		return c.clock().Sub(cleared)
	}
	return c.clock().Sub(c.boot)
}

// linkCounter is an Ethernet port that counts the broadcast and multicast
// frames it received.
type linkCounter interface {
	LinkBroadcasts() (broadcasts, multicasts uint64)
}

// HardwareAddress is the interface's MAC address in IOS's dotted form
// (aabb.cc00.0100).
func HardwareAddress(i *Interface) string { return dottedMAC(i.MAC()) }

// duplexLine is show interfaces' duplex and speed line. IOSv prints the
// auto form; the forced forms follow ISR G2 GigabitEthernet output (not
// confirmed on IOSv).
func duplexLine(duplex, speed string) string {
	d := map[string]string{"auto": "Auto Duplex", "full": "Full Duplex", "half": "Half Duplex"}[duplex]
	sp := map[string]string{"auto": "Auto Speed", "10": "10Mbps", "100": "100Mbps", "1000": "1Gbps"}[speed]
	link := "auto"
	if duplex != "auto" || speed != "auto" {
		link = "force-up"
	}
	return d + ", " + sp + ", link type is " + link + ", media type is RJ45"
}

// rate is the average since boot or the last clear (not IOS's decaying five-minute average), with
// bits/sec rounded to the nearest 1000 as IOS prints them.
func rate(bytes, packets uint64, window time.Duration) (bps, pps uint64) {
	secs := uint64(window / time.Second)
	if secs == 0 {
		return 0, 0
	}
	bps = bytes * 8 / secs
	return (bps + 500) / 1000 * 1000, packets / secs
}

// Bandwidths show interfaces gives, in Kbit/sec: IOSv's GigabitEthernet and
// Loopback figures. The loads are computed against them.
const (
	gigabitKbps  = 1000000
	loopbackKbps = 8000000
)

// load is IOS's txload/rxload: the rate as a fraction of the bandwidth in
// 255ths, at least 1.
func load(bps, kbps uint64) uint64 {
	return min(max(bps*255/(kbps*1000), 1), 255)
}

func since(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return hms(now.Sub(t))
}

func hms(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

func (c *CLI) clearCounters(ctx *ios.Context, a ios.Args) error {
	list, err := c.interfacesArg(ctx, a)
	if err != nil {
		return err
	}
	// IOS asks "Clear "show interface" counters on all interfaces [confirm]"; scripts answer with Enter,
	// so the confirmation is printed and taken as given.
	ctx.Printf("Clear \"show interface\" counters on all interfaces [confirm]\n")
	now := c.clock()
	for _, i := range list {
		i.ClearCounters()
		c.mu.Lock()
		c.cleared[i.Name()] = now
		c.mu.Unlock()
	}
	return nil
}

const routeLegend = `Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area 
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       a - application route
       + - replicated route, % - next hop override, p - overrides from PfR

`

func (c *CLI) showIPRoute(ctx *ios.Context, _ ios.Args) error {
	routes := c.r.Routes()
	if ctx.WantsJSON() {
		ctx.SetJSON(routesJSON(routes))
		return nil
	}
	ctx.Printf("%s", routeLegend)
	ctx.Printf("%s\n\n", gatewayOfLastResort(routes))
	printRoutes(ctx, routes)
	return nil
}

// printRoutes prints routes grouped under their classful networks, as IOS
// does.
func printRoutes(ctx *ios.Context, routes []RouteEntry) {
	if len(routes) == 0 {
		return
	}
	for _, g := range groupClassful(routes) {
		nested := len(g.routes) > 1 || g.routes[0].Prefix.Bits() != g.net.Bits()
		oneMask := nested && g.oneMask()
		if nested {
			ctx.Printf("      %s\n", g.header())
		}
		for _, r := range g.routes {
			code := string(r.Code)
			if r.Prefix.Bits() == 0 {
				code += "*"
			}
			if nested {
				ctx.Printf("%-9s%s\n", code, routeText(r, oneMask))
			} else {
				ctx.Printf("%-6s%s\n", code, routeText(r, false))
			}
		}
	}
}

func gatewayOfLastResort(routes []RouteEntry) string {
	gw, ok := defaultGateway(routes)
	if !ok {
		return "Gateway of last resort is not set"
	}
	return fmt.Sprintf("Gateway of last resort is %s to network 0.0.0.0", gw)
}

// defaultGateway is the default route's next hop (0.0.0.0 for one through
// an interface), and false when there is no default route.
func defaultGateway(routes []RouteEntry) (netip.Addr, bool) {
	for _, r := range routes {
		if r.Prefix.Bits() != 0 {
			continue
		}
		if r.NextHop.IsValid() {
			return r.NextHop, true
		}
		return netip.IPv4Unspecified(), true
	}
	return netip.Addr{}, false
}

// routeText is one route line after its code; under a parent whose subnets share one mask, IOS prints
// the network without its length.
func routeText(r RouteEntry, bare bool) string {
	dst := r.Prefix.String()
	if bare {
		dst = r.Prefix.Addr().String()
	}
	if r.Code == 'S' && r.NextHop.IsValid() {
		if r.Interface != "" {
			// A fully specified route names both, as IOS shows it.
			return fmt.Sprintf("%s [%d/%d] via %s, %s", dst, r.Distance, r.Metric, r.NextHop, r.Interface)
		}
		return fmt.Sprintf("%s [%d/%d] via %s", dst, r.Distance, r.Metric, r.NextHop)
	}
	return fmt.Sprintf("%s is directly connected, %s", dst, r.Interface)
}

// classfulGroup is the routes under one classful network, as IOS groups them in show ip route.
type classfulGroup struct {
	net    netip.Prefix
	routes []RouteEntry
}

func (g classfulGroup) oneMask() bool {
	for _, r := range g.routes {
		if r.Prefix.Bits() != g.routes[0].Prefix.Bits() {
			return false
		}
	}
	return true
}

func (g classfulGroup) header() string {
	masks := map[int]bool{}
	for _, r := range g.routes {
		masks[r.Prefix.Bits()] = true
	}
	// IOS writes "subnets" even for one.
	if len(masks) == 1 {
		return fmt.Sprintf("%s/%d is subnetted, %d subnets", g.net.Addr(), g.routes[0].Prefix.Bits(), len(g.routes))
	}
	return fmt.Sprintf("%s is variably subnetted, %d subnets, %d masks", g.net, len(g.routes), len(masks))
}

func classfulNet(a netip.Addr) netip.Prefix {
	return netip.PrefixFrom(a, packet.ClassfulBits(a)).Masked()
}

func groupClassful(routes []RouteEntry) []classfulGroup {
	sorted := append([]RouteEntry(nil), routes...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i].Prefix, sorted[j].Prefix
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c < 0
		}
		return a.Bits() < b.Bits()
	})
	var groups []classfulGroup
	for _, r := range sorted {
		net := classfulNet(r.Prefix.Addr())
		if r.Prefix.Bits() < net.Bits() {
			net = r.Prefix // supernets and the default route stand alone
		}
		if len(groups) > 0 && groups[len(groups)-1].net == net {
			groups[len(groups)-1].routes = append(groups[len(groups)-1].routes, r)
			continue
		}
		groups = append(groups, classfulGroup{net: net, routes: []RouteEntry{r}})
	}
	return groups
}
