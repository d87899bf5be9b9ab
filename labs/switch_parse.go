package labs

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// bridgeName is the bridge of every switch, in the switch's namespace (so no port may be called so).
const bridgeName = "br0"

// MaxVLAN is the highest VLAN id (4095 is reserved, 0 means untagged).
const MaxVLAN = 4094

// switchVLANs reads a switch's vlans: a mapping of access ports to their VLAN. seen collects the ports
// named (by vlans and trunks), for the check that each has a link.
func (p *parser) switchVLANs(nd *Node, v *yaml.Node, f string, seen map[string]*yaml.Node) {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, f, "want a mapping of access ports to VLANs such as {p2: 10, p3: 20}")
		return
	}
	nd.VLANs = map[string]uint16{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		pf := join(f, k.Value)
		if !p.switchPort(nd, k, pf, seen) {
			continue
		}
		if id, ok := p.integer(val, pf, 1, MaxVLAN); ok {
			nd.VLANs[k.Value] = uint16(id)
		}
	}
}

// switchTrunks reads a switch's trunks: a list of ports (or one).
func (p *parser) switchTrunks(nd *Node, v *yaml.Node, f string, seen map[string]*yaml.Node) {
	items := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		items = v.Content
	}
	for i, item := range items {
		pf := f
		if v.Kind == yaml.SequenceNode {
			pf = fmt.Sprintf("%s[%d]", f, i)
		}
		if _, ok := p.str(item, pf); !ok {
			continue
		}
		if p.switchPort(nd, item, pf, seen) {
			nd.Trunks = append(nd.Trunks, item.Value)
		}
	}
}

// switchPort checks a port named by vlans or trunks: a port name, named once.
func (p *parser) switchPort(nd *Node, k *yaml.Node, f string, seen map[string]*yaml.Node) bool {
	port := k.Value
	if !linuxIfName(port) || port == bridgeName {
		p.errorf(k, f, "%q is not a switch port name such as p1", port)
		return false
	}
	if prev, dup := seen[port]; dup {
		what := "an access port in vlans"
		if slices.Contains(nd.Trunks, port) {
			what = "a trunk"
		}
		p.errorf(k, f, "%s is already %s (line %d): a port is an access port or a trunk, once", port, what, prev.Line)
		return false
	}
	seen[port] = k
	return true
}

// hostInterfaces reads a host's interfaces: a mapping of interface names to addresses, kept in file
// order.
func (p *parser) hostInterfaces(nd *Node, v *yaml.Node, f string, seen map[string]*yaml.Node) {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, f, "want a mapping of interface names to addresses such as {eth0: 10.0.0.2/24, eth1: 10.0.1.2/24}")
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		pf := join(f, k.Value)
		switch _, dup := seen[k.Value]; {
		case !linuxIfName(k.Value):
			p.errorf(k, pf, "%q is not a Linux interface name such as eth0", k.Value)
			continue
		case dup:
			p.errorf(k, pf, "given twice")
			continue
		}
		seen[k.Value] = k
		ia := IfAddr{Name: k.Value}
		if val.Tag != "!!null" { // eth1: (no address) is an interface without one
			ia.Addr, _ = parsed(p, val, pf, hostPrefix, "an IPv4 address with a prefix length such as 10.0.0.2/24")
		}
		nd.IfAddrs = append(nd.IfAddrs, ia)
	}
}

// sortedKeys lists a map's keys in order, so messages come out the same every time.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
