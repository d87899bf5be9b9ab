package router

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"

	"natlab/ios"
)

// ip host: the router's static name table, which ping and traceroute
// resolve names through.

// OrderHosts places the ip host lines, after the global ip lines.
const OrderHosts = ios.OrderIPGlobal + 5

// maxHosts bounds the table.
const maxHosts = 10000

func (c *CLI) installHostCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "ip host WORD$name A.B.C.D$addr",
			Help: []string{ios.HelpConfigIP, "Add an entry to the ip hostname table", "Name of host", "Host IP address"},
			Run:  c.cmdIPHost},
		&ios.Command{Mode: ios.Config, Syntax: "no ip host WORD$name [A.B.C.D$addr]",
			Help: []string{ios.HelpNo, ios.HelpConfigIP, "Add an entry to the ip hostname table", "Name of host", "Host IP address"},
			Run:  c.cmdIPHost},
	)
	c.e.AddConfigSection(OrderHosts, c.renderHosts)
}

func (c *CLI) cmdIPHost(ctx *ios.Context, a ios.Args) error {
	name := a.Str("name")
	if _, err := netip.ParseAddr(name); err == nil || name[0] >= '0' && name[0] <= '9' {
		return ios.Errorf("%% Invalid host name")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	key := strings.ToLower(name)
	if a.No() {
		delete(c.hosts, key)
		return nil
	}
	if _, ok := c.hosts[key]; !ok && len(c.hosts) >= maxHosts {
		return ios.Errorf("%% Host table full")
	}
	c.hosts[key] = hostEntry{name: name, addr: a.Addr("addr")}
	return nil
}

type hostEntry struct {
	name string
	addr netip.Addr
}

func (c *CLI) renderHosts(w io.Writer) {
	c.mu.Lock()
	list := make([]hostEntry, 0, len(c.hosts))
	for _, h := range c.hosts {
		list = append(list, h)
	}
	c.mu.Unlock()
	sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i].name) < strings.ToLower(list[j].name) })
	for _, h := range list {
		fmt.Fprintf(w, "ip host %s %s\n", h.name, h.addr)
	}
}

// resolveTarget is ping's and traceroute's destination: an address, or a
// name from the ip host table; else IOS's messages.
func (c *CLI) resolveTarget(ctx *ios.Context, a ios.Args) (netip.Addr, error) {
	if a.Has("dst") {
		return a.Addr("dst"), nil
	}
	name := a.Str("host")
	c.mu.Lock()
	h, ok := c.hosts[strings.ToLower(name)]
	c.mu.Unlock()
	if ok {
		return h.addr, nil
	}
	if c.e.DomainLookup() {
		ctx.Printf("Translating \"%s\"...domain server (255.255.255.255)\n", ios.Printable(name))
	}
	return netip.Addr{}, ios.Errorf("%% Unrecognized host or address, or protocol not running.\n\n")
}
