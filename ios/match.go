package ios

import (
	"net/netip"
	"strconv"
	"strings"
)

// word is one typed word and where it starts in the line.
type word struct {
	text  string
	start int
}

// splitWords splits a typed line at blanks, keeping offsets for the caret.
func splitWords(line string) []word {
	var out []word
	i := 0
	for i < len(line) {
		for i < len(line) && isBlank(line[i]) {
			i++
		}
		if i >= len(line) {
			break
		}
		j := i
		for j < len(line) && !isBlank(line[j]) {
			j++
		}
		out = append(out, word{line[i:j], i})
		i = j
	}
	return out
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// quality ranks how well a word matches a token (IOS and FRR priority).
type quality uint8

const (
	qNone quality = iota
	qLine
	qWord
	qIfname
	qRange
	qAddr
	qPartial
	qExact
)

// arg is one matched token.
type arg struct {
	tok   *token
	text  string // canonical: full keyword, canonical interface name, typed value
	start int    // offset of the word in the line
	num   int64
	addr  netip.Addr
}

// thread is one way of reading the input so far through one command.
type thread struct {
	cmd     *installed
	pc      int
	mask    uint64
	args    []arg
	pending *InterfaceType // IFNAME type seen, its number expected next
	pendAt  int            // offset of the pending type word
	done    bool           // a LINE took the rest of the input
}

func (t *thread) with(a arg) []arg {
	out := make([]arg, len(t.args), len(t.args)+1)
	copy(out, t.args)
	return append(out, a)
}

// closure advances threads over the instructions that consume nothing and
// returns the threads that wait for a word (or have completed).
func closure(in []thread) []thread {
	var out []thread
	type seen struct {
		cmd  *installed
		pc   int
		mask uint64
	}
	visited := map[seen]bool{}
	var walk func(t thread)
	walk = func(t thread) {
		if t.done || t.pending != nil {
			out = append(out, t)
			return
		}
		k := seen{t.cmd, t.pc, t.mask}
		if visited[k] {
			return
		}
		visited[k] = true
		in := t.cmd.prog[t.pc]
		switch in.op {
		case iTok, iMatch:
			out = append(out, t)
		case iJmp:
			t.pc = in.x
			walk(t)
		case iSplit:
			for _, a := range in.alts {
				t2 := t
				t2.pc = a
				walk(t2)
			}
		case iUse:
			bit := uint64(1) << uint(in.x)
			if t.mask&bit == 0 {
				t.mask |= bit
				t.pc++
				walk(t)
			}
		}
	}
	for _, t := range in {
		walk(t)
	}
	return out
}

// resultKind is the outcome of matching a line in one mode.
type resultKind uint8

const (
	resOK resultKind = iota
	resEmpty
	resInvalid
	resAmbiguous
	resIncomplete
)

// result is what matching a line produced.
type result struct {
	kind    resultKind
	cmd     *installed
	args    []arg
	offset  int      // caret offset for resInvalid
	threads []thread // live threads after the last word (for help)
	failAt  int      // index of the word that failed
}

// progress orders failures so walk-up reports the one that got furthest.
func (r *result) progress() int {
	switch r.kind {
	case resOK:
		return 1 << 30
	case resIncomplete:
		return 1 << 29
	case resAmbiguous:
		return 1<<28 + r.failAt
	}
	return r.offset
}

// match runs all commands of a mode over the words.
func (e *Engine) match(m *Mode, line string, words []word) result {
	threads := e.startThreads(m)
	if len(words) == 0 {
		return result{kind: resEmpty, threads: threads}
	}
	types := e.interfaceTypes()
	for wi, w := range words {
		best := qNone
		type cand struct {
			t thread
			q quality
		}
		var cands []cand
		var carried []thread
		for _, t := range threads {
			if t.done {
				carried = append(carried, t)
				continue
			}
			nt, q := step(t, w, line, types)
			if q == qNone {
				continue
			}
			if q > best {
				best = q
			}
			cands = append(cands, cand{nt, q})
		}
		if best == qNone && len(carried) == 0 {
			return result{kind: resInvalid, offset: w.start + keywordPrefix(threads, w.text), failAt: wi, threads: threads}
		}
		var next []thread
		kws := map[string]bool{}
		for _, c := range cands {
			if c.q == best {
				next = append(next, c.t)
				if best == qPartial {
					kws[c.t.args[len(c.t.args)-1].text] = true
				}
			}
		}
		if len(kws) > 1 {
			return result{kind: resAmbiguous, failAt: wi}
		}
		next = append(next, carried...)
		threads = closure(next)
	}
	var complete []thread
	for _, t := range threads {
		if t.pending == nil && (t.done || t.cmd.prog[t.pc].op == iMatch) {
			complete = append(complete, t)
		}
	}
	if len(complete) == 0 {
		return result{kind: resIncomplete, threads: threads, failAt: len(words)}
	}
	pick := complete[0]
	for _, t := range complete[1:] {
		// A command that read every word itself beats one whose LINE swallowed them.
		if (pick.done && !t.done) || (pick.done == t.done && t.cmd.seq < pick.cmd.seq) {
			pick = t
		}
	}
	return result{kind: resOK, cmd: pick.cmd, args: pick.args, threads: threads}
}

// step tries one word against the token a thread waits for.
func step(t thread, w word, line string, types []InterfaceType) (thread, quality) {
	if t.pending != nil {
		if !validIfNumber(*t.pending, w.text) {
			return t, qNone
		}
		it := t.pending
		nt := t
		nt.pending = nil
		nt.args = t.with(arg{tok: t.cmd.prog[t.pc].tok, text: it.Name + w.text, start: t.pendAt})
		nt.pc++
		return nt, qIfname
	}
	in := t.cmd.prog[t.pc]
	if in.op != iTok {
		return t, qNone
	}
	tok := in.tok
	a := arg{tok: tok, text: w.text, start: w.start}
	q := qNone
	switch tok.kind {
	case kwTok:
		lw := strings.ToLower(w.text)
		switch {
		case lw == tok.text:
			q = qExact
		case strings.HasPrefix(tok.text, lw) && !(t.cmd.cmd.Hidden && len(t.args) == 0):
			// Hidden commands must be typed in full, so they never make a
			// visible abbreviation ambiguous.
			q = qPartial
		}
		a.text = tok.text
	case addrTok:
		if ad, ok := parseDotted(w.text); ok {
			a.addr = ad
			q = qAddr
		}
	case rangeTok:
		if n, err := strconv.ParseInt(w.text, 10, 64); err == nil && n >= tok.min && n <= tok.max && w.text[0] != '+' {
			a.num = n
			q = qRange
		}
	case wordTok:
		q = qWord
	case lineTok:
		a.text = strings.TrimRight(line[w.start:], " \t")
		nt := t
		nt.args = t.with(a)
		nt.pc++
		nt.done = true
		return nt, qLine
	case ifnameTok:
		it, num, ok := splitIfName(w.text, types)
		if !ok {
			return t, qNone
		}
		if num == "" {
			nt := t
			nt.pending = &it
			nt.pendAt = w.start
			return nt, qIfname
		}
		a.text = it.Name + num
		q = qIfname
	}
	if q == qNone {
		return t, qNone
	}
	nt := t
	nt.args = t.with(a)
	nt.pc++
	return nt, q
}

// keywordPrefix is the caret offset inside a bad word: the longest prefix of
// it that still begins some keyword valid there (IOS keeps the furthest
// character any keyword matched).
func keywordPrefix(threads []thread, w string) int {
	lw := strings.ToLower(w)
	best := 0
	for _, t := range threads {
		if t.done || t.pending != nil {
			continue
		}
		in := t.cmd.prog[t.pc]
		if in.op != iTok || in.tok.kind != kwTok {
			continue
		}
		n := commonPrefix(lw, in.tok.text)
		if n > best {
			best = n
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// parseDotted accepts a.b.c.d with each part 0-255 (leading zeros allowed as IOS does).
func parseDotted(s string) (netip.Addr, bool) {
	var b [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	for i, p := range parts {
		if p == "" || len(p) > 3 {
			return netip.Addr{}, false
		}
		n := 0
		for _, c := range p {
			if c < '0' || c > '9' {
				return netip.Addr{}, false
			}
			n = n*10 + int(c-'0')
		}
		if n > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), true
}

// splitIfName reads "gi0/1", "GigabitEthernet0/1", "loopback" (number still
// to come: num == ""). The type prefix must be unique among registered types.
func splitIfName(w string, types []InterfaceType) (InterfaceType, string, bool) {
	i := 0
	for i < len(w) && (w[i] < '0' || w[i] > '9') {
		i++
	}
	prefix, num := strings.ToLower(w[:i]), w[i:]
	if prefix == "" {
		return InterfaceType{}, "", false
	}
	var found []InterfaceType
	for _, t := range types {
		ln := strings.ToLower(t.Name)
		if ln == prefix {
			found = []InterfaceType{t}
			break
		}
		if strings.HasPrefix(ln, prefix) {
			found = append(found, t)
		}
	}
	if len(found) != 1 {
		return InterfaceType{}, "", false
	}
	if num != "" && !validIfNumber(found[0], num) {
		return InterfaceType{}, "", false
	}
	return found[0], num, true
}

// validIfNumber checks "0/1" for slotted types and "0" otherwise, with an
// optional ".N" for types with subinterfaces.
func validIfNumber(t InterfaceType, num string) bool {
	if t.Subinterfaces {
		if base, sub, ok := strings.Cut(num, "."); ok {
			return validIfNumber(InterfaceType{Slotted: t.Slotted}, base) && validIfNumber(InterfaceType{}, sub)
		}
	}
	parts := strings.Split(num, "/")
	want := 1
	if t.Slotted {
		want = 2
	}
	if len(parts) != want {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 10 {
			return false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return false
			}
		}
		if n, err := strconv.ParseUint(p, 10, 32); err != nil || n > 2147483647 {
			return false
		}
		if len(p) > 1 && p[0] == '0' {
			return false
		}
	}
	return true
}
