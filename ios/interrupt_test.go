package ios

import (
	"strings"
	"testing"
	"time"
)

// TestInterrupt: a running command sees Session.Interrupt on Context.Interrupted; the next command
// starts with a fresh channel, and an interrupt with nothing running changes nothing.
func TestInterrupt(t *testing.T) {
	e, _ := newTestEngine()
	started := make(chan struct{})
	e.Install(&Command{Mode: Exec, Syntax: "wait", Help: []string{"Wait"}, Run: func(c *Context, a Args) error {
		close(started)
		select {
		case <-c.Interrupted():
			c.Printf("interrupted\n")
		case <-time.After(5 * time.Second):
			c.Printf("timed out\n")
		}
		return nil
	}})
	e.Install(&Command{Mode: Exec, Syntax: "check", Help: []string{"Check"}, Run: func(c *Context, a Args) error {
		select {
		case <-c.Interrupted():
			c.Printf("closed\n")
		default:
			c.Printf("open\n")
		}
		return nil
	}})
	s, out := sessionIn(e, Exec)
	s.Interrupt() // nothing runs yet
	go func() { <-started; s.Interrupt(); s.Interrupt() }()
	begin := time.Now()
	s.Execute("wait")
	if d := time.Since(begin); d > time.Second {
		t.Errorf("the interrupt took %v", d)
	}
	s.Execute("check")
	if want := "interrupted\nopen\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// TestAskLines: a dialogue's questions are the prompts of the lines that answer them, in a script
// as on a terminal, and the session's own prompt comes back after the last answer.
func TestAskLines(t *testing.T) {
	e, _ := newTestEngine()
	e.Install(&Command{Mode: Exec, Syntax: "quiz", Help: []string{"Quiz"}, Run: func(c *Context, a Args) error {
		var answers []string
		c.AskLines("First [a]: ", func(ans string) string {
			answers = append(answers, ans)
			if len(answers) == 1 {
				return "Second [b]: "
			}
			c.Printf("got %s\n", strings.Join(answers, ","))
			return ""
		})
		return nil
	}})
	s, out := sessionIn(e, Exec)
	s.RunScript(strings.NewReader("quiz\nx\n\nquiz\n"))
	want := "Router#quiz\nFirst [a]: x\nSecond [b]: \ngot x,\nRouter#quiz\n"
	if out.String() != want {
		t.Errorf("transcript:\n%q\nwant\n%q", out.String(), want)
	}
	if s.Prompt() != "First [a]: " {
		t.Errorf("prompt %q during the dialogue", s.Prompt())
	}
}
