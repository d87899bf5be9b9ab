package labs

import (
	"fmt"
	"io"
	"strings"
)

// nodeLabel is what a graph shows for a node.
func nodeLabel(n *Node) string {
	switch n.Kind {
	case Router:
		return n.Name + " (router)"
	case Switch:
		return n.Name + " (switch)"
	}
	label := n.Name
	for _, a := range n.Addrs() {
		label += " " + a.String()
	}
	return label
}

// endLabel is how a graph names a link end: the router's short interface name, a switch port with its
// VLAN when it is not VLAN 1, a host's interface.
func endLabel(e End) string {
	switch e.Node.Kind {
	case Router:
		return ShortInterface(e.If)
	case Switch:
		if mode := e.Node.PortMode(e.If); mode != "access 1" {
			return e.If + " " + strings.Replace(mode, "access ", "vlan ", 1)
		}
	}
	return e.If
}

// Mermaid writes the topology as a Mermaid flowchart (GitHub renders it in Markdown): routers are
// stadiums, switches hexagons, hosts boxes.
func (t *Topology) Mermaid(w io.Writer) {
	fmt.Fprintln(w, "graph LR")
	for _, n := range t.Nodes {
		shape := `["%s"]`
		switch n.Kind {
		case Router:
			shape = `(["%s"])`
		case Switch:
			shape = `{{"%s"}}`
		}
		fmt.Fprintf(w, "  %s"+shape+"\n", mermaidID(n.Name), nodeLabel(n))
	}
	for _, l := range t.Links {
		a, b := l.drawn()
		fmt.Fprintf(w, "  %s ---|\"%s - %s\"| %s\n", mermaidID(a.Node.Name), endLabel(a), endLabel(b), mermaidID(b.Node.Name))
	}
}

// mermaidID keeps node names that are Mermaid keywords ("end", "graph") from breaking the chart.
func mermaidID(s string) string { return "n_" + strings.ReplaceAll(s, "-", "_") }

// Dot writes the topology in Graphviz dot (dot -Tsvg): routers are ellipses, switches 3D boxes, hosts
// boxes.
func (t *Topology) Dot(w io.Writer) {
	fmt.Fprintf(w, "graph %q {\n  layout=neato; overlap=false; node [shape=box, fontname=Helvetica];\n", t.Name)
	for _, n := range t.Nodes {
		shape := ""
		switch n.Kind {
		case Router:
			shape = ", shape=ellipse"
		case Switch:
			shape = ", shape=box3d"
		}
		fmt.Fprintf(w, "  %q [label=%q%s];\n", n.Name, nodeLabel(n), shape)
	}
	for _, l := range t.Links {
		a, b := l.drawn()
		fmt.Fprintf(w, "  %q -- %q [taillabel=%q, headlabel=%q];\n", a.Node.Name, b.Node.Name, endLabel(a), endLabel(b))
	}
	fmt.Fprintln(w, "}")
}
