package dhcp

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"natlab/ios"
	"natlab/packet"
)

// ConfigPool is `ip dhcp pool NAME`'s mode; its data is the pool name.
var ConfigPool = &ios.Mode{Name: "dhcp-config", Prompt: "(dhcp-config)#", Help: "DHCP pool configuration commands:",
	Parent: ios.Config, ExitHelp: "Exit from DHCP pool configuration mode"}

// OrderDHCP is where the DHCP lines render: after aaa new-model, before
// the ip domain and ip cef lines, as IOS 15 puts them.
const OrderDHCP = ios.OrderAAA + 50

// Help texts as IOS 15 prints them.
const (
	helpDHCP       = "Configure DHCP server and relay parameters"
	helpExcluded   = "Prevent DHCP from assigning certain addresses"
	helpPool       = "Configure DHCP address pools"
	helpShowDHCP   = "Show items in the DHCP database"
	helpClearDHCP  = "Delete items from the DHCP database"
	helpHelper     = "Specify a destination address for UDP broadcasts"
	helpRouterAddr = "Router's IP address"
	helpServerAddr = "Server's name or IP address"
)

func h(s ...string) []string { return s }

// addrList is a syntax of one to eight addresses under one label, as
// default-router and dns-server take them.
func addrList(label, help string) (string, []string) {
	helps := make([]string, maxServers)
	for i := range helps {
		helps[i] = help
	}
	syntax := "A.B.C.D$" + label
	for range maxServers - 1 {
		syntax = "A.B.C.D$" + label + " [" + syntax + "]"
	}
	return syntax, helps
}

// Register installs the DHCP commands on e and returns the service.
func Register(e *ios.Engine, env Env) *Service {
	if env.Log == nil {
		env.Log = e.Log
	}
	if env.Hostname == nil {
		env.Hostname = e.Hostname
	}
	if env.Clock == nil {
		// Read e.Clock at each call: `clock set` replaces it.
		env.Clock = func() time.Time { return e.Clock() }
	}
	s := New(env)
	routers, routerHelp := addrList("addr", helpRouterAddr)
	dns, dnsHelp := addrList("addr", helpServerAddr)
	ipDHCP := h(ios.HelpConfigIP, helpDHCP)
	e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip dhcp excluded-address A.B.C.D$low [A.B.C.D$high]",
			Help: append(ipDHCP, helpExcluded, "Low IP address", "High IP address"), Run: s.cmdExcluded},
		&ios.Command{Mode: ios.Config, Syntax: "ip dhcp pool WORD$name",
			Help: append(ipDHCP, helpPool, "Pool name"), Run: s.cmdPool},
		&ios.Command{Mode: ios.Config, Syntax: "no ip dhcp pool WORD$name",
			Help: append(h(ios.HelpNo), append(ipDHCP, helpPool, "Pool name")...), Run: s.cmdNoPool},
		&ios.Command{Mode: ConfigPool, Syntax: "network A.B.C.D$net [A.B.C.D$mask|WORD$len]",
			Help: h("Network number and mask", "Network number in dotted-decimal notation", "Network mask or prefix length", "Network mask or prefix length"),
			Run:  s.onPool(cmdNetwork)},
		&ios.Command{Mode: ConfigPool, Syntax: "no network [A.B.C.D$net [A.B.C.D$mask|WORD$len]]",
			Help: h(ios.HelpNo, "Network number and mask", "Network number in dotted-decimal notation", "Network mask or prefix length", "Network mask or prefix length"),
			Run:  s.onPool(cmdNetwork)},
		&ios.Command{Mode: ConfigPool, Syntax: "default-router " + routers,
			Help: append(h("Default routers"), routerHelp...), Run: s.onPool(cmdRouters)},
		&ios.Command{Mode: ConfigPool, Syntax: "no default-router [" + routers + "]",
			Help: append(h(ios.HelpNo, "Default routers"), routerHelp...), Run: s.onPool(cmdRouters)},
		&ios.Command{Mode: ConfigPool, Syntax: "dns-server " + dns,
			Help: append(h("DNS servers"), dnsHelp...), Run: s.onPool(cmdDNS)},
		&ios.Command{Mode: ConfigPool, Syntax: "no dns-server [" + dns + "]",
			Help: append(h(ios.HelpNo, "DNS servers"), dnsHelp...), Run: s.onPool(cmdDNS)},
		&ios.Command{Mode: ConfigPool, Syntax: "[no] domain-name WORD$domain",
			Help: h("Domain name", "Domain name"), Run: s.onPool(cmdDomain)},
		&ios.Command{Mode: ConfigPool, Syntax: "no domain-name",
			Help: h(ios.HelpNo, "Domain name"), Run: s.onPool(cmdDomain)},
		&ios.Command{Mode: ConfigPool, Syntax: "lease <(0-365)$days [(0-23)$hours [(0-59)$mins]]|infinite>",
			Help: h("Address lease time", "Days", "Hours", "Minutes", "Infinite lease"), Run: s.onPool(cmdLease)},
		&ios.Command{Mode: ConfigPool, Syntax: "no lease",
			Help: h(ios.HelpNo, "Address lease time"), Run: s.onPool(cmdLease)},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "ip helper-address A.B.C.D$addr",
			Help: h(ios.HelpIfIP, helpHelper, "IP destination address"), Run: s.cmdHelper},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "no ip helper-address [A.B.C.D$addr]",
			Help: h(ios.HelpNo, ios.HelpIfIP, helpHelper, "IP destination address"), Run: s.cmdHelper},
	)
	s.installExec(e)
	e.AddConfigSection(OrderDHCP, s.renderConfig)
	return s
}

// onPool runs a dhcp-config command on the session's pool.
func (s *Service) onPool(run func(p *Pool, a ios.Args) error) ios.Handler {
	return func(c *ios.Context, a ios.Args) error {
		name, _ := c.ModeData().(string)
		s.mu.Lock()
		defer s.mu.Unlock()
		p := s.pools[name]
		if p == nil {
			return nil // another session removed the pool
		}
		return run(p, a)
	}
}

func (s *Service) cmdExcluded(c *ios.Context, a ios.Args) error {
	r := Range{Low: a.Addr("low"), High: a.Addr("low")}
	if a.Has("high") {
		r.High = a.Addr("high")
	}
	if r.High.Less(r.Low) {
		return ios.Errorf("%% Invalid address range")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.Index(s.excl, r)
	switch {
	case a.No() && i < 0:
		return ios.Errorf("%% Range [%s, %s] is not in the database.", r.Low, r.High)
	case a.No():
		s.excl = slices.Delete(s.excl, i, i+1)
	case i < 0 && len(s.excl) < MaxExcluded:
		s.excl = append(s.excl, r)
	}
	return nil
}

func (s *Service) cmdPool(c *ios.Context, a ios.Args) error {
	name := a.Str("name")
	s.mu.Lock()
	if s.pools[name] == nil {
		if len(s.pools) >= MaxPools {
			s.mu.Unlock()
			return ios.Errorf("%% Too many DHCP pools")
		}
		s.pools[name] = &Pool{Name: name}
		s.order = append(s.order, name)
	}
	s.mu.Unlock()
	c.Enter(ConfigPool, name)
	return nil
}

func (s *Service) cmdNoPool(c *ios.Context, a ios.Args) error {
	name := a.Str("name")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pools[name] == nil {
		return ios.Errorf("%% Pool %s does not exist.", name)
	}
	delete(s.pools, name)
	s.order = slices.DeleteFunc(s.order, func(n string) bool { return n == name })
	for ad, b := range s.binds {
		if b.Pool == name {
			delete(s.binds, ad)
		}
	}
	return nil
}

func cmdNetwork(p *Pool, a ios.Args) error {
	if a.No() {
		p.Network, p.ByLength = netip.Prefix{}, false
		return nil
	}
	net := a.Addr("net")
	bits, byLen := packet.ClassfulBits(net), false
	switch {
	case a.Has("mask"):
		b, ok := maskBits(a.Addr("mask"))
		if !ok {
			return ios.Errorf("%% Invalid network mask")
		}
		bits = b
	case a.Has("len"):
		var n int
		if _, err := fmt.Sscanf(a.Str("len"), "/%d", &n); err != nil || n < 0 || n > 32 || fmt.Sprintf("/%d", n) != a.Str("len") {
			return ios.Errorf("%% Invalid input detected.")
		}
		bits, byLen = n, true
	}
	np := netip.PrefixFrom(net, bits)
	if np.Masked().Addr() != net {
		return ios.Errorf("%% %s is not a valid network number", net)
	}
	if bits > 30 {
		return ios.Errorf("%% Invalid network mask")
	}
	p.Network, p.ByLength, p.next = np, byLen, netip.Addr{}
	return nil
}

func cmdRouters(p *Pool, a ios.Args) error {
	p.Routers = nil
	if !a.No() {
		p.Routers = addrs(a.All("addr"))
	}
	return nil
}

func cmdDNS(p *Pool, a ios.Args) error {
	p.DNS = nil
	if !a.No() {
		p.DNS = addrs(a.All("addr"))
	}
	return nil
}

func addrs(ss []string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		if a, err := netip.ParseAddr(s); err == nil && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func cmdDomain(p *Pool, a ios.Args) error {
	p.Domain = ""
	if !a.No() {
		p.Domain = a.Str("domain")
	}
	return nil
}

func cmdLease(p *Pool, a ios.Args) error {
	switch {
	case a.No():
		p.Lease = 0
	case a.Has("infinite"):
		p.Lease = Infinite
	default:
		d := time.Duration(a.Int("days"))*24*time.Hour + time.Duration(a.Int("hours"))*time.Hour + time.Duration(a.Int("mins"))*time.Minute
		if d == 0 {
			// IOS refuses a zero lease; one minute is its floor.
			return ios.Errorf("%% Invalid lease time")
		}
		p.Lease = d
		if d == DefaultLease {
			p.Lease = 0
		}
	}
	return nil
}

func (s *Service) cmdHelper(c *ios.Context, a ios.Args) error {
	name, _ := c.ModeData().(string)
	hs := s.Helpers(name)
	switch {
	case a.No() && !a.Has("addr"):
		hs = nil
	case a.No():
		hs = slices.DeleteFunc(hs, func(x netip.Addr) bool { return x == a.Addr("addr") })
	case !slices.Contains(hs, a.Addr("addr")):
		hs = append(hs, a.Addr("addr"))
	}
	s.SetHelpers(name, hs)
	return nil
}

// InterfaceConfigLines are the `ip helper-address` lines of an interface
// block (package router's AddInterfaceConfig).
func (s *Service) InterfaceConfigLines(ifname string) []string {
	var out []string
	for _, h := range s.Helpers(ifname) {
		out = append(out, "ip helper-address "+h.String())
	}
	return out
}

// RemoveInterface forgets a removed interface's helper addresses and stops
// its client.
func (s *Service) RemoveInterface(ifname string) {
	s.SetHelpers(ifname, nil)
	s.StopClient(ifname)
}

// renderConfig writes the excluded ranges and the pools as IOS 15 does.
func (s *Service) renderConfig(w io.Writer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.excl {
		if r.Low == r.High {
			fmt.Fprintf(w, "ip dhcp excluded-address %s\n", r.Low)
		} else {
			fmt.Fprintf(w, "ip dhcp excluded-address %s %s\n", r.Low, r.High)
		}
	}
	if len(s.excl) > 0 {
		io.WriteString(w, "!\n")
	}
	for _, name := range s.order {
		p := s.pools[name]
		fmt.Fprintf(w, "ip dhcp pool %s\n", name)
		if p.Network.IsValid() {
			if p.ByLength {
				fmt.Fprintf(w, " network %s /%d\n", p.Network.Addr(), p.Network.Bits())
			} else {
				fmt.Fprintf(w, " network %s %s\n", p.Network.Addr(), maskOf(p.Network.Bits()))
			}
		}
		// IOS ends the address lists with a blank.
		if len(p.Routers) > 0 {
			fmt.Fprintf(w, " default-router %s \n", joinAddrs(p.Routers))
		}
		if len(p.DNS) > 0 {
			fmt.Fprintf(w, " dns-server %s \n", joinAddrs(p.DNS))
		}
		if p.Domain != "" {
			fmt.Fprintf(w, " domain-name %s\n", p.Domain)
		}
		if l := p.Lease; l != 0 {
			fmt.Fprintf(w, " lease %s\n", leaseWords(l))
		}
		io.WriteString(w, "!\n")
	}
}

func joinAddrs(as []netip.Addr) string {
	ss := make([]string, len(as))
	for i, a := range as {
		ss[i] = a.String()
	}
	return strings.Join(ss, " ")
}

// leaseWords is a lease as the `lease` line takes it: "infinite", "7",
// "0 8", "1 2 30".
func leaseWords(l time.Duration) string {
	if l == Infinite {
		return "infinite"
	}
	days, hours, mins := int(l/(24*time.Hour)), int(l%(24*time.Hour)/time.Hour), int(l%time.Hour/time.Minute)
	switch {
	case mins != 0:
		return fmt.Sprintf("%d %d %d", days, hours, mins)
	case hours != 0:
		return fmt.Sprintf("%d %d", days, hours)
	}
	return fmt.Sprintf("%d", days)
}
