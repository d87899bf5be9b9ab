package ios

import (
	"encoding/json"
	"strings"
	"testing"
)

// installJSONToy adds two show commands with a JSON form to the toy engine:
// one that prints its text and data from the same rows, one that fails.
func installJSONToy(e *Engine) {
	type row struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	rows := []row{{"a<b", 1}, {"c", 22}}
	e.Install(
		&Command{Mode: Exec, User: true, Syntax: "show widgets", Help: []string{HelpShow, "Widgets"}, Run: func(c *Context, a Args) error {
			c.SetJSON(struct {
				Widgets []row `json:"widgets"`
			}{rows})
			for _, r := range rows {
				c.Printf("%s %d\n", r.Name, r.Count)
			}
			return nil
		}},
		&Command{Mode: Exec, User: true, Syntax: "show gadgets", Help: []string{HelpShow, "Gadgets"}, Run: func(c *Context, a Args) error {
			c.Printf("partial text\n")
			return Errorf("%% Gadgets are broken")
		}},
	)
}

func TestJSONModifier(t *testing.T) {
	const widgets = "{\n  \"widgets\": [\n    {\n      \"name\": \"a<b\",\n      \"count\": 1\n    },\n    {\n      \"name\": \"c\",\n      \"count\": 22\n    }\n  ]\n}\n"
	tests := []struct {
		line string
		want string
		ok   bool
	}{
		{"show widgets", "a<b 1\nc 22\n", true},
		{"show widgets | json", widgets, true},
		{"sh widg | j", widgets, true},
		{"show widgets | JSON", widgets, true},
		{"show widgets | json extra", "                           ^\n% Invalid input detected at '^' marker.\n\n", false},
		{"show ip interface brief | json", msgNoJSON + "\n", false},
		{"show gadgets | json", "% Gadgets are broken\n", false},
		{"show widgets | include c", "c 22\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			e, _ := newTestEngine()
			installJSONToy(e)
			s, out := sessionIn(e, Exec)
			if ok := s.Execute(tt.line); ok != tt.ok {
				t.Errorf("Execute = %v, want %v", ok, tt.ok)
			}
			if out.String() != tt.want {
				t.Errorf("output:\n%q\nwant:\n%q", out.String(), tt.want)
			}
		})
	}
}

// TestJSONIsValid: the document parses and holds the rows the text shows.
func TestJSONIsValid(t *testing.T) {
	e, _ := newTestEngine()
	installJSONToy(e)
	s, out := sessionIn(e, Exec)
	s.Execute("show widgets | json")
	var doc struct {
		Widgets []struct {
			Name  string
			Count int
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Widgets) != 2 || doc.Widgets[1].Count != 22 {
		t.Errorf("decoded %+v", doc)
	}
}

func TestJSONHelp(t *testing.T) {
	tests := []struct {
		line string
		want []string // lines the help shows
		not  []string
	}{
		{"show widgets | ?", []string{"  json     Display output in JSON format", "  include  Include lines that match"}, nil},
		{"show widgets | json ?", []string{"  <cr>"}, []string{"LINE"}},
		{"show widgets | include ?", []string{"  LINE  Regular Expression"}, nil},
		{"show widgets | j?", []string{"json"}, []string{"include"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			e, _ := newTestEngine()
			installJSONToy(e)
			s, out := sessionIn(e, Exec)
			s.Execute(tt.line)
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w+"\n") && !strings.Contains(out.String(), w+" ") {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(out.String(), w) {
					t.Errorf("help shows %q:\n%s", w, out)
				}
			}
		})
	}
}

// FuzzOutputModifier: whatever follows the '|' of a show command (json,
// its abbreviations and arguments, the regexp modifiers), running and
// asking help neither panics nor prints JSON that does not parse.
func FuzzOutputModifier(f *testing.F) {
	for _, s := range []string{"json", "j", "JSON ", "json x", "json ?", "include c", "i (", "count", "", "?", "json | json"} {
		f.Add(s)
	}
	e, _ := newTestEngine()
	installJSONToy(e)
	f.Fuzz(func(t *testing.T, mod string) {
		if strings.ContainsAny(mod, "\n\r") {
			return
		}
		s, out := sessionIn(e, Exec)
		ok := s.Execute("show widgets |" + mod)
		if ok && strings.HasPrefix(out.String(), "{") && !json.Valid([]byte(out.String())) {
			t.Errorf("%q printed bad JSON:\n%s", mod, out)
		}
		s.Execute("show widgets |" + mod + "?")
	})
}
