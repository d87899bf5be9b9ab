package ios

import (
	"strings"
	"testing"
)

// FuzzExecute types random lines into sessions of the toy router in every
// mode: nothing may panic, and every error is one of the IOS messages.
func FuzzExecute(f *testing.F) {
	for _, seed := range []string{
		"sh ip int br", "conf t", "int g0/1", "ip route 0.0.0.0 0.0.0.0 gi 0/1 5", "show run | sec inter",
		"sh?", "show ?", "do sh run | i (", "ping 1.1.1.1 rep 3 so lo0 size 40", "no ip route",
		"ip access-list standard A", "permit 1.1.1.1 0.0.0.255", "\x1a", "description |?", "int gi", "| i x",
		"terminal length 3", "show interfaces gigabitethernet 0/1 | count .", "do do do sh", "exit",
		"en\nconf t\nint g0/1\nip access-list standard X\npermit 1.1.1.1\nint lo 3\nexit\nexit\nsh run | sec X",
	} {
		f.Add(seed)
	}
	e, _ := newTestEngine()
	modes := []*Mode{UserExec, Exec, Config, ConfigIf, configStdNacl}
	f.Fuzz(func(t *testing.T, line string) {
		for _, m := range modes {
			var out strings.Builder
			s := e.NewSession(&out)
			s.SetLogging(false)
			s.SetMode(m)
			if m == ConfigIf {
				s.stack[len(s.stack)-1].data = "GigabitEthernet0/1"
			}
			if m == configStdNacl {
				s.stack[len(s.stack)-1].data = "FUZZ"
			}
			s.Execute(line)
			s.Complete(line)
			if strings.Contains(out.String(), "Internal error") {
				t.Fatalf("%q in %s: %s", line, m.Name, out.String())
			}
			s.Close()
		}
		// The input as a script: mode changes, walk-up and do in sequence.
		var out strings.Builder
		s := e.NewSession(&out)
		s.SetLogging(false)
		s.RunScript(strings.NewReader(line))
		if strings.Contains(out.String(), "Internal error") {
			t.Fatalf("script %q: %s", line, out.String())
		}
		s.Close()
	})
}

// FuzzSyntax installs random definitions: Install either accepts one or
// panics with a syntax error, and an accepted one can be typed.
func FuzzSyntax(f *testing.F) {
	for _, seed := range []string{
		"show ip route", "[no] ip route A.B.C.D A.B.C.D <A.B.C.D$nh|IFNAME$if> [(1-255)]", "{a|b c|d}",
		"x <y|z>$l [w [v]]", "p (1-5) LINE", "<a|<b|c>>", "[[a]]", "{[a]|b}", "a$b$c",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, syntax string) {
		e := NewEngine()
		e.AddInterfaceType(InterfaceType{Name: "Loopback", Help: "Loopback interface"})
		n := 0
		ok := func() (ok bool) {
			defer func() {
				if r := recover(); r != nil {
					if _, isSyntax := r.(*syntaxError); !isSyntax && !strings.HasPrefix(strings.TrimSpace(toString(r)), "ios:") {
						t.Fatalf("%q: unexpected panic %v", syntax, r)
					}
				}
			}()
			n = len(parseSyntax(strings.TrimPrefix(strings.TrimSpace(syntax), "[no]")).tokens(nil))
			help := make([]string, n)
			for i := range help {
				help[i] = "h"
			}
			e.Install(&Command{Mode: Config, Syntax: syntax, Help: help, Run: nop})
			return true
		}()
		if !ok {
			return
		}
		for _, err := range e.CheckCommands() {
			if strings.Contains(err.Error(), syntax) {
				// Ambiguous grammars may shadow themselves; they must not panic.
				_ = err
			}
		}
		s := e.NewSession(nil)
		s.SetMode(Config)
		s.Execute(syntax)
		s.Execute(syntax + " ?")
	})
}

func toString(r any) string {
	if s, ok := r.(string); ok {
		return s
	}
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return ""
}
