package labs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodeSrc keeps the YAML nodes of fields checked after the links are known.
type nodeSrc struct {
	node, ip, gw *yaml.Node
	interfaces   *yaml.Node
	ifs          map[string]*yaml.Node // a host's interfaces or a switch's vlans and trunks, by name
}

// node reads one entry of topology.nodes; kind is the default when the node names none.
func (p *parser) node(name string, n *yaml.Node, field string, kind Kind) {
	nd := &Node{Name: name, Kind: kind, Line: n.Line}
	if k, ok := p.nodeKind(n, field); ok {
		nd.Kind = k
	}
	src := nodeSrc{node: n, ifs: map[string]*yaml.Node{}}
	var cfgNode *yaml.Node
	// only wraps the handler of a field that nodes of one kind have; on another kind the field is
	// reported instead.
	only := func(want Kind, h func(v *yaml.Node, f string)) func(*yaml.Node, string) {
		return func(v *yaml.Node, f string) {
			if nd.Kind != want {
				hint := ""
				if want == Host && nd.Kind == Router {
					hint = "; configure it in its startup-config"
				}
				p.errorf(v, f, "only %s nodes have this field (%s is a %s%s)", want, name, nd.Kind, hint)
				return
			}
			h(v, f)
		}
	}
	routerField := func(h func(v *yaml.Node, f string)) func(*yaml.Node, string) { return only(Router, h) }
	hostField := func(h func(v *yaml.Node, f string)) func(*yaml.Node, string) { return only(Host, h) }
	switchField := func(h func(v *yaml.Node, f string)) func(*yaml.Node, string) { return only(Switch, h) }
	p.fields(n, field, map[string]func(*yaml.Node, string){
		"kind": func(*yaml.Node, string) {}, // read first, by nodeKind
		"startup-config": routerField(func(v *yaml.Node, f string) {
			nd.StartupConfig, _ = p.str(v, f)
			cfgNode = v
		}),
		"config": routerField(func(v *yaml.Node, f string) { nd.StartupConfigText, _ = p.str(v, f) }),
		"restart": routerField(func(v *yaml.Node, f string) {
			if r, ok := p.str(v, f); ok {
				if r != RestartNo && r != RestartOnFailure {
					p.errorf(v, f, "%q: want %s or %s", r, RestartNo, RestartOnFailure)
				}
				nd.Restart = r
			}
		}),
		"username": routerField(func(v *yaml.Node, f string) { nd.Username, _ = p.credential(v, f) }),
		"password": routerField(func(v *yaml.Node, f string) { nd.Password, _ = p.credential(v, f) }),
		"interfaces": func(v *yaml.Node, f string) {
			src.interfaces = v
			switch nd.Kind {
			case Router:
				nd.Interfaces, _ = p.integer(v, f, 1, MaxInterfaces)
			case Host:
				p.hostInterfaces(nd, v, f, src.ifs)
			default:
				p.errorf(v, f, "only router and host nodes have this field (%s is a %s)", name, nd.Kind)
			}
		},
		"ip": hostField(func(v *yaml.Node, f string) {
			src.ip = v
			if v.Value == "dhcp" {
				nd.DHCP = true
				return
			}
			nd.Addr, _ = parsed(p, v, f, hostPrefix, "an IPv4 address with a prefix length such as 192.168.1.10/24, or dhcp")
		}),
		"gw": hostField(func(v *yaml.Node, f string) {
			src.gw = v
			nd.Gateway, _ = parsed(p, v, f, ipv4Addr, "an IPv4 address such as 192.168.1.1")
		}),
		"routes": hostField(func(v *yaml.Node, f string) { nd.Routes = p.routes(v, f) }),
		"exec":   hostField(func(v *yaml.Node, f string) { nd.Exec = p.strings(v, f) }),
		"vlans":  switchField(func(v *yaml.Node, f string) { p.switchVLANs(nd, v, f, src.ifs) }),
		"trunks": switchField(func(v *yaml.Node, f string) { p.switchTrunks(nd, v, f, src.ifs) }),
	})
	if nd.Kind == Host && src.ip != nil && len(nd.IfAddrs) > 0 {
		p.errorf(src.interfaces, field+".interfaces", "give ip (one interface) or interfaces, not both")
	}
	if nd.Username != "" && nd.Password == "" {
		p.errorf(n, field, "username %s needs a password (the secret of username %[1]s in the startup-config)", nd.Username)
	}
	p.readStartupConfig(nd, cfgNode, field)
	p.t.addNode(nd)
	p.src[nd] = src
}

// credential reads a router's username or password: one line of printable text, as IOS takes it.
func (p *parser) credential(v *yaml.Node, f string) (string, bool) {
	s, ok := p.str(v, f)
	if !ok {
		return "", false
	}
	if s == "" || len(s) > 64 || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		p.errorf(v, f, "want 1 to 64 printable characters")
		return "", false
	}
	return s, true
}

// nodeKind reads a node's kind field ahead of the others, which depend on it.
func (p *parser) nodeKind(n *yaml.Node, field string) (Kind, bool) {
	if n.Kind != yaml.MappingNode {
		return "", false
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "kind" {
			return p.kind(n.Content[i+1], field+".kind")
		}
	}
	return "", false
}

func (p *parser) kind(v *yaml.Node, f string) (Kind, bool) {
	s, ok := p.str(v, f)
	if !ok {
		return "", false
	}
	switch Kind(s) {
	case Router, Host, Switch:
		return Kind(s), true
	}
	p.errorf(v, f, "%q: want router, switch or host", s)
	return "", false
}

// parsed reads a string field and converts it with parse; a string that parse rejects is reported as
// not being what (an example of what is wanted).
func parsed[T any](p *parser, v *yaml.Node, f string, parse func(string) (T, bool), what string) (T, bool) {
	var zero T
	s, ok := p.str(v, f)
	if !ok {
		return zero, false
	}
	x, ok := parse(s)
	if !ok {
		p.errorf(v, f, "%q is not %s", s, what)
		return zero, false
	}
	return x, true
}

// hostPrefix reads a host's address with its prefix length (192.168.1.10/24).
func hostPrefix(s string) (netip.Prefix, bool) {
	pfx, err := netip.ParsePrefix(s)
	return pfx, err == nil && pfx.Addr().Is4() && pfx.Bits() >= 1 && pfx.Bits() <= 32
}

// ipv4Addr reads an IPv4 address.
func ipv4Addr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Is4()
}

// routes reads a host's routes, reporting each bad one at its own list entry.
func (p *parser) routes(v *yaml.Node, f string) []Route {
	var out []Route
	for i, s := range p.strings(v, f) {
		r, err := parseRoute(s)
		if err != nil {
			node := v
			if v.Kind == yaml.SequenceNode && i < len(v.Content) {
				node = v.Content[i]
			}
			p.errorf(node, fmt.Sprintf("%s[%d]", f, i), "%v", err)
			continue
		}
		out = append(out, r)
	}
	return out
}

// readStartupConfig reads a router's startup-config file (given as a path relative to the topology).
func (p *parser) readStartupConfig(nd *Node, cfgNode *yaml.Node, field string) {
	if nd.Kind != Router || nd.StartupConfig == "" || p.fsys == nil {
		return
	}
	if nd.StartupConfigText != "" {
		p.errorf(cfgNode, field+".startup-config", "give startup-config or config, not both")
		return
	}
	b, err := fs.ReadFile(p.fsys, path.Join(p.dir, nd.StartupConfig))
	if err != nil {
		p.errorf(cfgNode, field+".startup-config", "cannot read %s: %v", nd.StartupConfig, errors.Unwrap(err))
	}
	nd.StartupConfigText = string(b)
}

// parseRoute reads "PREFIX via ADDR" or "default via ADDR".
func parseRoute(s string) (Route, error) {
	f := strings.Fields(s)
	if len(f) != 3 || f[1] != "via" {
		return Route{}, fmt.Errorf("%q: want PREFIX via ADDRESS, such as 203.0.113.100/32 via 203.0.113.1", s)
	}
	if f[0] == "default" {
		f[0] = "0.0.0.0/0"
	}
	pfx, err := netip.ParsePrefix(f[0])
	if err != nil || !pfx.Addr().Is4() {
		return Route{}, fmt.Errorf("%q: %q is not an IPv4 prefix such as 203.0.113.0/24", s, f[0])
	}
	via, ok := ipv4Addr(f[2])
	if !ok {
		return Route{}, fmt.Errorf("%q: %q is not an IPv4 address", s, f[2])
	}
	return Route{Prefix: pfx.Masked(), Via: via}, nil
}

// checkNode checks what depends on the links: addresses, the chassis size, switch ports.
func (p *parser) checkNode(nd *Node) {
	src := p.src[nd]
	field := "topology.nodes." + nd.Name
	onLink := map[string]bool{}
	highest := -1
	for _, l := range p.t.LinksOf(nd) {
		here, _ := l.At(nd)
		onLink[here.If] = true
		if nd.Kind == Router {
			highest = max(highest, interfaceNumber(here.If))
		}
	}
	switch nd.Kind {
	case Router:
		switch {
		case nd.Interfaces == 0:
			nd.Interfaces = max(DefaultInterfaces, highest+1)
		case highest >= nd.Interfaces:
			p.errorf(src.interfaces, field+".interfaces", "%d interfaces end at GigabitEthernet0/%d, but a link uses GigabitEthernet0/%d", nd.Interfaces, nd.Interfaces-1, highest)
		}
	case Host:
		if len(onLink) == 0 && src.ip != nil {
			p.errorf(src.ip, field+".ip", "%s has an address but no link", nd.Name)
		}
		for _, ia := range nd.IfAddrs {
			if !onLink[ia.Name] {
				p.errorf(src.ifs[ia.Name], field+".interfaces."+ia.Name, "%s has no link on %s", nd.Name, ia.Name)
			}
		}
		p.checkGateway(nd, src, field)
		p.checkDHCP(nd, src, field)
	case Switch:
		for _, port := range sortedKeys(src.ifs) {
			if !onLink[port] {
				p.errorf(src.ifs[port], field, "%s has no link on port %s", nd.Name, port)
			}
		}
	}
}

// checkGateway checks that a host's gateway is another address on one of its subnets.
func (p *parser) checkGateway(nd *Node, src nodeSrc, field string) {
	if !nd.Gateway.IsValid() {
		return
	}
	addrs := nd.Addrs()
	if len(addrs) == 0 {
		p.errorf(src.gw, field+".gw", "a gateway needs an address (ip) on the same subnet")
		return
	}
	var subnets []string
	for _, a := range addrs {
		if nd.Gateway == a.Addr() {
			p.errorf(src.gw, field+".gw", "%s is %s's own address", nd.Gateway, nd.Name)
			return
		}
		if a.Masked().Contains(nd.Gateway) {
			return
		}
		subnets = append(subnets, a.Masked().String())
	}
	p.errorf(src.gw, field+".gw", "%s is not another address in %s", nd.Gateway, strings.Join(subnets, " or "))
}

// checkDHCP checks a host with ip: dhcp: dhclient needs Ethernet, which a router's TUN is not, so
// the host must reach its server through a switch (a veth into the switch, the router's TAP on
// it); its gateway comes from the server.
func (p *parser) checkDHCP(nd *Node, src nodeSrc, field string) {
	if !nd.DHCP {
		return
	}
	if src.gw != nil {
		p.errorf(src.gw, field+".gw", "%s takes its gateway from the DHCP server (ip: dhcp)", nd.Name)
	}
	for _, l := range p.t.LinksOf(nd) {
		if l.Kind() == LinkTUN {
			_, far := l.At(nd)
			p.errorf(src.ip, field+".ip", "ip: dhcp needs an Ethernet link: put a switch between %s and %s", nd.Name, far.Node.Name)
		}
	}
}
