package labs

import (
	"path/filepath"
	"strings"
	"testing"

	"natlab/console"
	"natlab/ios"
)

// jsonRouter serves a console whose `show widgets` has a JSON form and
// whose `show gadgets` has none, and returns the socket's path.
func jsonRouter(t *testing.T) string {
	t.Helper()
	e := ios.NewEngine()
	type widget struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show widgets", Help: []string{ios.HelpShow, "Widgets"}, Run: func(c *ios.Context, a ios.Args) error {
			rows := []widget{{"GigabitEthernet0/1", 3}, {"Loopback0", 40}}
			c.SetJSON(map[string]any{"widgets": rows})
			for _, r := range rows {
				c.Printf("%s %d\n", r.Name, r.Count)
			}
			return nil
		}},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show gadgets", Help: []string{ios.HelpShow, "Gadgets"}, Run: func(c *ios.Context, a ios.Args) error {
			c.Printf("gadget 1\n")
			return nil
		}},
	)
	path := filepath.Join(t.TempDir(), "r1.sock")
	ln, err := console.Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go console.Serve(ln, e)
	return path
}

const jsonCheckLab = `name: jsoncheck
topology:
  nodes:
    r1: { kind: router }
tasks:
  - name: count
    node: r1
    cli: show widgets
    json: widgets.# == 2
  - name: field
    node: r1
    cli: show widgets | json
    json:
      - "widgets[name=Gi0/1].count >= 3"
      - widgets[*].name matches ^Loop
    match: '"count": 40'
  - name: toofew
    node: r1
    cli: show widgets
    json: ["widgets.# == 2", "widgets[name=Lo0].count < 40"]
  - name: missing
    node: r1
    cli: show widgets
    json: widgets[name=Gi0/9].count == 3
  - name: nojson
    node: r1
    cli: show gadgets
    json: gadgets.# == 1
`

// TestCheckJSON: json conditions pass and fail as they should on a live
// console, and a failure says which condition and what the path held.
func TestCheckJSON(t *testing.T) {
	top, err := Parse([]byte(jsonCheckLab), "jsoncheck.yml", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	l := &Lab{State: &State{Lab: "jsoncheck", Nodes: []NodeState{{Name: "r1", Kind: Router, Console: jsonRouter(t)}}}, Topo: top}
	rep, err := l.Check(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		passed bool
		detail string
	}{
		{true, ""},
		{true, ""},
		{false, `r1: "show widgets | json": widgets[name=Lo0].count < 40 does not hold: widgets[name=Lo0].count is 40`},
		{false, `r1: "show widgets | json": widgets[name=Gi0/9].count == 3 does not hold: nothing at widgets[name=Gi0/9].count`},
		{false, `r1: "show gadgets | json": no JSON document in the output`},
	}
	if len(rep.Results) != len(want) {
		t.Fatalf("%d results", len(rep.Results))
	}
	for i, w := range want {
		r := rep.Results[i]
		if r.Passed != w.passed || !strings.HasPrefix(r.Detail, w.detail) {
			t.Errorf("%s: passed %v, detail %q; want %v, %q", r.Task, r.Passed, r.Detail, w.passed, w.detail)
		}
	}
	if !strings.Contains(rep.Results[4].Detail, "% JSON output is not supported for this command") {
		t.Errorf("nojson detail does not quote the router: %q", rep.Results[4].Detail)
	}
}

func TestParseJSONCheckErrors(t *testing.T) {
	for _, tt := range []struct{ check, want string }{
		{"{ node: pc1, exec: 'true', json: 'a.# == 1' }", "json matches a router's show output: give it with cli"},
		{"{ node: r1, cli: 'show ip route', json: 'routes.# = 1' }", "condition 1: \"routes.# = 1\": want PATH OP VALUE"},
		{"{ node: r1, cli: 'show ip route', json: ['routes.# == 1', 'routes[x == 1'] }", "condition 2:"},
		{"{ node: r1, cli: 'show ip route', json: { a: b } }", "want a string or a list of strings"},
	} {
		lab := "name: p\ntopology:\n  nodes:\n    r1: { kind: router }\n    pc1: {}\ntasks:\n  - name: t\n    checks:\n      - " + tt.check + "\n"
		_, err := Parse([]byte(lab), "p.yml", nil, "")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.check, err, tt.want)
		}
	}
}
