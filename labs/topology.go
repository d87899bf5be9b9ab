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

	// Host nodes.
	Addr    netip.Prefix // address of its interface (zero = none)
	Gateway netip.Addr   // default route (zero = none)
	Routes  []Route
	Exec    []string // shell commands run in the namespace after addressing; "... &" runs in the background
}

// Route is a static route on a host.
type Route struct {
	Prefix netip.Prefix
	Via    netip.Addr
}

func (r Route) String() string { return r.Prefix.String() + " via " + r.Via.String() }

// Link joins a router interface and a host interface.
type Link struct {
	Router     *Node
	RouterIf   string // canonical: GigabitEthernet0/1
	Host       *Node
	HostIf     string // eth0
	Line       int
	routerSide int // index of the router endpoint as written (for graphs in the file's order)
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

// HostLink is the link of a host (hosts have one interface), or nil.
func (t *Topology) HostLink(n *Node) *Link {
	for _, l := range t.LinksOf(n) {
		if l.Host == n {
			return l
		}
	}
	return nil
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
		t.linksOf[l.Router] = append(t.linksOf[l.Router], l)
		if l.Host != l.Router {
			t.linksOf[l.Host] = append(t.linksOf[l.Host], l)
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
