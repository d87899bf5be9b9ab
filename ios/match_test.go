package ios

import (
	"strings"
	"testing"
)

// TestMatchArgs checks what handlers receive for abbreviated input.
func TestMatchArgs(t *testing.T) {
	e, _ := newTestEngine()
	var got Args
	e.Install(
		&Command{Mode: Config, Syntax: "[no] widget IFNAME <A.B.C.D$nh|WORD$name> [weight (1-255)] {fast|slow$speed|tag WORD$color}", Help: []string{"Widget", "Interface", "Next hop", "Name", "Set weight", "Weight", "Fast", "Slow", "Tag", "Tag value"}, Run: func(c *Context, a Args) error {
			got = a
			return nil
		}},
	)
	tests := []struct {
		line  string
		check func(a Args) bool
	}{
		{"widget g0/1 10.1.2.3 fast", func(a Args) bool {
			return !a.No() && a.Str("IFNAME") == "GigabitEthernet0/1" && a.Addr("nh").String() == "10.1.2.3" && !a.Has("name") && a.Has("fast")
		}},
		{"no wid gi 0/2 foo sl", func(a Args) bool {
			return a.No() && a.Str("IFNAME") == "GigabitEthernet0/2" && a.Str("name") == "foo" && a.Str("speed") == "slow" && !a.Has("nh")
		}},
		{"widget Loopback7 1.1.1.1 weight 9 tag blue fast", func(a Args) bool {
			return a.Int("(1-255)") == 9 && a.Has("weight") && strings.Join(a.All("A.B.C.D"), ",") == "1.1.1.1" && a.Offset("weight") == 25 && a.Offset("nope") == -1 && a.Str("color") == "blue" && a.Str("IFNAME") == "Loopback7"
		}},
		{"WIDGET GIGABITETHERNET0/3 x sl f", func(a Args) bool {
			return strings.Join(a.Words(), " ") == "widget GigabitEthernet0/3 x slow fast"
		}},
		{"widget lo 0 256.1.1.1 fast", func(a Args) bool { return a.Str("name") == "256.1.1.1" }},
	}
	for _, tt := range tests {
		s := e.NewSession(nil)
		s.SetMode(Config)
		got = Args{}
		if !s.Execute(tt.line) {
			t.Errorf("%q failed", tt.line)
			continue
		}
		if !tt.check(got) {
			t.Errorf("%q: args %+v (%d %v)", tt.line, got.Words(), got.Int("(1-255)"), got.Str("tag"))
		}
	}
}

// TestMatchErrors checks the outcome and caret column of bad lines.
func TestMatchErrors(t *testing.T) {
	e, _ := newTestEngine()
	e.Install(&Command{Mode: Config, Syntax: "widget {fast|slow}", Help: []string{"Widget", "Fast", "Slow"}, Run: nop})
	tests := []struct {
		mode *Mode
		line string
		want string // "^" stands for the caret line: blanks to prompt + offset
		off  int
	}{
		{Exec, "sh ip int brf", "^\n% Invalid input detected at '^' marker.\n\n", 12},
		{Exec, "c", "% Ambiguous command:  \"c\"\n", 0},
		{Exec, "  sh   ip", "% Incomplete command.\n\n", 0},
		{Exec, "bogus", "Translating \"bogus\"\n% Unknown command or computer name, or unable to find computer address\n", 0},
		{Exec, "bogus word", "^\n% Invalid input detected at '^' marker.\n\n", 1}, // "b" starts beep and bfe
		{Exec, "qqq word", "^\n% Invalid input detected at '^' marker.\n\n", 0},
		{Config, "widget fast fast", "^\n% Invalid input detected at '^' marker.\n\n", 12},
		{Config, "widget", "% Incomplete command.\n\n", 0},
		{Config, "ip route 1.1.1.0 255.255.255.0 10.0.0.1 256", "^\n% Invalid input detected at '^' marker.\n\n", 40},
		{ConfigIf, "ip address 1.1.1.1 255.255.255.0 secondary", "^\n% Invalid input detected at '^' marker.\n\n", 33},
	}
	for _, tt := range tests {
		s, out := sessionIn(e, tt.mode)
		if tt.mode == ConfigIf {
			s.SetMode(Config)
			s.Execute("int g0/0")
			out.Reset()
		}
		if s.Execute(tt.line) {
			t.Errorf("%q succeeded", tt.line)
		}
		want := tt.want
		if strings.HasPrefix(want, "^") {
			want = strings.Repeat(" ", len(s.Prompt())+tt.off) + want
		}
		if out.String() != want {
			t.Errorf("%q:\n got %q\nwant %q", tt.line, out.String(), want)
		}
	}
}

// TestWalkUp: a global command typed in a sub-mode runs in global config
// and leaves the sub-mode; one that is nowhere valid keeps the mode.
func TestWalkUp(t *testing.T) {
	e, toy := newTestEngine()
	s := e.NewSession(nil)
	s.SetMode(Config)
	for _, l := range []string{"int g0/1", "ip access-list standard A", "permit 1.1.1.1", "ip route 0.0.0.0 0.0.0.0 1.1.1.1"} {
		if !s.Execute(l) {
			t.Fatalf("%q failed", l)
		}
	}
	if s.Mode() != Config || len(toy.routes) != 1 || len(toy.acls["A"]) != 1 {
		t.Fatalf("mode %s routes %v acls %v", s.Mode().Name, toy.routes, toy.acls)
	}
	s.Execute("int g0/2")
	s.Execute("nonsense")
	if s.Mode() != ConfigIf || s.ModeData() != "GigabitEthernet0/2" {
		t.Fatalf("after a bad line: mode %s data %v", s.Mode().Name, s.ModeData())
	}
	s.Execute("interface loopback 5")
	if s.ModeData() != "Loopback5" {
		t.Fatalf("interface to interface: %v", s.ModeData())
	}
}

func TestComplete(t *testing.T) {
	e, _ := newTestEngine()
	s := e.NewSession(nil)
	s.SetMode(Exec)
	tests := map[string]string{
		"sh":           "show",
		"c":            "calendar call-home cd clear clock cns configure connect copy crypto",
		"con":          "configure connect",
		"show ip in":   "interface",
		"show ":        "debugging flash: history interfaces ip privilege running-config startup-config terminal",
		"show int g":   "GigabitEthernet",
		"xyz ":         "",
		"terminal no ": "history length monitor width",
	}
	for line, want := range tests {
		if got := strings.Join(s.Complete(line), " "); got != want {
			t.Errorf("Complete(%q) = %q, want %q", line, got, want)
		}
	}
	s.SetMode(Config)
	if got := strings.Join(s.Complete("do sh"), " "); got != "show" {
		t.Errorf("do completion: %q", got)
	}
}

func BenchmarkExecute(b *testing.B) {
	e, _ := newTestEngine()
	s := e.NewSession(nil)
	s.SetMode(Config)
	for i := 0; i < b.N; i++ {
		s.Execute("ip route 10.0.0.0 255.0.0.0 gi 0/1 5")
		s.Execute("no ip route 10.0.0.0 255.0.0.0 gi 0/1 5")
	}
}

// TestNestedModes: a sub-mode of a sub-mode walks up through both and exit
// climbs one level at a time.
func TestNestedModes(t *testing.T) {
	e, _ := newTestEngine()
	policy := &Mode{Name: "config-pmap", Prompt: "(config-pmap)#", Help: "Policy-map configuration commands:", Parent: Config}
	class := &Mode{Name: "config-pmap-c", Prompt: "(config-pmap-c)#", Help: "Policy-map class configuration commands:", Parent: policy}
	e.Install(
		&Command{Mode: Config, Syntax: "policy-map WORD", Help: []string{"Configure QoS Policy Map", "policy-map name"}, Run: func(c *Context, a Args) error {
			c.Enter(policy, a.Str("WORD"))
			return nil
		}},
		&Command{Mode: policy, Syntax: "class WORD", Help: []string{"policy criteria", "class-map name"}, Run: func(c *Context, a Args) error {
			c.Enter(class, a.Str("WORD"))
			return nil
		}},
		&Command{Mode: class, Syntax: "drop", Help: []string{"Drop the packet"}, Run: nop},
	)
	s := e.NewSession(nil)
	s.SetLogging(false)
	s.SetMode(class)
	if s.Prompt() != "Router(config-pmap-c)#" {
		t.Fatalf("prompt %q", s.Prompt())
	}
	steps := []struct {
		line string
		mode *Mode
	}{
		{"drop", class}, {"class other", class}, {"exit", policy}, {"class c1", class},
		{"policy-map p2", policy}, {"class c2", class}, {"hostname R7", Config}, {"exit", Exec},
	}
	for _, st := range steps {
		if !s.Execute(st.line) || s.Mode() != st.mode {
			t.Fatalf("%q: mode %s, want %s", st.line, s.Mode().Name, st.mode.Name)
		}
	}
}
