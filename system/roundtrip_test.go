package system

import (
	"strings"
	"testing"

	"natlab/internal/golden"
)

// trickyValues are free-form values that collide with the words before
// them in a command (the type numbers), or that hold blanks and signs.
var trickyValues = []string{"0", "7", "5", "8", "9", "0 0", "7 7", "7 0822455D0A16", "5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
	"00", "07", "cisco", "two  blanks", "a!b", "#x#", "end", "?", "privilege 15", "password", "secret 0 x"}

// TestFreeFormRoundTrip: every command whose last argument is free text
// keeps its value through the running-config and a reload, with and
// without service password-encryption.
func TestFreeFormRoundTrip(t *testing.T) {
	type holder struct {
		name  string
		typed func(v string) string
		value func(s *System) (string, bool)
	}
	holders := []holder{
		{"enable password", func(v string) string { return "enable password 0 " + v },
			func(s *System) (string, bool) { return s.enablePassword.clear, s.enablePassword.set }},
		{"line password", func(v string) string { return "line con 0\n password 0 " + v },
			func(s *System) (string, bool) { return s.con.password.clear, s.con.password.set }},
		{"vty password", func(v string) string { return "line vty 0 4\n password 0 " + v },
			func(s *System) (string, bool) { return s.vty[3].password.clear, s.vty[3].password.set }},
		{"username password", func(v string) string { return "username u password 0 " + v },
			func(s *System) (string, bool) {
				if len(s.users) != 1 {
					return "", false
				}
				return s.users[0].password.clear, s.users[0].password.set
			}},
		{"banner", func(v string) string { return "banner motd ^C" + v + "^C" },
			func(s *System) (string, bool) { return s.Banner("motd") }},
		{"domain name", func(v string) string { return "ip domain name " + strings.ReplaceAll(v, " ", "") },
			func(s *System) (string, bool) { return s.DomainName(), true }},
	}
	for _, encrypt := range []bool{false, true} {
		for _, h := range holders {
			for _, v := range trickyValues {
				want := v
				if h.name == "domain name" {
					want = strings.ReplaceAll(v, " ", "")
				}
				cfg := h.typed(v)
				if encrypt {
					cfg = "service password-encryption\n" + cfg
				}
				e1, s1 := newTestSystem()
				if errs := e1.LoadConfig(strings.NewReader(cfg)); len(errs) != 0 {
					t.Errorf("%s %q: %v", h.name, v, errs)
					continue
				}
				if got, ok := h.value(s1); !ok || got != want {
					t.Errorf("%s %q: typed, holds %q (set %v)", h.name, v, got, ok)
					continue
				}
				first := e1.RunningConfig()
				e2, s2 := newTestSystem()
				if errs := e2.LoadConfig(strings.NewReader(first)); len(errs) != 0 {
					t.Errorf("%s %q (encryption %v): reload: %v\n%s", h.name, v, encrypt, errs, first)
					continue
				}
				if got, ok := h.value(s2); !ok || got != want {
					t.Errorf("%s %q (encryption %v): reloaded as %q (set %v) from\n%s", h.name, v, encrypt, got, ok, first)
				}
				if second := e2.RunningConfig(); second != first {
					t.Errorf("%s %q: running-config differs after reload:\n%s", h.name, v, golden.Diff(first, second))
				}
			}
		}
	}
}

// TestEnableSecretRoundTrip: a secret typed in clear text whatever it looks
// like opens the router after a reload.
func TestEnableSecretRoundTrip(t *testing.T) {
	for _, v := range trickyValues {
		e1, _ := newTestSystem()
		if errs := e1.LoadConfig(strings.NewReader("enable secret 0 " + v)); len(errs) != 0 {
			t.Errorf("%q: %v", v, errs)
			continue
		}
		e2, s2 := newTestSystem()
		if errs := e2.LoadConfig(strings.NewReader(e1.RunningConfig())); len(errs) != 0 || !s2.CheckEnable(v) {
			t.Errorf("%q: after reload the secret does not open (%v)", v, errs)
		}
	}
}
