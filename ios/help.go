package ios

import (
	"fmt"
	"sort"
	"strings"
)

// helpEntry is one line of `?` output.
type helpEntry struct{ text, help string }

// help answers a line ending in '?': word completion (`sh?`) or the next
// tokens (`show ?`). The prompt and the typed text are then re-printed
// (unless an interactive editor redraws them itself).
func (s *Session) help(line string) bool {
	text := line[:len(line)-1]
	ok := false
	s.paged(func() { ok = s.helpText(text) })
	if !s.echoMode {
		s.write(s.Prompt() + text + "\n")
	}
	return ok
}

func (s *Session) helpText(text string) bool {
	m := s.Mode()
	if rest, ok := doRest(text, m); ok {
		// `do sh?` helps with the EXEC command being typed.
		return s.helpIn(rest, Exec, len(text)-len(rest))
	}
	return s.helpIn(text, m, 0)
}

// doRest returns what follows a typed `do ` in a configuration mode.
func doRest(text string, m *Mode) (string, bool) {
	if m.isExec() {
		return "", false
	}
	words := splitWords(text)
	if len(words) == 0 || strings.ToLower(words[0].text) != "do" || len(text) == len(words[0].text)+words[0].start {
		return "", false
	}
	return text[words[0].start+2:], true
}

func (s *Session) helpIn(text string, m *Mode, base int) bool {
	if text != "" && !isBlank(text[len(text)-1]) {
		return s.wordHelp(text, m, base)
	}
	if strings.TrimSpace(text) == "" {
		if m.Help == "" {
			s.write("Configuration commands:\n")
		} else {
			s.write(m.Help + "\n")
		}
	}
	if m.isExec() {
		if i := strings.IndexByte(text, '|'); i >= 0 {
			if r := s.eng.match(m, text[:i], splitWords(text[:i])); r.kind == resOK && r.cmd.filterable {
				return s.filterHelp(text[i+1:])
			}
		}
	}
	res, ok := s.helpMatch(text, m, base)
	if !ok {
		return false
	}
	entries := s.nextEntries(res.threads)
	if len(entries) == 0 {
		s.write("% Unrecognized command\n")
		return false
	}
	s.write(formatEntries(entries) + "\n")
	return true
}

// helpMatch matches the words before the '?' (walking up when the current
// mode does not know them) and prints the error if none does.
func (s *Session) helpMatch(text string, m *Mode, base int) (result, bool) {
	words := splitWords(text)
	res := s.eng.match(m, text, words)
	if res.kind == resInvalid || res.kind == resAmbiguous {
		for p := m.Parent; p != nil; p = p.Parent {
			if r := s.eng.match(p, text, words); r.kind != resInvalid && r.kind != resAmbiguous {
				res = r
				break
			}
		}
	}
	switch res.kind {
	case resInvalid:
		s.caretError(base + res.offset)
		return res, false
	case resAmbiguous:
		s.write("% Ambiguous command:  \"" + strings.TrimRight(text, " ") + "\"\n")
		return res, false
	}
	return res, true
}

// nextEntries lists what may follow, sorted as IOS does, with "|" and
// "<cr>" last.
func (s *Session) nextEntries(threads []thread) []helpEntry {
	seen := map[string]bool{}
	var out []helpEntry
	cr, pipe := false, false
	add := func(text, help string) {
		if !seen[text] {
			seen[text] = true
			out = append(out, helpEntry{text, help})
		}
	}
	for _, t := range threads {
		if t.cmd.cmd.Hidden {
			continue
		}
		if t.done {
			cr = true
			continue
		}
		if t.pending != nil {
			add(ifNumberDisplay(*t.pending), t.pending.NumHelp)
			continue
		}
		in := t.cmd.prog[t.pc]
		if in.op == iMatch {
			cr = true
			pipe = pipe || t.cmd.filterable
			continue
		}
		if in.tok.kind == ifnameTok {
			for _, it := range s.eng.interfaceTypes() {
				add(it.Name, it.Help)
			}
			continue
		}
		add(in.tok.display(), in.tok.help)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].text < out[j].text })
	if pipe {
		out = append(out, helpEntry{"|", "Output modifiers"})
	}
	if cr {
		out = append(out, helpEntry{"<cr>", ""})
	}
	return out
}

func ifNumberDisplay(t InterfaceType) string {
	if t.Slotted {
		return "<0-0>"
	}
	return "<0-2147483647>"
}

// formatEntries lays out help in two columns: the token column is as wide as
// the longest token plus two.
func formatEntries(entries []helpEntry) string {
	width := 0
	for _, e := range entries {
		if len(e.text) > width {
			width = len(e.text)
		}
	}
	var b strings.Builder
	for _, e := range entries {
		if e.help == "" {
			fmt.Fprintf(&b, "  %s\n", e.text)
			continue
		}
		fmt.Fprintf(&b, "  %-*s  %s\n", width, e.text, e.help)
	}
	return b.String()
}

// filterHelp answers `show ... | ?` and `show ... | include ?`.
func (s *Session) filterHelp(rest string) bool {
	words := splitWords(rest)
	if len(words) == 0 {
		var entries []helpEntry
		for _, f := range filterWords {
			entries = append(entries, helpEntry{f.word, f.help})
		}
		s.write(formatEntries(entries) + "\n")
		return true
	}
	if lw := strings.ToLower(words[0].text); strings.HasPrefix("json", lw) {
		// `| json` takes nothing more (a word after it is the caret error).
		if len(words) > 1 {
			s.write("% Unrecognized command\n")
			return false
		}
		s.write(formatEntries([]helpEntry{{"<cr>", ""}}) + "\n")
		return true
	}
	s.write(formatEntries([]helpEntry{{"LINE", "Regular Expression"}}) + "\n")
	return true
}

// wordHelp answers `sh?`: the keywords that begin with the partial word.
func (s *Session) wordHelp(text string, m *Mode, base int) bool {
	cands, ok := s.wordCandidates(text, m, base, true)
	if !ok {
		return false
	}
	if len(cands) == 0 {
		s.write("% Unrecognized command\n")
		return false
	}
	var b strings.Builder
	col := 0
	for _, c := range cands {
		if col > 0 && col+len(c.text)+2 > s.termWidth() {
			b.WriteString("\n")
			col = 0
		}
		b.WriteString(c.text + "  ")
		col += len(c.text) + 2
	}
	b.WriteString("\n\n")
	s.write(b.String())
	return true
}

func (s *Session) termWidth() int {
	if s.width <= 0 {
		return 80
	}
	return s.width
}

// wordCandidates lists the keywords (and interface types) that complete the
// last, partial word of text.
func (s *Session) wordCandidates(text string, m *Mode, base int, printErr bool) ([]helpEntry, bool) {
	if rest, ok := doRest(text, m); ok {
		text, m, base = rest, Exec, base+len(text)-len(rest)
	}
	words := splitWords(text)
	var partial string
	before := text
	if len(words) > 0 && !isBlank(text[len(text)-1]) {
		last := words[len(words)-1]
		partial = strings.ToLower(last.text)
		before = text[:last.start]
	}
	if m.isExec() {
		if i := strings.IndexByte(before, '|'); i >= 0 {
			if r := s.eng.match(m, before[:i], splitWords(before[:i])); r.kind == resOK && r.cmd.filterable {
				var out []helpEntry
				if len(splitWords(before[i+1:])) == 0 {
					for _, f := range filterWords {
						if strings.HasPrefix(f.word, partial) {
							out = append(out, helpEntry{f.word, f.help})
						}
					}
				}
				return out, true
			}
		}
	}
	var res result
	if printErr {
		var ok bool
		if res, ok = s.helpMatch(before, m, base); !ok {
			return nil, false
		}
	} else {
		res = s.eng.match(m, before, splitWords(before))
		if res.kind == resInvalid || res.kind == resAmbiguous {
			for p := m.Parent; p != nil; p = p.Parent {
				if r := s.eng.match(p, before, splitWords(before)); r.kind != resInvalid && r.kind != resAmbiguous {
					res = r
					break
				}
			}
		}
		if res.kind == resInvalid || res.kind == resAmbiguous {
			return nil, false
		}
	}
	seen := map[string]bool{}
	var out []helpEntry
	for _, t := range res.threads {
		if t.cmd.cmd.Hidden || t.done || t.pending != nil {
			continue
		}
		in := t.cmd.prog[t.pc]
		if in.op != iTok {
			continue
		}
		switch in.tok.kind {
		case kwTok:
			if strings.HasPrefix(in.tok.text, partial) && !seen[in.tok.text] {
				seen[in.tok.text] = true
				out = append(out, helpEntry{in.tok.text, in.tok.help})
			}
		case ifnameTok:
			for _, it := range s.eng.interfaceTypes() {
				if strings.HasPrefix(strings.ToLower(it.Name), partial) && !seen[it.Name] {
					seen[it.Name] = true
					out = append(out, helpEntry{it.Name, it.Help})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].text < out[j].text })
	return out, true
}

// Complete returns the Tab candidates for the last word of line: the full
// keywords (and interface type names) it may stand for, or, when line ends
// with a blank, every keyword that may come next.
func (s *Session) Complete(line string) []string {
	cands, _ := s.wordCandidates(line, s.Mode(), 0, false)
	out := make([]string, len(cands))
	for i, c := range cands {
		out[i] = c.text
	}
	return out
}
