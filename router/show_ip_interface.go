package router

import (
	"strconv"
	"strings"

	"natlab/ios"
)

func (c *CLI) installShowIPInterface() {
	c.e.Install(&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip interface [IFNAME$if]",
		Help: []string{ios.HelpShow, ios.HelpShowIP, "IP interface status and configuration", "Interface name"},
		Run:  c.showIPInterface})
}

// showIPInterface is IOS's show ip interface, with the lines this router
// has a state for (README: the lines IOS prints that are left out).
func (c *CLI) showIPInterface(ctx *ios.Context, a ios.Args) error {
	list, err := c.interfacesArg(ctx, a)
	if err != nil {
		return err
	}
	for _, i := range list {
		for _, line := range c.ipInterfaceLines(i) {
			ctx.Printf("%s\n", line)
		}
	}
	return nil
}

func (c *CLI) ipInterfaceLines(i *Interface) []string {
	status, proto := c.linkStatus(i)
	out := []string{i.Name() + " is " + status + ", line protocol is " + proto}
	p := i.Address()
	if !p.IsValid() {
		return append(out, "  Internet protocol processing disabled")
	}
	c.mu.Lock()
	method := c.method[i.Name()]
	c.mu.Unlock()
	determined := "configuration command"
	switch method {
	case "NVRAM":
		determined = "non-volatile memory"
	case "DHCP":
		determined = "DHCP"
	}
	f := c.featureState(i.Name())
	out = append(out,
		"  Internet address is "+p.String(),
		"  Broadcast address is 255.255.255.255",
		"  Address determined by "+determined,
		"  MTU is "+strconv.Itoa(i.MTU())+" bytes",
		"  Helper address is not set",
		"  Directed broadcast forwarding is disabled")
	for _, sec := range i.SecondaryAddresses() {
		out = append(out, "  Secondary address "+sec.String())
	}
	out = append(out,
		"  Outgoing Common access list is not set ",
		"  Outgoing access list is "+orNotSet(f.outACL),
		"  Inbound Common access list is not set ",
		"  Inbound  access list is "+orNotSet(f.inACL),
		"  Proxy ARP is "+enabled(i.ProxyARP()),
		"  Local Proxy ARP is disabled",
		"  Security level is default",
		"  Split horizon is enabled",
		"  ICMP redirects are "+sent(i.Redirects()),
		"  ICMP unreachables are "+f.unreachables,
		"  ICMP mask replies are never sent",
		"  Router Discovery is disabled",
		"  IP output packet accounting is disabled",
		"  IP access violation accounting is disabled",
		"  TCP/IP header compression is disabled",
		"  RTP/IP header compression is disabled",
		"  Probe proxy name replies are disabled",
		"  Policy routing is disabled",
		"  Network address translation is "+f.nat,
		"  BGP Policy Mapping is disabled")
	for _, l := range c.verifyStatus(i) {
		out = append(out, "  "+l)
	}
	return out
}

// ifaceFeatures is what show ip interface says of the features configured
// on an interface, read from the lines they render in its running-config
// block: the running-config is what they are, whichever package keeps them.
type ifaceFeatures struct {
	inACL, outACL string
	unreachables  string
	nat           string
}

func (c *CLI) featureState(name string) ifaceFeatures {
	f := ifaceFeatures{unreachables: "always sent", nat: "disabled"}
	c.mu.Lock()
	providers := append([]ifaceLines(nil), c.providers...)
	c.mu.Unlock()
	for _, p := range providers {
		for _, l := range p.lines(name) {
			w := strings.Fields(l)
			switch {
			case len(w) == 4 && w[0] == "ip" && w[1] == "access-group" && w[3] == "in":
				f.inACL = w[2]
			case len(w) == 4 && w[0] == "ip" && w[1] == "access-group" && w[3] == "out":
				f.outACL = w[2]
			case l == "no ip unreachables":
				f.unreachables = "never sent"
			case l == "ip nat inside" || l == "ip nat outside":
				f.nat = "enabled, interface in domain " + w[2]
			}
		}
	}
	return f
}

func sent(always bool) string {
	if always {
		return "always sent"
	}
	return "never sent"
}

func orNotSet(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

func enabled(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}
