package ios

import (
	"strings"
	"testing"
)

func TestParseSyntaxAccepts(t *testing.T) {
	tests := []struct {
		syntax string
		tokens []string // display text of the tokens, left to right
	}{
		{"show ip route", []string{"show", "ip", "route"}},
		{"ip address A.B.C.D A.B.C.D", []string{"ip", "address", "A.B.C.D", "A.B.C.D"}},
		{"terminal length (0-512)", []string{"terminal", "length", "<0-512>"}},
		{"description LINE", []string{"description", "LINE"}},
		{"ip nat pool NAME A.B.C.D$start A.B.C.D$end", []string{"ip", "nat", "pool", "NAME", "A.B.C.D", "A.B.C.D"}},
		{"ip route A.B.C.D A.B.C.D <A.B.C.D$nh|IFNAME$if>", []string{"ip", "route", "A.B.C.D", "A.B.C.D", "A.B.C.D", "IFNAME"}},
		{"<permit|deny>$action A.B.C.D [A.B.C.D]", []string{"permit", "deny", "A.B.C.D", "A.B.C.D"}},
		{"ping WORD {repeat (1-10)|size (36-100)|df-bit}", []string{"ping", "WORD", "repeat", "<1-10>", "size", "<36-100>", "df-bit"}},
		{"clear ip nat translation *", []string{"clear", "ip", "nat", "translation", "*"}},
		{"x [a [b|c]]", []string{"x", "a", "b", "c"}},
		{"access-list <(1-99)|(1300-1999)> <permit|deny>", []string{"access-list", "<1-99>", "<1300-1999>", "permit", "deny"}},
	}
	for _, tt := range tests {
		n := parseSyntax(tt.syntax)
		var got []string
		for _, tok := range n.tokens(nil) {
			got = append(got, tok.display())
		}
		if strings.Join(got, " ") != strings.Join(tt.tokens, " ") {
			t.Errorf("%q: tokens %q, want %q", tt.syntax, got, tt.tokens)
		}
		if _, err := compile(n); err != nil {
			t.Errorf("%q: compile: %v", tt.syntax, err)
		}
	}
}

func TestParseSyntaxRejects(t *testing.T) {
	for _, syntax := range []string{
		"", "show <a|b", "show [a", "show {a|}", "show a]", "show $x", "show Word", "show (5-1)", "show (a-b)",
		"show <>", "x $", "show (1-)", "[a]", "[a] [b]", "x {a|[b]}", "x {a|b [c]|<d|[e]>}",
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%q: no panic", syntax)
				}
			}()
			parseSyntax(syntax)
		}()
	}
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: Install did not panic", name)
		}
	}()
	f()
}

func nop(*Context, Args) error { return nil }

func TestInstallRejects(t *testing.T) {
	e := NewEngine()
	e.Install(&Command{Mode: Exec, Syntax: "show widgets", Help: []string{HelpShow, "Widget table"}, Run: nop})
	mustPanic(t, "help count", func() {
		e.Install(&Command{Mode: Exec, Syntax: "show gadgets", Help: []string{HelpShow}, Run: nop})
	})
	mustPanic(t, "shared prefix help", func() {
		e.Install(&Command{Mode: Exec, Syntax: "show gadgets", Help: []string{"Show things", "Gadget table"}, Run: nop})
	})
	mustPanic(t, "same token twice", func() {
		e.Install(&Command{Mode: Exec, Syntax: "show widgets detail", Help: []string{HelpShow, "Widgets", "Detail"}, Run: nop})
	})
	mustPanic(t, "LINE not last", func() {
		e.Install(&Command{Mode: Exec, Syntax: "foo LINE bar", Help: []string{"Foo", "Text", "Bar"}, Run: nop})
	})
	mustPanic(t, "no mode", func() {
		e.Install(&Command{Syntax: "foo", Help: []string{"Foo"}, Run: nop})
	})
	mustPanic(t, "no handler", func() {
		e.Install(&Command{Mode: Exec, Syntax: "foo", Help: []string{"Foo"}})
	})
	mustPanic(t, "bad syntax", func() {
		e.Install(&Command{Mode: Exec, Syntax: "foo <a|b", Help: []string{"Foo", "A", "B"}, Run: nop})
	})
	// An explicit leading "no" may or may not carry its help.
	e.Install(&Command{Mode: Config, Syntax: "no widgets", Help: []string{"Configure widgets"}, Run: nop})
	e.Install(&Command{Mode: Config, Syntax: "no widgets all", Help: []string{"whatever", "Configure widgets", "All"}, Run: nop})
	// The same help at the same place, a different help at another place: fine.
	e.Install(&Command{Mode: Exec, Syntax: "show widgets detail", Help: []string{HelpShow, "Widget table", "Detail"}, Run: nop})
	e.Install(&Command{Mode: Config, Syntax: "widgets", Help: []string{"Configure widgets"}, Run: nop})
}

// TestEveryCommandReachable walks every installed command (the engine's own
// and the toy feature's): each example line built from a definition must run
// that definition.
func TestEveryCommandReachable(t *testing.T) {
	e, _ := newTestEngine()
	for _, err := range e.CheckCommands() {
		t.Error(err)
	}
	if n := len(e.Commands()); n < 30 {
		t.Errorf("only %d commands", n)
	}
	for _, c := range e.Commands() {
		for i, h := range c.Help {
			if strings.TrimSpace(h) == "" {
				t.Errorf("%q: token %d has no help", c.Syntax, i)
			}
		}
	}
}
