package ios

import (
	"fmt"
	"regexp"
	"strings"
)

// filterKind is an output modifier.
type filterKind uint8

const (
	fBegin filterKind = iota
	fCount
	fExclude
	fInclude
	fJSON
	fSection
)

var filterWords = []struct {
	word string
	kind filterKind
	help string
}{
	{"begin", fBegin, "Begin with the line that matches"},
	{"count", fCount, "Count number of lines which match regexp"},
	{"exclude", fExclude, "Exclude lines that match"},
	{"include", fInclude, "Include lines that match"},
	// json is not an IOS modifier: NX-OS has it, with this help; see json.go.
	{"json", fJSON, "Display output in JSON format"},
	{"section", fSection, "Filter a section of output"},
}

// filter is a parsed `| modifier REGEX` (or `| json`, which takes none).
type filter struct {
	kind filterKind
	re   *regexp.Regexp
}

// parseFilter reads the modifier after the '|' at line[at:]; errors are
// printed with the caret under the bad word.
func (s *Session) parseFilter(line string, at, base int) (*filter, bool) {
	rest := line[at:]
	words := splitWords(rest)
	if len(words) == 0 {
		s.write("% Incomplete command.\n\n")
		return nil, false
	}
	w := words[0]
	lw := strings.ToLower(w.text)
	var found []int
	best := 0
	for i, f := range filterWords {
		if strings.HasPrefix(f.word, lw) {
			found = append(found, i)
		}
		if n := commonPrefix(lw, f.word); n > best {
			best = n
		}
	}
	if len(found) != 1 {
		s.caretError(base + at + w.start + best)
		return nil, false
	}
	if kind := filterWords[found[0]].kind; kind == fJSON {
		if len(words) > 1 {
			s.caretError(base + at + words[1].start)
			return nil, false
		}
		return &filter{kind: kind}, true
	}
	if len(words) < 2 {
		s.write("% Incomplete command.\n\n")
		return nil, false
	}
	expr := strings.TrimRight(rest[words[1].start:], " \t")
	re, err := compileIOSRegexp(expr)
	if err != nil {
		s.caretError(base + at + words[1].start)
		return nil, false
	}
	return &filter{kind: filterWords[found[0]].kind, re: re}, true
}

// compileIOSRegexp turns an IOS regular expression into Go's: '_' matches a
// delimiter (start, end, blank, comma, braces, parentheses).
func compileIOSRegexp(expr string) (*regexp.Regexp, error) {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr):
			b.WriteByte(c)
			i++
			b.WriteByte(expr[i])
		case c == '[':
			inClass = true
			b.WriteByte(c)
		case c == ']':
			inClass = false
			b.WriteByte(c)
		case c == '_' && !inClass:
			b.WriteString(`(?:^|$|[ ,{}()])`)
		default:
			b.WriteByte(c)
		}
	}
	return regexp.Compile(b.String())
}

// apply filters the complete output of a command.
func (f *filter) apply(text string) string {
	lines := strings.SplitAfter(text, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	match := func(l string) bool { return f.re.MatchString(strings.TrimRight(l, "\n")) }
	var b strings.Builder
	switch f.kind {
	case fInclude, fExclude:
		for _, l := range lines {
			if match(l) == (f.kind == fInclude) {
				b.WriteString(l)
			}
		}
	case fBegin:
		for i, l := range lines {
			if match(l) {
				for _, r := range lines[i:] {
					b.WriteString(r)
				}
				break
			}
		}
	case fCount:
		n := 0
		for _, l := range lines {
			if match(l) {
				n++
			}
		}
		fmt.Fprintf(&b, "Number of lines which match regexp = %d\n", n)
	case fSection:
		// A section is a line that is not indented and the indented lines
		// under it; it is printed whole when any of its lines matches.
		for i := 0; i < len(lines); {
			j := i + 1
			for j < len(lines) && (strings.HasPrefix(lines[j], " ") || strings.HasPrefix(lines[j], "\t")) {
				j++
			}
			for _, l := range lines[i:j] {
				if match(l) {
					for _, r := range lines[i:j] {
						b.WriteString(r)
					}
					break
				}
			}
			i = j
		}
	}
	return b.String()
}
