package ios

import (
	"fmt"
	"strconv"
	"strings"
)

// Commands lists every installed command once, in install order (the
// engine's own included).
func (e *Engine) Commands() []*Command {
	e.treeMu.RLock()
	defer e.treeMu.RUnlock()
	seen := map[*Command]bool{}
	var all []*installed
	for _, s := range e.modes {
		all = append(all, s.cmds...)
	}
	sortInstalled(all)
	var out []*Command
	for _, c := range all {
		if !seen[c.cmd] {
			seen[c.cmd] = true
			out = append(out, c.cmd)
		}
	}
	return out
}

func sortInstalled(c []*installed) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].seq < c[j-1].seq; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}

// CheckCommands walks every installed command: it builds example lines from
// each command's grammar (a few paths each) and checks that typing them
// reaches that command. Shadowed or unreachable definitions come back as
// errors; feature packages call it from their tests.
func (e *Engine) CheckCommands() []error {
	e.treeMu.RLock()
	var all []*installed
	modeOf := map[*installed]*Mode{}
	for m, s := range e.modes {
		for _, c := range s.cmds {
			all = append(all, c)
			modeOf[c] = m
		}
	}
	e.treeMu.RUnlock()
	sortInstalled(all)
	types := e.interfaceTypes()
	var errs []error
	for _, c := range all {
		for _, line := range examples(c.prog, types, 8) {
			m := modeOf[c]
			res := e.match(m, line, splitWords(line))
			switch {
			case res.kind != resOK:
				errs = append(errs, fmt.Errorf("%s: %q (from %q) does not parse", m.Name, line, c.cmd.Syntax))
			case res.cmd.cmd != c.cmd:
				errs = append(errs, fmt.Errorf("%s: %q (from %q) runs %q", m.Name, line, c.cmd.Syntax, res.cmd.cmd.Syntax))
			}
		}
	}
	return errs
}

// examples returns up to max lines the program accepts.
func examples(prog program, types []InterfaceType, max int) []string {
	var out []string
	var walk func(pc int, mask uint64, words []string, depth int)
	walk = func(pc int, mask uint64, words []string, depth int) {
		if len(out) >= max || depth > 200 {
			return
		}
		in := prog[pc]
		switch in.op {
		case iMatch:
			out = append(out, strings.Join(words, " "))
		case iJmp:
			walk(in.x, mask, words, depth+1)
		case iSplit:
			for _, a := range in.alts {
				walk(a, mask, words, depth+1)
			}
		case iUse:
			if bit := uint64(1) << uint(in.x); mask&bit == 0 {
				walk(pc+1, mask|bit, words, depth+1)
			}
		case iTok:
			w, ok := exampleValue(in.tok, types)
			if !ok {
				return
			}
			walk(pc+1, mask, append(words[:len(words):len(words)], w), depth+1)
		}
	}
	walk(0, 0, nil, 0)
	return out
}

func exampleValue(t *token, types []InterfaceType) (string, bool) {
	switch t.kind {
	case kwTok:
		return t.text, true
	case addrTok:
		return "10.0.0.1", true
	case rangeTok:
		return strconv.FormatInt(t.max, 10), true
	case wordTok:
		return "x" + strings.ToLower(t.text), true
	case lineTok:
		return "some text", true
	case ifnameTok:
		if len(types) == 0 {
			return "", false
		}
		if types[0].Slotted {
			return types[0].Name + "0/1", true
		}
		return types[0].Name + "1", true
	}
	return "", false
}
