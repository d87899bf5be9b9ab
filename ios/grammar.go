package ios

import (
	"fmt"
	"strconv"
	"strings"
)

// tokKind is the kind of one grammar token.
type tokKind uint8

const (
	kwTok     tokKind = iota // keyword: "show", "ftp-data", "*"
	addrTok                  // A.B.C.D
	rangeTok                 // (1-255)
	wordTok                  // WORD, NAME, any ALL-CAPS word: one word
	lineTok                  // LINE: the rest of the line
	ifnameTok                // IFNAME: interface type and number
)

// token is one leaf of a command's grammar.
type token struct {
	kind     tokKind
	text     string   // keyword text, or the token as written ("A.B.C.D", "WORD", "(1-255)")
	help     string   // its help string
	names    []string // its implicit name: the keyword text or the token text
	labels   []string // $labels, its own or its group's; they win over names
	min, max int64    // rangeTok bounds
}

// display is the token as `?` lists it.
func (t *token) display() string {
	if t.kind == rangeTok {
		return fmt.Sprintf("<%d-%d>", t.min, t.max)
	}
	return t.text
}

// key identifies a token for the shared-help rule: labels do not count.
func (t *token) key() string {
	if t.kind == kwTok {
		return "k:" + t.text
	}
	return "v:" + t.display()
}

type nodeOp uint8

const (
	opTok   nodeOp = iota
	opSeq          // a b c
	opOne          // <a|b>: exactly one
	opOpt          // [a|b]: zero or one
	opMulti        // {a|b}: one or more, any order, each at most once
)

// node is the syntax tree of a command definition.
type node struct {
	op   nodeOp
	tok  *token
	kids []*node
}

// syntaxError is what Install panics with for a malformed definition.
type syntaxError struct{ syntax, msg string }

func (e *syntaxError) Error() string { return fmt.Sprintf("ios: syntax %q: %s", e.syntax, e.msg) }

// lexSyntax splits a definition into punctuation and words; "$label" stays
// attached as its own item starting with '$'.
func lexSyntax(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case strings.IndexByte("<>[]{}|", c) >= 0:
			out = append(out, s[i:i+1])
			i++
		default:
			j := i
			if c == '$' {
				j++
			}
			for j < len(s) && strings.IndexByte(" \t<>[]{}|$", s[j]) < 0 {
				j++
			}
			item := s[i:j]
			if c == '$' && i > 0 && isBlank(s[i-1]) {
				item = "$" + item // a label must touch its token
			}
			out = append(out, item)
			i = j
		}
	}
	return out
}

type syntaxParser struct {
	syntax string
	items  []string
	pos    int
}

func (p *syntaxParser) fail(format string, a ...any) {
	panic(&syntaxError{p.syntax, fmt.Sprintf(format, a...)})
}

func (p *syntaxParser) peek() string {
	if p.pos < len(p.items) {
		return p.items[p.pos]
	}
	return ""
}

// parseSyntax parses a whole definition (without a leading "[no]").
func parseSyntax(syntax string) *node {
	p := &syntaxParser{syntax: syntax, items: lexSyntax(syntax)}
	n := p.seq()
	if p.pos != len(p.items) {
		p.fail("unexpected %q", p.peek())
	}
	if len(n.kids) == 0 {
		p.fail("empty command")
	}
	if n.nullable() {
		p.fail("the command may be empty")
	}
	p.checkMulti(n)
	return n
}

// nullable reports whether a node can match no words at all.
func (n *node) nullable() bool {
	switch n.op {
	case opTok:
		return false
	case opOpt:
		return true
	case opSeq:
		for _, k := range n.kids {
			if !k.nullable() {
				return false
			}
		}
		return true
	}
	for _, k := range n.kids {
		if k.nullable() {
			return true
		}
	}
	return false
}

// checkMulti rejects {} alternatives that may be empty: they would let the
// matcher loop without reading a word.
func (p *syntaxParser) checkMulti(n *node) {
	if n.op == opMulti {
		for _, k := range n.kids {
			if k.nullable() {
				p.fail("a {} alternative may be empty")
			}
		}
	}
	for _, k := range n.kids {
		p.checkMulti(k)
	}
}

// seq parses items up to a closing bracket or '|'.
func (p *syntaxParser) seq() *node {
	n := &node{op: opSeq}
	for {
		it := p.peek()
		switch it {
		case "", ">", "]", "}", "|":
			return n
		}
		p.pos++
		var item *node
		switch it {
		case "<":
			item = p.group(opOne, ">")
		case "[":
			item = p.group(opOpt, "]")
		case "{":
			item = p.group(opMulti, "}")
		default:
			if it[0] == '$' {
				p.fail("label %q without a token", it)
			}
			item = &node{op: opTok, tok: p.token(it)}
		}
		if l := p.peek(); l != "" && l[0] == '$' {
			p.pos++
			if len(l) == 1 || l[1] == '$' {
				p.fail("bad label %q", l)
			}
			addLabel(item, l[1:])
		}
		n.kids = append(n.kids, item)
	}
}

// addLabel names a token, or the first token of each alternative of a group.
func addLabel(n *node, label string) {
	switch n.op {
	case opTok:
		n.tok.labels = append(n.tok.labels, label)
	case opSeq:
		if len(n.kids) > 0 {
			addLabel(n.kids[0], label)
		}
	default:
		for _, k := range n.kids {
			addLabel(k, label)
		}
	}
}

func (p *syntaxParser) group(op nodeOp, closer string) *node {
	n := &node{op: op}
	for {
		alt := p.seq()
		if len(alt.kids) == 0 {
			p.fail("empty alternative")
		}
		n.kids = append(n.kids, alt)
		switch p.peek() {
		case "|":
			p.pos++
		case closer:
			p.pos++
			if op == opOne && len(n.kids) == 1 && closer == ">" {
				// "<x>" with one alternative is just x.
				return alt
			}
			return n
		default:
			p.fail("missing %q", closer)
		}
	}
}

func (p *syntaxParser) token(s string) *token {
	t := &token{text: s}
	switch {
	case s[0] == '(':
		lo, hi, ok := parseRangeToken(s)
		if !ok {
			p.fail("bad range %q", s)
		}
		t.kind, t.min, t.max = rangeTok, lo, hi
	case s == "A.B.C.D":
		t.kind = addrTok
	case s == "IFNAME":
		t.kind = ifnameTok
	case s == "LINE":
		t.kind = lineTok
	case isCaps(s):
		t.kind = wordTok
	case strings.ToLower(s) == s:
		t.kind = kwTok
		t.names = []string{s}
	default:
		p.fail("token %q mixes cases", s)
	}
	if t.kind != kwTok {
		t.names = []string{s}
	}
	return t
}

func parseRangeToken(s string) (lo, hi int64, ok bool) {
	if len(s) < 5 || s[0] != '(' || s[len(s)-1] != ')' {
		return 0, 0, false
	}
	a, b, found := strings.Cut(s[1:len(s)-1], "-")
	if !found {
		return 0, 0, false
	}
	lo, err1 := strconv.ParseInt(a, 10, 64)
	hi, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || lo < 0 || lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

// isCaps reports an ALL-CAPS value token such as WORD or NAME.
func isCaps(s string) bool {
	upper := false
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9', c == '-', c == '_', c == ':':
		default:
			return false
		}
	}
	return upper
}

// tokens lists the leaves left to right (the order of Command.Help).
func (n *node) tokens(out []*token) []*token {
	if n.op == opTok {
		return append(out, n.tok)
	}
	for _, k := range n.kids {
		out = k.tokens(out)
	}
	return out
}

// instOp is one instruction of a compiled command.
type instOp uint8

const (
	iTok   instOp = iota // match one token, then pc+1
	iSplit               // continue at every target in alts
	iJmp                 // continue at x
	iUse                 // fail if bit x is set, else set it ({} at most once)
	iMatch               // the command is complete
)

type inst struct {
	op   instOp
	tok  *token
	x    int
	alts []int
}

// program is a compiled command: a tiny NFA run by the matcher.
type program []inst

const maxMultiBits = 64

type compiler struct {
	prog program
	bits int
	err  string
}

func compile(n *node) (program, error) {
	c := &compiler{}
	c.emit(n)
	c.prog = append(c.prog, inst{op: iMatch})
	if c.err != "" {
		return nil, fmt.Errorf("%s", c.err)
	}
	for pc, in := range c.prog {
		if in.op == iTok && in.tok.kind == lineTok && !c.onlyMatchAfter(pc+1) {
			return nil, fmt.Errorf("LINE must be the last token")
		}
	}
	return c.prog, nil
}

// onlyMatchAfter reports whether nothing but the end of the command can
// follow pc.
func (c *compiler) onlyMatchAfter(pc int) bool {
	seen := map[int]bool{}
	var ok func(pc int) bool
	ok = func(pc int) bool {
		if seen[pc] {
			return true
		}
		seen[pc] = true
		in := c.prog[pc]
		switch in.op {
		case iMatch:
			return true
		case iJmp:
			return ok(in.x)
		case iSplit:
			for _, a := range in.alts {
				if !ok(a) {
					return false
				}
			}
			return true
		case iUse:
			return ok(pc + 1)
		}
		return false
	}
	return ok(pc)
}

func (c *compiler) add(in inst) int {
	c.prog = append(c.prog, in)
	return len(c.prog) - 1
}

func (c *compiler) emit(n *node) {
	switch n.op {
	case opTok:
		c.add(inst{op: iTok, tok: n.tok})
	case opSeq:
		for _, k := range n.kids {
			c.emit(k)
		}
	case opOne, opOpt:
		split := c.add(inst{op: iSplit})
		var jumps []int
		for _, k := range n.kids {
			c.prog[split].alts = append(c.prog[split].alts, len(c.prog))
			c.emit(k)
			jumps = append(jumps, c.add(inst{op: iJmp}))
		}
		end := len(c.prog)
		if n.op == opOpt {
			c.prog[split].alts = append(c.prog[split].alts, end)
		}
		for _, j := range jumps {
			c.prog[j].x = end
		}
	case opMulti:
		loop := c.add(inst{op: iSplit})
		var jumps []int
		for _, k := range n.kids {
			if c.bits >= maxMultiBits {
				c.err = "too many {} alternatives"
				return
			}
			c.prog[loop].alts = append(c.prog[loop].alts, len(c.prog))
			c.add(inst{op: iUse, x: c.bits})
			c.bits++
			c.emit(k)
			jumps = append(jumps, c.add(inst{op: iJmp}))
		}
		after := c.add(inst{op: iSplit})
		c.prog[after].alts = []int{loop, after + 1}
		for _, j := range jumps {
			c.prog[j].x = after
		}
	}
}
