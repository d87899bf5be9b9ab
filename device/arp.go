package device

import (
	"sync"

	"natlab/ether"
	"natlab/ios"
	"natlab/router"
	"natlab/system"
)

// The ARP commands of the Ethernet interfaces: show ip arp lists what their
// ports learned, clear arp-cache empties them, debug arp traces them.

func (d *Device) installARPCommands() {
	d.Engine.AddUndebug(func() { d.setARPDebug(false) })
	d.Engine.AddDebugReport(func() []string {
		if d.arpDebug.on() {
			return []string{"ARP:", "  ARP packet debugging is on"}
		}
		return nil
	})
	d.Engine.Install(
		&ios.Command{Mode: ios.Exec, Syntax: "clear arp-cache [interface IFNAME$if]",
			Help: []string{ios.HelpClear, "Clear the entire ARP cache", "Clear the entire ARP cache on the interface", "Interface name"},
			Run:  d.cmdClearARP},
		&ios.Command{Mode: ios.Exec, Syntax: "[no] debug arp",
			Help: []string{ios.HelpDebug, "IP ARP and HP Probe transactions"},
			Run:  func(ctx *ios.Context, a ios.Args) error { return d.debugARP(ctx, !a.No()) }},
		&ios.Command{Mode: ios.Exec, Syntax: "undebug arp",
			Help: []string{"Disable debugging functions (see also 'debug')", "IP ARP and HP Probe transactions"},
			Run:  func(ctx *ios.Context, a ios.Args) error { return d.debugARP(ctx, false) }},
	)
}

func (d *Device) cmdClearARP(ctx *ios.Context, a ios.Args) error {
	for _, i := range d.Router.Interfaces() {
		if a.Has("if") && i.Name() != a.Str("if") {
			continue
		}
		if ep, ok := i.Port().(*ether.Port); ok {
			ep.ClearNeighbors()
		}
	}
	return nil
}

func (d *Device) debugARP(ctx *ios.Context, on bool) error {
	d.setARPDebug(on)
	if on {
		ctx.Printf("ARP packet debugging is on\n")
	} else {
		ctx.Printf("ARP packet debugging is off\n")
	}
	return nil
}

// setARPDebug turns debug arp on or off on every Ethernet port.
func (d *Device) setARPDebug(on bool) {
	d.arpDebug.set(on, d.Engine)
	for _, i := range d.Router.Interfaces() {
		if ep, ok := i.Port().(*ether.Port); ok {
			d.arpDebug.apply(ep)
		}
	}
}

// arpDebug is whether debug arp is on, and where its lines go.
type arpDebug struct {
	mu  sync.Mutex
	log func(string)
}

func (a *arpDebug) set(on bool, e *ios.Engine) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.log = nil
	if on {
		a.log = e.Log
	}
}

// on reports whether debug arp is on.
func (a *arpDebug) on() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log != nil
}

func (a *arpDebug) apply(p *ether.Port) {
	a.mu.Lock()
	f := a.log
	a.mu.Unlock()
	p.SetDebug(f)
}

// arpEntries is what show ip arp lists: the router's own addresses on up
// interfaces (age "-"), and what the Ethernet interfaces learned.
func arpEntries(r *router.Router) []system.ARPEntry {
	var out []system.ARPEntry
	for _, i := range r.Interfaces() {
		p := i.Address()
		if !p.IsValid() || i.IsLoopback() || !i.LineUp() {
			continue
		}
		out = append(out, system.ARPEntry{Addr: p.Addr(), AgeMin: -1,
			MAC: router.HardwareAddress(i), Interface: i.Name()})
		ep, ok := i.Port().(*ether.Port)
		if !ok {
			continue
		}
		for _, n := range ep.Neighbors() {
			e := system.ARPEntry{Addr: n.Addr, AgeMin: int(n.Age.Minutes()), MAC: n.MAC.String(), Interface: i.Name()}
			if n.Incomplete {
				e.MAC, e.Interface = "Incomplete", ""
			}
			out = append(out, e)
		}
	}
	return out
}
