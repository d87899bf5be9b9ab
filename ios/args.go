package ios

import "net/netip"

// Args are the tokens a command matched, for its handler.
type Args struct {
	no   bool
	args []arg
}

// No tells whether the "no" form of a "[no]" command (or an explicit "no
// ..." command) was typed.
func (a Args) No() bool { return a.no }

func (a Args) find(name string) (arg, bool) {
	// A $label wins over a keyword of the same text: in "size (36-18024)$size"
	// Int("size") is the number.
	for _, x := range a.args {
		if hasName(x.tok.labels, name) {
			return x, true
		}
	}
	for _, x := range a.args {
		if hasName(x.tok.names, name) {
			return x, true
		}
	}
	return arg{}, false
}

func hasName(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// Has reports whether a keyword (by its text) or a $label was matched.
func (a Args) Has(name string) bool {
	_, ok := a.find(name)
	return ok
}

// Str is the text typed for a token: the canonical interface name for
// IFNAME, the full keyword for keywords.
func (a Args) Str(name string) string {
	x, _ := a.find(name)
	return x.text
}

// All returns every value matched under a name, in order (for tokens that
// appear more than once, such as two unlabelled A.B.C.D).
func (a Args) All(name string) []string {
	var out []string
	for _, x := range a.args {
		if hasName(x.tok.labels, name) || hasName(x.tok.names, name) && !a.labelled(name) {
			out = append(out, x.text)
		}
	}
	return out
}

// labelled reports whether some matched token carries name as a $label.
func (a Args) labelled(name string) bool {
	for _, x := range a.args {
		if hasName(x.tok.labels, name) {
			return true
		}
	}
	return false
}

// Int is the value of a range token.
func (a Args) Int(name string) int {
	x, _ := a.find(name)
	return int(x.num)
}

// Addr is the value of an A.B.C.D token.
func (a Args) Addr(name string) netip.Addr {
	x, _ := a.find(name)
	return x.addr
}

// Offset is where the word matched under name starts in the line (-1 if
// none), for Context.InvalidAt.
func (a Args) Offset(name string) int {
	x, ok := a.find(name)
	if !ok {
		return -1
	}
	return x.start
}

// Words are the full canonical tokens of the matched command, for rendering
// it back (keywords expanded, interface names canonical).
func (a Args) Words() []string {
	out := make([]string, len(a.args))
	for i, x := range a.args {
		out[i] = x.text
	}
	return out
}

func newArgs(r *result) Args {
	args := r.args
	no := false
	if len(args) > 0 && args[0].tok.kind == kwTok && args[0].tok.text == "no" {
		no = true
	}
	return Args{no: no, args: args}
}
