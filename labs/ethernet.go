package labs

import (
	"fmt"
	"strconv"
	"strings"
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

// links builds what labs itself makes before the routers start: each switch's bridge and every veth
// pair (router to router, and between hosts and switches), with the hosts' addresses and the
// switches' VLANs.
func (d *deployer) links() error {
	t := d.t
	for _, n := range t.Nodes {
		if n.Kind == Switch {
			if err := addBridge(NetnsName(t.Name, n.Name), len(n.SwitchVLANs()) > 0); err != nil {
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

// addBridge makes the switch's bridge. A switch with VLANs gets a VLAN-aware one, whose ports join VLAN
// 1 untagged unless told otherwise; a switch without (every port in VLAN 1) a plain one, which does
// the same and needs no kernel support for VLAN filtering.
func addBridge(ns string, vlans bool) error {
	args := []string{"-n", ns, "link", "add", bridgeName, "type", "bridge"}
	if vlans {
		args = append(args, "vlan_filtering", "1", "vlan_default_pvid", "1")
	}
	if err := ipCmd(args...); err != nil {
		if vlans && strings.Contains(err.Error(), "not supported") {
			return fmt.Errorf("VLANs need a kernel whose bridge filters VLANs (CONFIG_BRIDGE_VLAN_FILTERING), and this one does not: %v", err)
		}
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

// switchPortUp enslaves port to the switch's bridge with its VLANs and sets it up. An access port in
// VLAN v carries v untagged (and leaves VLAN 1); a trunk carries every VLAN of the switch tagged and
// VLAN 1 untagged (native VLAN 1, as on Cisco switches).
func switchPortUp(t *Topology, sw *Node, port string) error {
	ns := NetnsName(t.Name, sw.Name)
	if err := ipCmd("-n", ns, "link", "set", "dev", port, "master", bridgeName); err != nil {
		return err
	}
	var cmds [][]string
	if v, ok := sw.VLANs[port]; ok && v != 1 {
		id := strconv.Itoa(int(v))
		cmds = append(cmds, []string{"vlan", "add", "dev", port, "vid", id, "pvid", "untagged"}, []string{"vlan", "del", "dev", port, "vid", "1"})
	}
	if sw.PortMode(port) == "trunk" { // on a plain bridge (no VLANs but 1) there is nothing to add
		for _, v := range sw.SwitchVLANs() {
			cmds = append(cmds, []string{"vlan", "add", "dev", port, "vid", strconv.Itoa(int(v))})
		}
	}
	for _, c := range cmds {
		if err := bridgeCmd(ns, c...); err != nil {
			return err
		}
	}
	return ipCmd("-n", ns, "link", "set", "dev", port, "up")
}

// attachTAPs makes each TAP router n created in a switch (it must exist by now) a port of that
// switch's bridge.
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
