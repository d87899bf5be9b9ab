package system

import (
	"errors"
	"strings"
	"testing"
)

// scriptedTerminal answers questions from a list and records the screen.
type scriptedTerminal struct {
	strings.Builder
	answers []string
}

func (t *scriptedTerminal) Ask(prompt string, echo bool) (string, error) {
	t.WriteString(prompt)
	if len(t.answers) == 0 {
		return "", errors.New("hung up")
	}
	a := t.answers[0]
	t.answers = t.answers[1:]
	if echo {
		t.WriteString(a)
	}
	t.WriteString("\n")
	return a, nil
}

func TestConsoleLogin(t *testing.T) {
	tests := []struct {
		name, config string
		answers      []string
		ok           bool
		user, screen string
	}{
		{"no login", "", nil, true, "", ""},
		{"login without password", "line con 0\n login\n", nil, true, "", ""},
		{"line password", "banner motd #Keep out#\nline con 0\n password cisco\n login\n", []string{"x", "cisco"}, true, "",
			"Keep out\n\nUser Access Verification\n\nPassword: \nPassword: \n"},
		{"line password wrong", "line con 0\n password cisco\n login\n", []string{"a", "b", "c"}, false, "",
			"\nUser Access Verification\n\nPassword: \nPassword: \nPassword: \n% Bad passwords\n\n"},
		{"local", "username admin secret cisco123\nbanner login #Login#\nbanner exec #Hi#\nline con 0\n login local\n", []string{"admin", "bad", "admin", "cisco123"}, true, "admin",
			"Login\n\nUser Access Verification\n\nUsername: admin\nPassword: \n% Login invalid\n\nUsername: admin\nPassword: \nHi\n"},
		{"local password 7", "username guest password 7 0822455D0A16\nline con 0\n login local\n", []string{"guest", "cisco"}, true, "guest",
			"\nUser Access Verification\n\nUsername: guest\nPassword: \n"},
		{"hang up", "line con 0\n login local\n", nil, false, "", "\nUser Access Verification\n\nUsername: "},
	}
	for _, tt := range tests {
		e, s := newTestSystem()
		if errs := e.LoadConfig(strings.NewReader(tt.config)); len(errs) != 0 {
			t.Fatalf("%s: %v", tt.name, errs)
		}
		term := &scriptedTerminal{answers: tt.answers}
		user, ok := s.ConsoleLogin(term)
		if ok != tt.ok || user != tt.user || term.String() != tt.screen {
			t.Errorf("%s: ok=%v user=%q screen=%q, want ok=%v user=%q screen=%q", tt.name, ok, user, term.String(), tt.ok, tt.user, tt.screen)
		}
	}
}
