package ios

import (
	"io"
	"strings"
	"testing"
)

// textEngine has a `note #...#` command that reads text lines up to the
// delimiter with TakeLines, the way a banner does, and renders it back.
func textEngine() (*Engine, *string) {
	e := NewEngine()
	note := new(string)
	e.Install(&Command{Mode: Config, Syntax: "note LINE", Help: []string{"Note", "Text"}, Run: func(c *Context, a Args) error {
		rest := a.Str("LINE")
		delim, body := rest[:1], rest[1:]
		if i := strings.Index(body, delim); i >= 0 {
			*note = body[:i]
			return nil
		}
		text := body + "\n"
		c.TakeLines(func(line string) bool {
			if i := strings.Index(line, delim); i >= 0 {
				*note = text + line[:i]
				return true
			}
			text += line + "\n"
			return false
		})
		return nil
	}})
	e.AddConfigSection(OrderBanner, func(w io.Writer) {
		if *note != "" {
			io.WriteString(w, "note #"+*note+"#\n")
		}
	})
	return e, note
}

func TestTakeLines(t *testing.T) {
	e, note := textEngine()
	s, out := sessionIn(e, Config)
	s.RunScript(strings.NewReader("note # one\n\n! two ?\nend\n  three # ignored\nhostname R1\n"))
	want := "Router(config)#note # one\n\n! two ?\nend\n  three # ignored\nRouter(config)#hostname R1\n"
	if out.String() != want {
		t.Errorf("transcript:\n%q\nwant\n%q", out.String(), want)
	}
	if wantNote := " one\n\n! two ?\nend\n  three "; *note != wantNote {
		t.Errorf("text %q, want %q", *note, wantNote)
	}
	if len(s.History()) != 2 {
		t.Errorf("text lines went into the history: %q", s.History())
	}
	// LoadConfig hands the lines over as written, "!" and blank lines too.
	e2, note2 := textEngine()
	if errs := e2.LoadConfig(strings.NewReader(e.RunningConfig())); len(errs) != 0 {
		t.Fatalf("load: %v", errs)
	}
	if *note2 != *note {
		t.Errorf("loaded %q, want %q", *note2, *note)
	}
	if e2.Hostname() != "R1" {
		t.Errorf("lines after the text were not run")
	}
}

func TestDomainLookup(t *testing.T) {
	e := NewEngine()
	var out strings.Builder
	s := e.NewSession(&out)
	s.Execute("foo")
	e.SetDomainLookup(true)
	s.Execute("foo")
	want := "Translating \"foo\"\n% Unknown command or computer name, or unable to find computer address\n" +
		"Translating \"foo\"...domain server (255.255.255.255)\n% Unknown command or computer name, or unable to find computer address\n"
	if out.String() != want {
		t.Errorf("got %q want %q", out.String(), want)
	}
}

// A value token may contain ':' (IOS's `clock set hh:mm:ss`).
func TestColonValueToken(t *testing.T) {
	n := parseSyntax("clock set HH:MM:SS")
	toks := n.tokens(nil)
	if len(toks) != 3 || toks[2].kind != wordTok || toks[2].display() != "HH:MM:SS" {
		t.Fatalf("tokens %+v", toks)
	}
}
