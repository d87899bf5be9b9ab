package labs

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// links reads topology.links: each joins a router interface and a host, and no interface is used twice.
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
		if !ok || l.Router == nil || l.Host == nil {
			continue // reported above
		}
		if other := p.t.HostLink(l.Host); other != nil {
			p.errorf(eps, field+".endpoints", "host %s already has a link (line %d); a host has one interface", l.Host.Name, other.Line)
			continue
		}
		p.t.addLink(l)
	}
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
	if nd.Kind == Router {
		c, err := canonicalInterface(ifname)
		if err != nil {
			p.errorf(ep, f, "%v", err)
			return false
		}
		if l.Router != nil {
			p.errorf(ep, f, "%q: this link joins two routers; a link joins a router interface and a host", s)
			return false
		}
		l.Router, l.RouterIf, l.routerSide = nd, c, j
		ifname = c
	} else {
		if len(ifname) > MaxIfName || !validName(ifname) || ifname == "lo" {
			p.errorf(ep, f, "%q: %q is not a Linux interface name such as eth0", s, ifname)
			return false
		}
		if l.Host != nil {
			p.errorf(ep, f, "%q: this link joins two hosts; a link joins a router interface and a host", s)
			return false
		}
		l.Host, l.HostIf = nd, ifname
	}
	key := nd.Name + ":" + ifname
	if line, dup := used[key]; dup {
		p.errorf(ep, f, "%q: %s is already used by the link on line %d", s, key, line)
		return false
	}
	used[key] = ep.Line
	return true
}
