package labs

import (
	"fmt"
	"io/fs"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Kind is what a node is.
type Kind string

// Node kinds.
const (
	Router Kind = "router" // a router process (cmd/router) configured by an IOS startup-config
	Host   Kind = "host"   // a network namespace running ordinary programs
	Switch Kind = "switch" // a Linux bridge (br0, VLAN-aware) in a namespace of its own
)

// Topology is a parsed and checked lab.
type Topology struct {
	Name    string
	Message string // printed after `labs up`
	Nodes   []*Node
	Links   []*Link
	Tasks   []*Task
	// Source names the file (or "embedded:PATH"); Dir is the directory its relative paths are read
	// from (nil for an embedded lab: FS is used).
	Source string
	Dir    string
	FS     fs.FS
	Raw    []byte // the file as read, kept with the running lab so checks work without the file

	// The nodes by name and the links by node, so that lookups do not scan (a lab of many nodes
	// would parse in quadratic time). They cover the first indexed nodes and links.
	byName       map[string]*Node
	linksOf      map[*Node][]*Link
	indexedNodes int
	indexedLinks int
}

// Node is one router or host.
type Node struct {
	Name string
	Kind Kind
	Line int // where the node is defined, for messages

	// Router nodes.
	StartupConfig     string // path as written in the file ("" = none)
	StartupConfigText string // its contents
	Interfaces        int    // GigabitEthernet0/0 .. 0/(N-1)
	Restart           string // RestartNo (default) or RestartOnFailure
	// Username and Password are how automation logs in to the router over SSH or telnet (labs
	// inventory); the startup-config must agree (username ... secret ..., line vty ... login local).
	Username string
	Password string

	// Host nodes.
	Addr    netip.Prefix // ip: the address of its one interface (zero = none)
	DHCP    bool         // ip: dhcp: its interfaces take their address and gateway from a DHCP server (dhclient)
	IfAddrs []IfAddr     // interfaces: several interfaces and their addresses, in file order
	Gateway netip.Addr   // default route (zero = none)
	Routes  []Route
	Exec    []string // shell commands run in the namespace after addressing; "... &" runs in the background

	// Switch nodes.
	VLANs  map[string]uint16 // access port -> its VLAN (ports not named are access ports in VLAN 1)
	Trunks []string          // trunk ports: every VLAN of the switch tagged, VLAN 1 untagged
}

// IfAddr is one interface of a host with several.
type IfAddr struct {
	Name string
	Addr netip.Prefix // zero = none
}

// AddrOf is the address of the host's interface ifname: from interfaces:, or ip: for a host with one
// interface (whatever its link calls it).
func (n *Node) AddrOf(ifname string) netip.Prefix {
	if len(n.IfAddrs) == 0 {
		return n.Addr
	}
	for _, ia := range n.IfAddrs {
		if ia.Name == ifname {
			return ia.Addr
		}
	}
	return netip.Prefix{}
}

// Addrs lists the host's addresses (for graphs).
func (n *Node) Addrs() []netip.Prefix {
	if n.Addr.IsValid() {
		return []netip.Prefix{n.Addr}
	}
	var out []netip.Prefix
	for _, ia := range n.IfAddrs {
		if ia.Addr.IsValid() {
			out = append(out, ia.Addr)
		}
	}
	return out
}

// GatewayOn is the host's default gateway when it lies on the subnet of ifname (the route goes out
// there), else zero.
func (n *Node) GatewayOn(ifname string) netip.Addr {
	a := n.AddrOf(ifname)
	if n.Gateway.IsValid() && a.IsValid() && a.Masked().Contains(n.Gateway) {
		return n.Gateway
	}
	return netip.Addr{}
}

// PortMode is how a switch port carries VLANs: "trunk", or "access N".
func (n *Node) PortMode(port string) string {
	if slices.Contains(n.Trunks, port) {
		return "trunk"
	}
	if v, ok := n.VLANs[port]; ok {
		return fmt.Sprintf("access %d", v)
	}
	return "access 1"
}

// SwitchVLANs lists the VLANs named on a switch other than VLAN 1, sorted: what its trunks carry
// tagged.
func (n *Node) SwitchVLANs() []uint16 {
	var out []uint16
	for _, v := range n.VLANs {
		if v != 1 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Route is a static route on a host.
type Route struct {
	Prefix netip.Prefix
	Via    netip.Addr
}

func (r Route) String() string { return r.Prefix.String() + " via " + r.Via.String() }

// End is one end of a link: a node and its interface (a router's canonical: GigabitEthernet0/1; a
// host's or a switch's Linux name: eth0, p1).
type End struct {
	Node *Node
	If   string
}

func (e End) String() string {
	if e.Node.Kind == Router {
		return e.Node.Name + ":" + ShortInterface(e.If)
	}
	return e.Node.Name + ":" + e.If
}

// Link joins two interfaces of two nodes.
type Link struct {
	Ends [2]End // as written
	Line int
}

// LinkKind is how a link is built.
type LinkKind string

// Link kinds.
const (
	LinkTUN  LinkKind = "tun"  // router to host: the router's TUN, moved into the host (IP only)
	LinkTAP  LinkKind = "tap"  // router to switch: the router's TAP, moved into the switch (Ethernet)
	LinkEth  LinkKind = "eth"  // router to router: a veth pair the routers open with AF_PACKET (Ethernet)
	LinkVeth LinkKind = "veth" // host or switch to host or switch: a veth pair
)

// Kind says how the link is built, from the kinds of its ends.
func (l *Link) Kind() LinkKind {
	a, b := l.Ends[0].Node.Kind, l.Ends[1].Node.Kind
	switch {
	case a == Router && b == Router:
		return LinkEth
	case a == Router && b == Switch || a == Switch && b == Router:
		return LinkTAP
	case a == Router || b == Router:
		return LinkTUN
	}
	return LinkVeth
}

// At returns the end of the link on node n and the far end.
func (l *Link) At(n *Node) (here, far End) {
	if l.Ends[0].Node == n {
		return l.Ends[0], l.Ends[1]
	}
	return l.Ends[1], l.Ends[0]
}

// drawn is the link's ends in the order a graph draws them: a router first, then a switch, then a
// host (so a router's link reads Gi0/0 - eth0 whichever way it was written).
func (l *Link) drawn() (End, End) {
	rank := map[Kind]int{Router: 0, Switch: 1, Host: 2}
	if rank[l.Ends[1].Node.Kind] < rank[l.Ends[0].Node.Kind] {
		return l.Ends[1], l.Ends[0]
	}
	return l.Ends[0], l.Ends[1]
}

// Task is one graded item: its checks must all pass (retried until Wait has passed).
type Task struct {
	Name        string
	Description string
	Points      int
	Wait        time.Duration
	Pass, Fail  string
	Checks      []*Check
}

// Check is one test on a node: a program on a host or a CLI command on a router.
type Check struct {
	Node    string
	Exec    string // shell command on a host
	CLI     string // CLI line(s) on a router, run from privileged EXEC
	RC      int    // wanted exit status of Exec (default 0)
	Match   *regexp.Regexp
	NoMatch *regexp.Regexp
	// JSON conditions (`json: PATH OP VALUE`, jsonpath.go) must all hold on
	// the document the last CLI line prints with `| json`.
	JSON    []*JSONCond
	Timeout time.Duration // one attempt
	Fail    string        // message when this check fails (default: the task's)
	Line    int
}

// Node returns the node called name, or nil.
func (t *Topology) Node(name string) *Node {
	t.index()
	return t.byName[name]
}

// LinksOf lists the links that end on the node, in file order.
func (t *Topology) LinksOf(n *Node) []*Link {
	t.index()
	return slices.Clip(t.linksOf[n]) // a caller's append must not write into the index
}

// addNode and addLink grow the topology and its index together.
func (t *Topology) addNode(n *Node) {
	t.Nodes = append(t.Nodes, n)
	t.index()
}

func (t *Topology) addLink(l *Link) {
	t.Links = append(t.Links, l)
	t.index()
}

// index brings the index up to date with nodes and links appended since (a Topology built by hand
// starts with none indexed). The first node of a name wins, as a lookup by scanning would find it.
func (t *Topology) index() {
	if t.byName == nil || t.indexedNodes > len(t.Nodes) || t.indexedLinks > len(t.Links) {
		t.byName, t.linksOf, t.indexedNodes, t.indexedLinks = map[string]*Node{}, map[*Node][]*Link{}, 0, 0
	}
	for _, n := range t.Nodes[t.indexedNodes:] {
		if _, dup := t.byName[n.Name]; !dup {
			t.byName[n.Name] = n
		}
	}
	t.indexedNodes = len(t.Nodes)
	for _, l := range t.Links[t.indexedLinks:] {
		a, b := l.Ends[0].Node, l.Ends[1].Node
		t.linksOf[a] = append(t.linksOf[a], l)
		if b != a {
			t.linksOf[b] = append(t.linksOf[b], l)
		}
	}
	t.indexedLinks = len(t.Links)
}

// canonicalInterface expands an IOS interface abbreviation (g0/1, Gi0/1, gig 0/1) to the router's
// full name. Only GigabitEthernet interfaces can carry a link.
func canonicalInterface(s string) (string, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	i := strings.IndexAny(t, "0123456789")
	if i <= 0 || !strings.HasPrefix("gigabitethernet", strings.ToLower(t[:i])) {
		return "", fmt.Errorf("%q is not a router interface such as GigabitEthernet0/1 or Gi0/1", s)
	}
	num := t[i:]
	slot, port, ok := strings.Cut(num, "/")
	if !ok || slot != "0" || !allDigits(port) || len(port) > 2 {
		return "", fmt.Errorf("%q is not a router interface such as GigabitEthernet0/1 or Gi0/1", s)
	}
	return "GigabitEthernet0/" + strings.TrimLeft(port[:len(port)-1], "0") + port[len(port)-1:], nil
}

// interfaceNumber is n of GigabitEthernet0/n.
func interfaceNumber(canonical string) int {
	var n int
	fmt.Sscanf(strings.TrimPrefix(canonical, "GigabitEthernet0/"), "%d", &n)
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ShortInterface is the IOS short form: GigabitEthernet0/1 -> Gi0/1.
func ShortInterface(s string) string {
	if rest, ok := strings.CutPrefix(s, "GigabitEthernet"); ok {
		return "Gi" + rest
	}
	return s
}
