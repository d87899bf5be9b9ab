package labs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// A check's `json: PATH OP VALUE` conditions match fields of a router's
// `show ... | json` document (see README.md, "Checks on JSON fields").
//
// PATH is a dot-separated list of steps from the top object:
//
//	name          the field of an object
//	name[*]       every element of the array under name
//	name[3]       element 3 (from 0; -1 is the last)
//	name[k=v]     the elements whose field k is v (a string compare, or
//	              an interface name in any IOS spelling: Gi0/1)
//	#             (last step only) the length of the array or object
//
// A path selects zero or more values; the condition holds when any of them
// compares true, and fails when the path selects nothing.

// maxPathSteps bounds a path; paths come from lab files.
const maxPathSteps = 64

// JSONCond is one parsed `PATH OP VALUE`.
type JSONCond struct {
	Text  string // as written
	path  string
	steps []pathStep
	count bool // the path ends in .#
	op    string
	value string
	re    *regexp.Regexp // op "matches"
}

type selKind uint8

const (
	selNone selKind = iota
	selAll
	selIndex
	selField
)

type pathStep struct {
	name string // "" for a selector applied to the value itself ([*] at the top)
	sels []selector
}

type selector struct {
	kind  selKind
	index int
	key   string
	value string
}

var jsonOps = []string{"==", "!=", "<=", ">=", "<", ">", "contains", "matches"}

// ParseJSONCond parses `PATH OP VALUE`. VALUE is the rest of the text,
// blanks trimmed; quotes around it ("..." or '...') are removed, so an
// empty or blank-edged value can be written.
func ParseJSONCond(s string) (*JSONCond, error) {
	s = strings.TrimSpace(s)
	c := &JSONCond{Text: s}
	end, depth := len(s), 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		}
		if depth == 0 && (s[i] == ' ' || s[i] == '\t') {
			end = i
			break
		}
	}
	path, rest := s[:end], strings.TrimSpace(s[end:])
	c.path = path
	if err := c.parsePath(path); err != nil {
		return nil, err
	}
	op, value := rest, ""
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		op, value = rest[:i], rest[i+1:]
	}
	if !validOp(op) {
		return nil, fmt.Errorf("%q: want PATH OP VALUE with OP one of %s", s, strings.Join(jsonOps, " "))
	}
	value = strings.TrimSpace(value)
	if n := len(value); n >= 2 && (value[0] == '"' && value[n-1] == '"' || value[0] == '\'' && value[n-1] == '\'') {
		value = value[1 : n-1]
	}
	c.op, c.value = op, value
	if op == "matches" {
		re, err := regexp.Compile(value)
		if err != nil {
			return nil, fmt.Errorf("%q: bad regular expression: %v", s, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
		c.re = re
	}
	if (op == "<" || op == "<=" || op == ">" || op == ">=") && !isNumber(value) {
		return nil, fmt.Errorf("%q: %s wants a number", s, op)
	}
	return c, nil
}

func validOp(op string) bool {
	for _, o := range jsonOps {
		if op == o {
			return true
		}
	}
	return false
}

func (c *JSONCond) parsePath(path string) error {
	if path == "" {
		return fmt.Errorf("missing PATH (e.g. translations[*].inside_global)")
	}
	parts := splitPath(path)
	if len(parts) > maxPathSteps {
		return fmt.Errorf("%q: more than %d steps", path, maxPathSteps)
	}
	for i, p := range parts {
		if p == "#" {
			if i != len(parts)-1 || i == 0 {
				return fmt.Errorf("%q: # (the count) must be the last step, after a field", path)
			}
			c.count = true
			continue
		}
		st, err := parseStep(p)
		if err != nil {
			return fmt.Errorf("%q: %v", path, err)
		}
		c.steps = append(c.steps, st)
	}
	return nil
}

// splitPath splits at the dots outside brackets (a selector's value may
// hold dots: [ip_address=10.0.0.1]).
func splitPath(path string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '[':
			depth++
		case ']':
			depth--
		case '.':
			if depth == 0 {
				parts = append(parts, path[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, path[start:])
}

func validFieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return s != ""
}

func parseStep(p string) (pathStep, error) {
	var st pathStep
	i := strings.IndexByte(p, '[')
	if i < 0 {
		i = len(p)
	}
	st.name = p[:i]
	if st.name != "" && !validFieldName(st.name) {
		return st, fmt.Errorf("bad field name %q (letters, digits, _ and -)", st.name)
	}
	rest := p[i:]
	if st.name == "" && rest == "" {
		return st, fmt.Errorf("empty step")
	}
	for rest != "" {
		if rest[0] != '[' {
			return st, fmt.Errorf("unexpected %q after a selector", rest)
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return st, fmt.Errorf("missing ] in %q", rest)
		}
		sel, err := parseSelector(rest[1:j])
		if err != nil {
			return st, err
		}
		st.sels = append(st.sels, sel)
		rest = rest[j+1:]
	}
	return st, nil
}

func parseSelector(s string) (selector, error) {
	if s == "*" {
		return selector{kind: selAll}, nil
	}
	if k, v, ok := strings.Cut(s, "="); ok {
		if !validFieldName(k) {
			return selector{}, fmt.Errorf("bad selector [%s]: want [*], [N] or [field=value]", s)
		}
		return selector{kind: selField, key: k, value: v}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > 1<<30 || n < -(1<<30) {
		return selector{}, fmt.Errorf("bad selector [%s]: want [*], [N] or [field=value]", s)
	}
	return selector{kind: selIndex, index: n}, nil
}

// DecodeJSONOutput finds the JSON document in a command's output (a log
// line may come before it) and decodes it with numbers kept exact.
func DecodeJSONOutput(out string) (any, error) {
	i := strings.Index(out, "{")
	if i < 0 {
		return nil, fmt.Errorf("no JSON document in the output")
	}
	d := json.NewDecoder(strings.NewReader(out[i:]))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, fmt.Errorf("the output is not a JSON document: %v", err)
	}
	return v, nil
}

// Eval reports whether the condition holds on doc; when not, it says what
// the path selected.
func (c *JSONCond) Eval(doc any) (bool, string) {
	vals := []any{doc}
	for _, st := range c.steps {
		vals = step(vals, st)
	}
	if c.count {
		counted := vals[:0:0]
		for _, v := range vals {
			switch x := v.(type) {
			case []any:
				counted = append(counted, json.Number(strconv.Itoa(len(x))))
			case map[string]any:
				counted = append(counted, json.Number(strconv.Itoa(len(x))))
			}
		}
		vals = counted
	}
	if len(vals) == 0 {
		return false, "nothing at " + c.path
	}
	for _, v := range vals {
		if c.compare(v) {
			return true, ""
		}
	}
	return false, c.path + " is " + shown(vals)
}

// shown renders the selected values for a failure message, a few at most.
func shown(vals []any) string {
	var parts []string
	for i, v := range vals {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("... (%d values)", len(vals)))
			break
		}
		parts = append(parts, scalarText(v))
	}
	return strings.Join(parts, ", ")
}

func step(vals []any, st pathStep) []any {
	var out []any
	for _, v := range vals {
		if st.name != "" {
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			if v, ok = m[st.name]; !ok {
				continue
			}
		}
		cur := []any{v}
		for _, sel := range st.sels {
			cur = applySelector(cur, sel)
		}
		out = append(out, cur...)
	}
	return out
}

func applySelector(vals []any, sel selector) []any {
	var out []any
	for _, v := range vals {
		arr, ok := v.([]any)
		if !ok {
			continue
		}
		switch sel.kind {
		case selAll:
			out = append(out, arr...)
		case selIndex:
			i := sel.index
			if i < 0 {
				i += len(arr)
			}
			if i >= 0 && i < len(arr) {
				out = append(out, arr[i])
			}
		case selField:
			for _, e := range arr {
				if m, ok := e.(map[string]any); ok {
					if f, ok := m[sel.key]; ok && sameValue(scalarText(f), sel.value) {
						out = append(out, e)
					}
				}
			}
		}
	}
	return out
}

// scalarText is a value as the conditions compare it: a string as is,
// anything else as JSON.
func scalarText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// sameValue compares as == does: the same text, the same number, or the
// same interface in two IOS spellings (Gi0/1, GigabitEthernet0/1).
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			return x.Cmp(y) == 0
		}
	}
	ia, oka := jsonInterface(a)
	ib, okb := jsonInterface(b)
	return oka && okb && ia == ib
}

func (c *JSONCond) compare(v any) bool {
	text := scalarText(v)
	switch c.op {
	case "==":
		return sameValue(text, c.value)
	case "!=":
		return !sameValue(text, c.value)
	case "contains":
		if arr, ok := v.([]any); ok {
			for _, e := range arr {
				if sameValue(scalarText(e), c.value) {
					return true
				}
			}
			return false
		}
		return strings.Contains(text, c.value)
	case "matches":
		return c.re.MatchString(text)
	}
	x, ok := number(text)
	if !ok {
		return false
	}
	y, _ := number(c.value)
	r := x.Cmp(y)
	switch c.op {
	case "<":
		return r < 0
	case "<=":
		return r <= 0
	case ">":
		return r > 0
	}
	return r >= 0
}

// number reads a decimal number (JSON's form), exactly: counters are
// uint64 and must not round.
func number(s string) (*big.Rat, bool) {
	if !isNumber(s) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

var numberRE = regexp.MustCompile(`^-?[0-9]{1,40}(\.[0-9]{1,40})?$`)

func isNumber(s string) bool { return numberRE.MatchString(s) }

// interfaceTypes are the names the router's interfaces have, for the
// IOS spellings a condition may use.
var interfaceTypes = []string{"GigabitEthernet", "FastEthernet", "Ethernet", "Loopback", "Null", "Tunnel", "Vlan", "Serial"}

var ifNameRE = regexp.MustCompile(`^([A-Za-z-]+) ?([0-9][0-9/.:]*)$`)

// jsonInterface expands an interface name given with a unique prefix
// of its type, any case (gi0/1, Gi 0/1, lo0), to the router's spelling.
func jsonInterface(s string) (string, bool) {
	m := ifNameRE.FindStringSubmatch(s)
	if m == nil || len(m[1]) < 2 {
		return "", false
	}
	prefix := strings.ToLower(m[1])
	found := ""
	for _, t := range interfaceTypes {
		if strings.HasPrefix(strings.ToLower(t), prefix) {
			if found != "" {
				return "", false
			}
			found = t
		}
	}
	if found == "" {
		return "", false
	}
	return found + m[2], true
}
