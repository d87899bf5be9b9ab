package labs

import (
	"fmt"
	"io"
	"strings"
)

// nodeLabel is what a graph shows for a node.
func nodeLabel(n *Node) string {
	if n.Kind == Router {
		return n.Name + " (router)"
	}
	if n.Addr.IsValid() {
		return n.Name + " " + n.Addr.String()
	}
	return n.Name
}

// Mermaid writes the topology as a Mermaid flowchart (GitHub renders it in Markdown).
func (t *Topology) Mermaid(w io.Writer) {
	fmt.Fprintln(w, "graph LR")
	for _, n := range t.Nodes {
		shape := `["%s"]`
		if n.Kind == Router {
			shape = `(["%s"])`
		}
		fmt.Fprintf(w, "  %s"+shape+"\n", mermaidID(n.Name), nodeLabel(n))
	}
	for _, l := range t.Links {
		fmt.Fprintf(w, "  %s ---|\"%s - %s\"| %s\n", mermaidID(l.Router.Name), ShortInterface(l.RouterIf), l.HostIf, mermaidID(l.Host.Name))
	}
}

// mermaidID keeps node names that are Mermaid keywords ("end", "graph") from breaking the chart.
func mermaidID(s string) string { return "n_" + strings.ReplaceAll(s, "-", "_") }

// Dot writes the topology in Graphviz dot (dot -Tsvg).
func (t *Topology) Dot(w io.Writer) {
	fmt.Fprintf(w, "graph %q {\n  layout=neato; overlap=false; node [shape=box, fontname=Helvetica];\n", t.Name)
	for _, n := range t.Nodes {
		shape := ""
		if n.Kind == Router {
			shape = ", shape=ellipse"
		}
		fmt.Fprintf(w, "  %q [label=%q%s];\n", n.Name, nodeLabel(n), shape)
	}
	for _, l := range t.Links {
		fmt.Fprintf(w, "  %q -- %q [taillabel=%q, headlabel=%q];\n", l.Router.Name, l.Host.Name, ShortInterface(l.RouterIf), l.HostIf)
	}
	fmt.Fprintln(w, "}")
}
