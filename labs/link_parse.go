package labs

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// links reads topology.links: each joins two interfaces of two nodes, and no interface is used twice.
// Any two kinds may be joined; how the link is built follows from them (Link.Kind).
func (p *parser) links(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "topology.links", "want a list of links such as - endpoints: [\"r1:Gi0/0\", \"pc1:eth0\"]")
		return
	}
	used := map[string]int{} // "node:iface" -> line
	for i, ln := range n.Content {
		field := fmt.Sprintf("topology.links[%d]", i)
		eps := p.linkEndpoints(ln, field)
		if eps == nil {
			continue
		}
		l := &Link{Line: eps.Line}
		ok := true
		for j, ep := range eps.Content {
			ok = p.endpoint(l, j, ep, fmt.Sprintf("%s.endpoints[%d]", field, j), used) && ok
		}
		if !ok {
			continue // reported above
		}
		if l.Ends[0].Node == l.Ends[1].Node {
			p.errorf(eps, field+".endpoints", "both ends are on %s; a link joins two nodes", l.Ends[0].Node.Name)
			continue
		}
		if p.secondInterface(l, eps, field) {
			continue
		}
		p.t.addLink(l)
	}
}

// secondInterface reports (and says) when the link gives a host that has one interface (no
// interfaces: list) a second link.
func (p *parser) secondInterface(l *Link, eps *yaml.Node, field string) bool {
	for _, e := range l.Ends {
		if e.Node.Kind != Host || len(e.Node.IfAddrs) > 0 {
			continue
		}
		if others := p.t.LinksOf(e.Node); len(others) > 0 {
			p.errorf(eps, field+".endpoints", "host %s already has a link (line %d); a host with several interfaces lists them under interfaces", e.Node.Name, others[0].Line)
			return true
		}
	}
	return false
}

// linkEndpoints reads one link's fields and returns its list of two endpoints, or nil when it has none.
func (p *parser) linkEndpoints(ln *yaml.Node, field string) *yaml.Node {
	var eps *yaml.Node
	p.fields(ln, field, map[string]func(*yaml.Node, string){
		"endpoints": func(v *yaml.Node, f string) { eps = v },
	})
	switch {
	case ln.Kind != yaml.MappingNode:
		return nil // reported by fields
	case eps == nil:
		p.errorf(ln, field+".endpoints", "missing")
		return nil
	case eps.Kind != yaml.SequenceNode || len(eps.Content) != 2:
		p.errorf(eps, field+".endpoints", "want two endpoints such as [\"r1:Gi0/0\", \"pc1:eth0\"]")
		return nil
	}
	return eps
}

// endpoint reads end j ("node:interface") of link l, and records its interface in used; it reports
// false when the end is bad, having said why.
func (p *parser) endpoint(l *Link, j int, ep *yaml.Node, f string, used map[string]int) bool {
	s, ok := p.str(ep, f)
	if !ok {
		return false
	}
	nodeName, ifname, found := strings.Cut(s, ":")
	nd := p.t.Node(nodeName)
	switch {
	case !found || ifname == "":
		p.errorf(ep, f, "%q: want NODE:INTERFACE such as r1:Gi0/0 or pc1:eth0", s)
		return false
	case nd == nil:
		p.errorf(ep, f, "%q: there is no node %q in topology.nodes", s, nodeName)
		return false
	}
	switch nd.Kind {
	case Router:
		c, err := canonicalInterface(ifname)
		if err != nil {
			p.errorf(ep, f, "%v", err)
			return false
		}
		ifname = c
	case Switch:
		if !linuxIfName(ifname) || ifname == bridgeName {
			p.errorf(ep, f, "%q: %q is not a switch port name such as p1 (a Linux interface name other than %s)", s, ifname, bridgeName)
			return false
		}
	default:
		if !linuxIfName(ifname) {
			p.errorf(ep, f, "%q: %q is not a Linux interface name such as eth0", s, ifname)
			return false
		}
		if len(nd.IfAddrs) > 0 && !slices.ContainsFunc(nd.IfAddrs, func(ia IfAddr) bool { return ia.Name == ifname }) {
			p.errorf(ep, f, "%q: %s has no interface %s in topology.nodes.%s.interfaces", s, nd.Name, ifname, nd.Name)
			return false
		}
	}
	key := nd.Name + ":" + ifname
	if line, dup := used[key]; dup {
		p.errorf(ep, f, "%q: %s is already used by the link on line %d", s, key, line)
		return false
	}
	used[key] = ep.Line
	l.Ends[j] = End{Node: nd, If: ifname}
	return true
}

// linuxIfName reports whether s can name a host's or a switch's interface.
func linuxIfName(s string) bool { return len(s) <= MaxIfName && validName(s) && s != "lo" }
