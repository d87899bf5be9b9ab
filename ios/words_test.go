package ios

import (
	"strings"
	"testing"
)

// TestWordSetsAmbiguous: the first letters IOS 15 answers with "Ambiguous
// command" at privileged EXEC, user EXEC and global config, and the
// abbreviations that must stay unique.
func TestWordSetsAmbiguous(t *testing.T) {
	e, _ := newTestEngine()
	tests := []struct {
		mode      *Mode
		line      string
		ambiguous bool
	}{
		{Exec, "s", true}, {Exec, "w", true}, {Exec, "c", true}, {Exec, "e", true},
		{Exec, "d", true}, {Exec, "t", true}, {Exec, "r", true}, {Exec, "p", true},
		{Exec, "l", true}, {Exec, "de", true}, {Exec, "con", true},
		{UserExec, "s", true}, {UserExec, "l", true}, {UserExec, "t", true}, {UserExec, "r", true},
		{Config, "i", true}, {Config, "a", true}, {Config, "c", true},
		// unique abbreviations people type
		{Exec, "sh ip int br", false}, {Exec, "conf t", false}, {Exec, "wr", false},
		{Exec, "u all", false}, {Exec, "un all", false}, {Exec, "term len 0", false},
		{Config, "int g0/1", false}, {Config, "host R2", false},
	}
	for _, tt := range tests {
		s, out := sessionIn(e, tt.mode)
		s.Execute(tt.line)
		got := strings.HasPrefix(out.String(), "% Ambiguous command:")
		if got != tt.ambiguous {
			t.Errorf("%s %q: %q", tt.mode.Name, tt.line, out.String())
		}
	}
}

// TestPlaceholderReplaced: a feature installing a word the engine holds as
// a placeholder takes the word over (its own help, its own grammar), and a
// word only a no form implements keeps its plain placeholder.
func TestPlaceholderReplaced(t *testing.T) {
	e, _ := newTestEngine()
	ran := false
	e.Install(&Command{Mode: Config, Syntax: "ntp server A.B.C.D", Help: []string{"Configure Network Time Protocol", "Configure NTP server", "IP address"},
		Run: func(c *Context, a Args) error { ran = true; return nil }})
	e.Install(&Command{Mode: Exec, Syntax: "no setup now", Help: []string{HelpNo, "Run the SETUP command facility", "Now"}, Run: func(*Context, Args) error { return nil }})
	s, out := sessionIn(e, Config)
	if !s.Execute("ntp server 1.2.3.4") || !ran {
		t.Fatalf("real ntp did not run: %q", out.String())
	}
	out.Reset()
	s.Execute("ntp ?")
	if want := "  server  Configure NTP server\n\nRouter(config)#ntp \n"; out.String() != want {
		t.Errorf("ntp ?: %q want %q", out.String(), want)
	}
	out.Reset()
	s.Execute("ntp peer 1.2.3.4")
	if !strings.Contains(out.String(), "Invalid input") {
		t.Errorf("ntp peer: %q", out.String())
	}
	out.Reset()
	s.Execute("?")
	if !strings.Contains(out.String(), "  ntp              Configure Network Time Protocol\n") {
		t.Errorf("config ? does not show the real help:\n%s", out.String())
	}
	// `no ntp` had its own placeholder, which the plain command leaves.
	out.Reset()
	s.Execute("no ntp server 1.2.3.4")
	if want := "% The \"ntp\" command is not supported on this router\n"; out.String() != want {
		t.Errorf("no ntp: %q", out.String())
	}
	x, xout := sessionIn(e, Exec)
	x.Execute("setup")
	if !strings.Contains(xout.String(), `The "setup" command is not supported`) {
		t.Errorf("setup: %q", xout.String())
	}
	if errs := e.CheckCommands(); len(errs) > 0 {
		t.Errorf("CheckCommands: %v", errs)
	}
}

// TestBuiltinWordsKeepCommands: words the engine implements are never
// shadowed by their placeholder.
func TestBuiltinWordsKeepCommands(t *testing.T) {
	e := NewEngine()
	for _, c := range e.Commands() {
		if !c.unsupported {
			continue
		}
		switch strings.Fields(strings.TrimPrefix(c.Syntax, "no "))[0] {
		case "copy", "erase", "configure", "show", "terminal", "enable", "disable", "exit", "logout", "write", "undebug", "help", "dir", "pwd", "hostname", "service", "interface":
			t.Errorf("placeholder installed over a real word: %q", c.Syntax)
		}
	}
	if errs := e.CheckCommands(); len(errs) > 0 {
		t.Errorf("CheckCommands: %v", errs)
	}
}

func TestShowDebugging(t *testing.T) {
	e, _ := newTestEngine()
	nat := false
	e.AddDebugReport(func() []string {
		if !nat {
			return nil
		}
		return []string{"NAT:", "  IP NAT debugging is on"}
	})
	e.AddDebugReport(func() []string { return []string{"ARP:", "  ARP packet debugging is on"} })
	s, out := sessionIn(e, Exec)
	s.Execute("show debugging")
	if want := "ARP:\n  ARP packet debugging is on\n"; out.String() != want {
		t.Errorf("got %q want %q", out.String(), want)
	}
	nat = true
	out.Reset()
	s.Execute("show debugging")
	if want := "NAT:\n  IP NAT debugging is on\nARP:\n  ARP packet debugging is on\n"; out.String() != want {
		t.Errorf("got %q want %q", out.String(), want)
	}
}

func TestHistorySize(t *testing.T) {
	tests := []struct {
		size  string
		lines int
		want  int
	}{
		{"", 15, historySize},
		{"3", 10, 3},
		{"0", 5, 0},
		{"256", 300, 256},
	}
	for _, tt := range tests {
		e, _ := newTestEngine()
		s, _ := sessionIn(e, Exec)
		if tt.size != "" && !s.Execute("terminal history size "+tt.size) {
			t.Fatalf("size %s refused", tt.size)
		}
		for i := 0; i < tt.lines; i++ {
			s.Execute("show privilege")
		}
		if got := len(s.History()); got != tt.want {
			t.Errorf("size %q after %d lines: %d kept, want %d", tt.size, tt.lines, got, tt.want)
		}
	}
	e, _ := newTestEngine()
	s, out := sessionIn(e, Exec)
	s.Execute("terminal history size 257")
	if !strings.Contains(out.String(), "Invalid input") {
		t.Errorf("257 accepted: %q", out.String())
	}
}

func TestEnableLevels(t *testing.T) {
	tests := []struct {
		from *Mode
		line string
		to   *Mode
		ok   bool
	}{
		{UserExec, "enable", Exec, true},
		{UserExec, "enable 15", Exec, true},
		{UserExec, "enable 1", UserExec, true},
		{Exec, "enable 1", UserExec, true},
		{Exec, "enable 0", UserExec, true},
		{Exec, "enable 7", Exec, false},
		{Exec, "enable 16", Exec, false},
	}
	for _, tt := range tests {
		e, _ := newTestEngine()
		s, out := sessionIn(e, tt.from)
		ok := s.Execute(tt.line)
		if ok != tt.ok || s.Mode() != tt.to {
			t.Errorf("%s %q: ok %v mode %s (%q)", tt.from.Name, tt.line, ok, s.Mode().Name, out.String())
		}
	}
}
