package labs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Error is one problem in a topology file, located by line and field path.
type Error struct {
	File  string
	Line  int
	Field string // e.g. topology.nodes.pc1.ip
	Msg   string
}

func (e *Error) Error() string {
	if e.Line == 0 { // about the whole file
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// ErrorList is every problem found in one file, in file order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// maxErrors stops a hopeless file from printing pages of errors.
const maxErrors = 20

// Defaults for checks.
const (
	DefaultCheckTimeout = 10 * time.Second
	DefaultInterfaces   = 4
	MaxInterfaces       = 64
)

// LoadFile reads and checks a topology file; relative paths in it are read from its directory.
func LoadFile(file string) (*Topology, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	data, err := readLimited(abs, defaultLimits.fileSize)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(abs)
	t, err := Parse(data, abs, os.DirFS(dir), ".")
	if t != nil {
		t.Dir = dir
	}
	return t, err
}

// Parse checks a topology file. source names it in messages; relative paths (startup-config) are read
// from fsys under dir.
func Parse(data []byte, source string, fsys fs.FS, dir string) (*Topology, error) {
	return parse(data, source, fsys, dir, defaultLimits)
}

func parse(data []byte, source string, fsys fs.FS, dir string, lim limits) (*Topology, error) {
	if len(data) > lim.fileSize {
		return nil, ErrorList{sizeError(source, len(data), lim.fileSize)}
	}
	p := &parser{file: source, fsys: fsys, dir: dir, lim: lim, t: &Topology{Source: source, FS: fsys, Raw: data}, src: map[*Node]nodeSrc{}, taskNames: map[string]bool{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, ErrorList{p.yamlError(err)}
	}
	if len(doc.Content) == 0 {
		return nil, ErrorList{{File: source, Line: 1, Msg: "the file is empty (want name, topology.nodes and topology.links)"}}
	}
	p.top(doc.Content[0])
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return p.t, nil
}

// tooMany reports a list (or mapping) of more than limit entries, at the line of its key in parent,
// before any entry is checked: a file that is refused anyway should not cost time.
func (p *parser) tooMany(parent, list *yaml.Node, field, what string, count, limit int) bool {
	if count <= limit || list.Kind != yaml.SequenceNode && list.Kind != yaml.MappingNode {
		return false
	}
	at := list
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i+1] == list {
			at = parent.Content[i]
		}
	}
	p.errorf(at, field, "%d %s; a lab has at most %d", count, what, limit)
	return true
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

func (p *parser) yamlError(err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.Replace(msg, m[0], "", 1)
	}
	return &Error{File: p.file, Line: line, Msg: "not valid YAML: " + msg}
}

type parser struct {
	file string
	fsys fs.FS
	dir  string
	lim  limits
	t    *Topology
	errs ErrorList

	src       map[*Node]nodeSrc
	taskNodes []*yaml.Node
	taskNames map[string]bool
	checks    []checkSrc
}

func (p *parser) errorf(n *yaml.Node, field, format string, a ...any) {
	if len(p.errs) >= maxErrors {
		return
	}
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, a...)})
}

// fields walks a mapping, calling the handler of each known key and reporting unknown ones.
func (p *parser) fields(n *yaml.Node, field string, handlers map[string]func(v *yaml.Node, field string)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, field, "want a mapping with %s", keyList(handlers))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub := join(field, k.Value)
		h, ok := handlers[k.Value]
		switch {
		case !ok:
			p.errorf(k, sub, "unknown field (want %s)", keyList(handlers))
		case seen[k.Value]:
			p.errorf(k, sub, "given twice")
		default:
			seen[k.Value] = true
			h(v, sub)
		}
	}
}

func keyList(m map[string]func(*yaml.Node, string)) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return strings.Join(keys, ", ")
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func (p *parser) str(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, field, "want a string")
		return "", false
	}
	return n.Value, true
}

func (p *parser) integer(n *yaml.Node, field string, lo, hi int) (int, bool) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < lo || v > hi {
		p.errorf(n, field, "want a whole number from %d to %d", lo, hi)
		return 0, false
	}
	return v, true
}

// strings accepts one string or a list of strings.
func (p *parser) strings(n *yaml.Node, field string) []string {
	if n.Kind == yaml.ScalarNode {
		s, _ := p.str(n, field)
		return []string{s}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, field, "want a string or a list of strings")
		return nil
	}
	var out []string
	for i, c := range n.Content {
		if s, ok := p.str(c, fmt.Sprintf("%s[%d]", field, i)); ok {
			out = append(out, s)
		}
	}
	return out
}

// duration accepts seconds (10, 2.5) or a Go duration ("10s", "500ms").
func (p *parser) duration(n *yaml.Node, field string) (time.Duration, bool) {
	if n.Kind == yaml.ScalarNode {
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && f >= 0 && f <= 3600 {
			return time.Duration(f * float64(time.Second)), true
		}
		if d, err := time.ParseDuration(n.Value); err == nil && d >= 0 && d <= time.Hour {
			return d, true
		}
	}
	p.errorf(n, field, "want seconds (10) or a duration (10s, 500ms) up to an hour")
	return 0, false
}

func (p *parser) top(n *yaml.Node) {
	var nameNode, topoNode *yaml.Node
	p.fields(n, "", map[string]func(*yaml.Node, string){
		"name": func(v *yaml.Node, f string) {
			nameNode = v
			if s, ok := p.str(v, f); ok {
				if !validName(s) || len(s) > 12 {
					p.errorf(v, f, "%q: want up to 12 letters, digits, - or _ (it prefixes namespace and device names)", s)
				}
				p.t.Name = s
			}
		},
		"message":  func(v *yaml.Node, f string) { p.t.Message, _ = p.str(v, f) },
		"topology": func(v *yaml.Node, f string) { topoNode = v },
		"tasks": func(v *yaml.Node, f string) {
			if p.tooMany(n, v, f, "tasks", len(v.Content), p.lim.tasks) {
				return
			}
			p.tasks(v, f)
		},
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if nameNode == nil {
		p.errorf(n, "name", "missing (every lab has a name: its namespaces are <name>-<node>)")
	}
	if topoNode == nil {
		p.errorf(n, "topology", "missing (want topology.nodes and topology.links)")
		return
	}
	p.topology(topoNode)
	p.checkTasks()
}

func (p *parser) topology(n *yaml.Node) {
	var nodes, links *yaml.Node
	defaultKind := Host
	p.fields(n, "topology", map[string]func(*yaml.Node, string){
		"defaults": func(v *yaml.Node, f string) {
			p.fields(v, f, map[string]func(*yaml.Node, string){
				"kind": func(v *yaml.Node, f string) {
					if k, ok := p.kind(v, f); ok {
						defaultKind = k
					}
				},
			})
		},
		"nodes": func(v *yaml.Node, f string) { nodes = v },
		"links": func(v *yaml.Node, f string) { links = v },
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if nodes == nil {
		p.errorf(n, "topology.nodes", "missing")
		return
	}
	if nodes.Kind != yaml.MappingNode {
		p.errorf(nodes, "topology.nodes", "want a mapping of node names to their settings")
		return
	}
	if p.tooMany(n, nodes, "topology.nodes", "nodes", len(nodes.Content)/2, p.lim.nodes) ||
		links != nil && p.tooMany(n, links, "topology.links", "links", len(links.Content), p.lim.links) {
		return
	}
	for i := 0; i+1 < len(nodes.Content); i += 2 {
		k, v := nodes.Content[i], nodes.Content[i+1]
		f := "topology.nodes." + k.Value
		if !validName(k.Value) {
			p.errorf(k, f, "node name %q: want letters, digits, - or _", k.Value)
			continue
		}
		if p.t.Node(k.Value) != nil { // a mapping with a key given twice
			p.errorf(k, f, "node defined twice")
			continue
		}
		p.node(k.Value, v, f, defaultKind)
	}
	if links != nil {
		p.links(links)
	}
	for _, nd := range p.t.Nodes {
		p.checkNode(nd)
	}
}

func (p *parser) tasks(n *yaml.Node, field string) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, field, "want a list of tasks, each with name, points and checks")
		return
	}
	for i, tn := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		t := &Task{Points: 1}
		var inline *Check
		checkField := func(apply func(c *Check, v *yaml.Node, f string)) func(*yaml.Node, string) {
			return func(v *yaml.Node, f string) {
				if inline == nil {
					inline = &Check{RC: 0, Timeout: DefaultCheckTimeout, Line: tn.Line}
				}
				apply(inline, v, f)
			}
		}
		handlers := map[string]func(*yaml.Node, string){
			"name": func(v *yaml.Node, f string) {
				t.Name, _ = p.str(v, f)
				if t.Name != "" && !validName(t.Name) {
					p.errorf(v, f, "%q: want letters, digits, - or _ (it is typed on the command line: labs check NAME)", t.Name)
				}
			},
			"description": func(v *yaml.Node, f string) { t.Description, _ = p.str(v, f) },
			"points":      func(v *yaml.Node, f string) { t.Points, _ = p.integer(v, f, 0, 1000) },
			"wait":        func(v *yaml.Node, f string) { t.Wait, _ = p.duration(v, f) },
			"pass":        func(v *yaml.Node, f string) { t.Pass, _ = p.str(v, f) },
			"fail":        func(v *yaml.Node, f string) { t.Fail, _ = p.str(v, f) },
			"checks": func(v *yaml.Node, f string) {
				if v.Kind != yaml.SequenceNode {
					p.errorf(v, f, "want a list of checks, each with node and exec or cli")
					return
				}
				for j, cn := range v.Content {
					c := &Check{Timeout: DefaultCheckTimeout, Line: cn.Line}
					p.fields(cn, fmt.Sprintf("%s[%d]", f, j), checkHandlers(p, func(apply func(c *Check, v *yaml.Node, f string)) func(*yaml.Node, string) {
						return func(v *yaml.Node, f string) { apply(c, v, f) }
					}))
					p.checkCheck(c, cn, fmt.Sprintf("%s[%d]", f, j))
					t.Checks = append(t.Checks, c)
				}
			},
		}
		for k, h := range checkHandlers(p, checkField) {
			handlers[k] = h
		}
		p.fields(tn, f, handlers)
		if tn.Kind != yaml.MappingNode {
			continue
		}
		if t.Name == "" {
			p.errorf(tn, f+".name", "missing")
		}
		if inline != nil {
			if len(t.Checks) > 0 {
				p.errorf(tn, f, "give the check inline (node, exec/cli, ...) or as checks, not both")
			}
			p.checkCheck(inline, tn, f)
			t.Checks = append(t.Checks, inline)
		}
		if len(t.Checks) == 0 {
			p.errorf(tn, f+".checks", "missing (want node and exec or cli)")
		}
		if p.taskNames[t.Name] && t.Name != "" {
			p.errorf(tn, f+".name", "task %q defined twice", t.Name)
		}
		p.taskNames[t.Name] = true
		p.t.Tasks = append(p.t.Tasks, t)
		p.taskNodes = append(p.taskNodes, tn)
	}
}

// checkHandlers are the fields of one check; wrap binds them to the check being built.
func checkHandlers(p *parser, wrap func(func(c *Check, v *yaml.Node, f string)) func(*yaml.Node, string)) map[string]func(*yaml.Node, string) {
	re := func(v *yaml.Node, f string) *regexp.Regexp {
		s, ok := p.str(v, f)
		if !ok {
			return nil
		}
		r, err := regexp.Compile("(?m)" + s)
		if err != nil {
			p.errorf(v, f, "bad regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return nil
		}
		return r
	}
	node := wrap(func(c *Check, v *yaml.Node, f string) { c.Node, _ = p.str(v, f) })
	return map[string]func(*yaml.Node, string){
		"node":     node,
		"on":       node,
		"exec":     wrap(func(c *Check, v *yaml.Node, f string) { c.Exec, _ = p.str(v, f) }),
		"cli":      wrap(func(c *Check, v *yaml.Node, f string) { c.CLI, _ = p.str(v, f) }),
		"rc":       wrap(func(c *Check, v *yaml.Node, f string) { c.RC, _ = p.integer(v, f, 0, 255) }),
		"match":    wrap(func(c *Check, v *yaml.Node, f string) { c.Match = re(v, f) }),
		"no-match": wrap(func(c *Check, v *yaml.Node, f string) { c.NoMatch = re(v, f) }),
		"json": wrap(func(c *Check, v *yaml.Node, f string) {
			for i, s := range p.strings(v, f) {
				jc, err := ParseJSONCond(s)
				if err != nil {
					p.errorf(v, f, "condition %d: %v", i+1, err)
					continue
				}
				c.JSON = append(c.JSON, jc)
			}
		}),
		"timeout":  wrap(func(c *Check, v *yaml.Node, f string) { c.Timeout, _ = p.duration(v, f) }),
		"fail-msg": wrap(func(c *Check, v *yaml.Node, f string) { c.Fail, _ = p.str(v, f) }),
	}
}

func (p *parser) checkCheck(c *Check, n *yaml.Node, field string) {
	switch {
	case c.Node == "":
		p.errorf(n, field+".node", "missing (the host or router the check runs on)")
	case c.Exec == "" && c.CLI == "":
		p.errorf(n, field, "want exec (a command on a host) or cli (a command on a router)")
	case c.Exec != "" && c.CLI != "":
		p.errorf(n, field, "give exec or cli, not both")
	case len(c.JSON) > 0 && c.CLI == "":
		p.errorf(n, field+".json", "json matches a router's show output: give it with cli")
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultCheckTimeout
	}
	p.checks = append(p.checks, checkSrc{c, n, field})
}

type checkSrc struct {
	c     *Check
	n     *yaml.Node
	field string
}

// checkTasks checks what depends on the nodes: each check runs on a node of the right kind.
func (p *parser) checkTasks() {
	for _, cs := range p.checks {
		c := cs.c
		if c.Node == "" {
			continue
		}
		nd := p.t.Node(c.Node)
		switch {
		case nd == nil:
			p.errorf(cs.n, cs.field+".node", "there is no node %q in topology.nodes", c.Node)
		case c.Exec != "" && nd.Kind == Router:
			p.errorf(cs.n, cs.field+".exec", "%s is a router: use cli for router checks", c.Node)
		case c.CLI != "" && nd.Kind != Router:
			p.errorf(cs.n, cs.field+".cli", "%s is a %s: use exec for %s checks", c.Node, nd.Kind, nd.Kind)
		}
	}
}
