package labs

import (
	"fmt"
)

// portState is what the state records of node n's end of link l: where the device that carries it
// lives (Netns, HostIf), which is where labs captures it and waits for it.
func portState(t *Topology, n *Node, l *Link) PortState {
	here, far := l.At(n)
	kind := l.Kind()
	ps := PortState{Interface: here.If, Peer: far.String(), Kind: kind, Netns: NetnsName(t.Name, n.Name), HostIf: here.If}
	switch {
	case n.Kind == Router && kind == LinkEth:
		ps.HostIf = VethName(here.If)
	case n.Kind == Router: // TUN into a host, TAP into a switch: it lives at the far end
		ps.Device = TUNName(t.Name, n.Name, here.If)
		ps.Netns, ps.HostIf = NetnsName(t.Name, far.Node.Name), far.If
		if kind == LinkTUN {
			ps.Addr = addrString(far.Node.AddrOf(far.If))
		}
	case n.Kind == Host:
		if kind == LinkTUN {
			ps.Device = TUNName(t.Name, far.Node.Name, far.If)
		}
		ps.Addr = addrString(n.AddrOf(here.If))
	case n.Kind == Switch:
		ps.Mode = n.PortMode(here.If)
	}
	return ps
}

func addrString[T interface {
	IsValid() bool
	String() string
}](a T) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

// links builds what labs itself makes before the routers start: the bridge of each switch without
// VLANs and every veth pair (router to router, and between hosts and switches), with the hosts'
// addresses.
func (d *deployer) links() error {
	t := d.t
	for _, n := range t.Nodes {
		if n.Kind == Switch && !GoSwitch(n) {
			if err := addBridge(NetnsName(t.Name, n.Name)); err != nil {
				return fmt.Errorf("%s: %v", n.Name, err)
			}
		}
	}
	for _, l := range t.Links {
		if k := l.Kind(); k != LinkEth && k != LinkVeth {
			continue
		}
		if err := addVeth(t, l); err != nil {
			return fmt.Errorf("the link on line %d (%s - %s): %v", l.Line, l.Ends[0], l.Ends[1], err)
		}
	}
	return nil
}

// vethName is the name of a veth end in its node's namespace.
func vethName(e End) string {
	if e.Node.Kind == Router {
		return VethName(e.If)
	}
	return e.If
}

// addBridge makes the bridge of a switch without VLANs (every port in VLAN 1): a plain one, which
// needs no kernel support for VLAN filtering. A switch with VLANs is the Go switch instead (GoSwitch).
func addBridge(ns string) error {
	if err := ipCmd("-n", ns, "link", "add", bridgeName, "type", "bridge"); err != nil {
		return err
	}
	return ipCmd("-n", ns, "link", "set", bridgeName, "up")
}

// addVeth makes a veth pair with each end created right in its node's namespace (nothing passes
// through this one) and sets each end up as its node wants it.
func addVeth(t *Topology, l *Link) error {
	a, b := l.Ends[0], l.Ends[1]
	nsA, nsB := NetnsName(t.Name, a.Node.Name), NetnsName(t.Name, b.Node.Name)
	if err := ipCmd("-n", nsA, "link", "add", "name", vethName(a), "type", "veth", "peer", "name", vethName(b), "netns", nsB); err != nil {
		return err
	}
	for _, e := range l.Ends {
		if err := vethEndUp(t, e); err != nil {
			return err
		}
	}
	return nil
}

// vethEndUp gives a host end its address, makes a switch end a bridge port, and sets the end up (a
// router's end too: the router's shutdown takes it down).
func vethEndUp(t *Topology, e End) error {
	ns, dev := NetnsName(t.Name, e.Node.Name), vethName(e)
	switch e.Node.Kind {
	case Switch:
		return switchPortUp(t, e.Node, e.If)
	case Host:
		if a := e.Node.AddrOf(e.If); a.IsValid() {
			if err := ipCmd("-n", ns, "addr", "add", a.String(), "dev", dev); err != nil {
				return err
			}
		}
	}
	return ipCmd("-n", ns, "link", "set", "dev", dev, "up")
}

// switchPortUp sets a switch port up, a port of the switch's bridge first for a switch without VLANs.
// A switch with VLANs is the Go switch, which opens its ports itself and carries the VLANs: an access
// port in VLAN v carries v untagged; a trunk carries every VLAN of the switch tagged and VLAN 1
// untagged (native VLAN 1, as on Cisco switches).
func switchPortUp(t *Topology, sw *Node, port string) error {
	ns := NetnsName(t.Name, sw.Name)
	if !GoSwitch(sw) {
		if err := ipCmd("-n", ns, "link", "set", "dev", port, "master", bridgeName); err != nil {
			return err
		}
	}
	return ipCmd("-n", ns, "link", "set", "dev", port, "up")
}

// attachTAPs makes each TAP router n created in a switch (it must exist by now) a port of that
// switch: of its bridge, or just up for the Go switch, which opens it (again, after a router restart).
func attachTAPs(t *Topology, n *Node) error {
	for _, l := range t.LinksOf(n) {
		if l.Kind() != LinkTAP {
			continue
		}
		here, far := l.At(n)
		if err := switchPortUp(t, far.Node, far.If); err != nil {
			return fmt.Errorf("%s: %s on %s: %v", n.Name, ShortInterface(here.If), far, err)
		}
	}
	return nil
}

// vethDefaultRoute gives a host its default route when the gateway is on one of its veth links (the
// router sets it on a TUN link).
func vethDefaultRoute(t *Topology, n *Node) error {
	for _, l := range t.LinksOf(n) {
		here, _ := l.At(n)
		gw := n.GatewayOn(here.If)
		if l.Kind() != LinkVeth || !gw.IsValid() {
			continue
		}
		if err := ipCmd("-n", NetnsName(t.Name, n.Name), "route", "replace", "default", "via", gw.String(), "dev", here.If); err != nil {
			return fmt.Errorf("%s: default route: %v", n.Name, err)
		}
		return nil
	}
	return nil
}
