package web

import (
	"natlab/labs"
)

// Lab is what the server shows. *labs.Lab provides it through FromLab; tests give their own.
type Lab interface {
	// Topology is the lab's drawing: nodes, interfaces, links and node states.
	Topology() Topology
	// ConsolePath is a router's console socket ("" and an error for a node that is not a router).
	ConsolePath(node string) (string, error)
}

// Topology is the lab as /api/topology serves it.
type Topology struct {
	Lab   string `json:"lab"`
	Nodes []Node `json:"nodes"`
	Links []Link `json:"links"`
}

// Node is one node of the drawing.
type Node struct {
	Name  string      `json:"name"`
	Kind  labs.Kind   `json:"kind"`
	State string      `json:"state,omitempty"` // running, exited, ... (labs inspect's)
	Ifs   []Interface `json:"ifs"`
}

// Interface is a link end on a node: a host's address comes from the topology, a router's from its
// own `show ip interface brief` (State fills it in).
type Interface struct {
	Name  string `json:"name"`  // GigabitEthernet0/1, eth0
	Short string `json:"short"` // Gi0/1, eth0
	Addr  string `json:"addr,omitempty"`
}

// Link joins two interfaces.
type Link struct {
	ID   string        `json:"id"` // "r1:Gi0/1-isp:eth0"
	Kind labs.LinkKind `json:"kind"`
	A    End           `json:"a"`
	B    End           `json:"b"`
}

// End is one end of a link.
type End struct {
	Node string `json:"node"`
	If   string `json:"if"` // as the node names it (GigabitEthernet0/1)
}

// FromLab serves a running lab.
func FromLab(l *labs.Lab) Lab { return runningLab{l} }

type runningLab struct{ l *labs.Lab }

func (r runningLab) ConsolePath(node string) (string, error) { return r.l.ConsolePath(node) }

func (r runningLab) Topology() Topology {
	state := map[string]string{}
	for _, st := range r.l.Status() {
		state[st.Name] = st.State
	}
	return BuildTopology(r.l.Topo, state)
}

// BuildTopology draws t, with each node's state from states (by name; missing: unknown).
func BuildTopology(t *labs.Topology, states map[string]string) Topology {
	out := Topology{Lab: t.Name, Nodes: []Node{}, Links: []Link{}}
	ifs := map[string][]Interface{}
	for _, l := range t.Links {
		a, b := l.Ends[0], l.Ends[1]
		if a.Node.Kind != labs.Router && b.Node.Kind == labs.Router {
			a, b = b, a // routers first, as labs graph draws them
		}
		link := Link{Kind: l.Kind(), A: End{a.Node.Name, a.If}, B: End{b.Node.Name, b.If}}
		link.ID = LinkID(a.Node.Name, a.If, b.Node.Name, b.If)
		out.Links = append(out.Links, link)
		for _, e := range []labs.End{a, b} {
			in := Interface{Name: e.If, Short: e.If}
			if e.Node.Kind == labs.Router {
				in.Short = labs.ShortInterface(e.If)
			} else if p := e.Node.AddrOf(e.If); p.IsValid() {
				in.Addr = p.String()
			}
			ifs[e.Node.Name] = append(ifs[e.Node.Name], in)
		}
	}
	for _, n := range t.Nodes {
		node := Node{Name: n.Name, Kind: n.Kind, State: states[n.Name], Ifs: ifs[n.Name]}
		if node.Ifs == nil {
			node.Ifs = []Interface{}
		}
		out.Nodes = append(out.Nodes, node)
	}
	return out
}

// LinkID names a link by its ends, router ends with their short interface names.
func LinkID(a, aIf, b, bIf string) string {
	return a + ":" + labs.ShortInterface(aIf) + "-" + b + ":" + labs.ShortInterface(bIf)
}
