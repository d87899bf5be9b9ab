package ios

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadConfigLongLine: a line over MaxLineLength is reported with its
// number and the lines after it still load.
func TestLoadConfigLongLine(t *testing.T) {
	for _, n := range []int{MaxLineLength + 1, 3 * MaxLineLength, 64*1024 + 7} {
		e, toy := newTestEngine()
		long := "interface GigabitEthernet0/1\n description " + strings.Repeat("x", n) + "\nhostname After\ninterface GigabitEthernet0/2\n no shutdown\n"
		errs := e.LoadConfig(strings.NewReader(long))
		if n > MaxLineLength {
			if len(errs) != 1 || errs[0].Line != 2 || !strings.Contains(errs[0].Message, "% Line too long") || len(errs[0].Text) > 200 {
				t.Fatalf("%d bytes: errors %.300v", n, errs)
			}
		} else if len(errs) != 0 {
			t.Fatalf("%d bytes: errors %.300v", n, errs)
		}
		if e.Hostname() != "After" || toy.ifaces["GigabitEthernet0/2"].shut {
			t.Errorf("%d bytes: the lines after the long one were not loaded", n)
		}
	}
}

// TestRunScriptLongLine: the stdin session reports an over-long line and
// goes on with the next.
func TestRunScriptLongLine(t *testing.T) {
	e, _ := newTestEngine()
	s, out := sessionIn(e, Exec)
	in := "configure terminal\nhostname " + strings.Repeat("y", MaxLineLength+10) + "\nhostname After\nend\n"
	if failed := s.RunScript(strings.NewReader(in)); failed != 1 {
		t.Errorf("failed %d, want 1", failed)
	}
	if e.Hostname() != "After" {
		t.Errorf("hostname %q: the session stopped at the long line", e.Hostname())
	}
	if !strings.Contains(out.String(), "% Line too long: 1048595 bytes") || out.Len() > 4096 {
		t.Errorf("output %.500q", out.String())
	}
}

// TestLineReader: line ends, a last line without "\n", CR LF, empty lines
// and lines around the limit.
func TestLineReader(t *testing.T) {
	type line struct {
		text   string
		length int
		long   bool
	}
	for _, tc := range []struct {
		in   string
		max  int
		want []line
	}{
		{"a\nbb\n", 4, []line{{"a", 1, false}, {"bb", 2, false}}},
		{"a\n\nlast", 4, []line{{"a", 1, false}, {"", 0, false}, {"last", 4, false}}},
		{"abcd\nabcde\nx", 4, []line{{"abcd", 4, false}, {"abcd", 5, true}, {"x", 1, false}}},
		{"crlf\r\n", 8, []line{{"crlf\r", 5, false}}},
		{"", 4, nil},
	} {
		lr := newLineReader(strings.NewReader(tc.in), tc.max)
		var got []line
		for {
			text, n, long, err := lr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, line{text, n, long})
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %v, want %v", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q line %d: got %+v, want %+v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}

// TestErrorsArePrintable: an input line echoed in an error cannot send
// escape sequences or NULs to the terminal.
func TestErrorsArePrintable(t *testing.T) {
	e, _ := newTestEngine()
	errs := e.LoadConfig(strings.NewReader("hostname R1\n\x1b[2Jbogus\x00 \x9b31m\n"))
	if len(errs) != 1 {
		t.Fatalf("errors %q", errs)
	}
	if got, want := errs[0].Text, `^[[2Jbogus^@ \x9b31m`; got != want {
		t.Errorf("text %q, want %q", got, want)
	}
	s, out := sessionIn(e, Exec)
	s.RunScript(strings.NewReader("sh\x1b[31m\nconf\x00igure\n"))
	for _, b := range []byte{0x1b, 0, 0x9b} {
		if strings.IndexByte(out.String(), b) >= 0 {
			t.Errorf("output holds byte %#x: %q", b, out.String())
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain text\t!":   "plain text\t!",
		"\x1b[2J":         "^[[2J",
		"a\x00b\x7f":      "a^@b^?",
		"caf\u00e9":       "caf\u00e9",
		"\xff\xfe":        `\xff\xfe`,
		"\u202eevil":      `\xe2\x80\xaeevil`,
		"\u009b31m":       `\xc2\x9b31m`,
		"\r\n":            "^M^J",
		"":                "",
		"\x1a end of cfg": "^Z end of cfg",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHandlerErrorsArePrintable: a handler's message that quotes a typed
// word is Printable too.
func TestHandlerErrorsArePrintable(t *testing.T) {
	e := NewEngine()
	e.Install(&Command{Mode: Exec, Syntax: "echo WORD", Help: []string{"Echo", "Word"},
		Run: func(c *Context, a Args) error { return Errorf("%% Bad word %s\nsecond line", a.Str("WORD")) }})
	s, out := sessionIn(e, Exec)
	s.Execute("echo \x1b]0;owned\x07")
	if got, want := out.String(), "% Bad word ^[]0;owned^G\nsecond line\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSaveRemovesStaleTemporaries: a save interrupted by a crash leaves its
// temporary file; the next save removes it, and only files of that name
// pattern.
func TestSaveRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "startup-config")
	stale := []string{".startup-config.tmp123456", ".startup-config.tmp4294967295"}
	kept := []string{".startup-config.tmpx1", ".other.tmp123", "startup-config.tmp1", ".startup-config.bak"}
	for _, n := range append(append([]string{}, stale...), kept...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("half a config"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, _ := newTestEngine()
	e.SetStartupPath(path)
	s, out := sessionIn(e, Exec)
	if !s.Execute("write memory") {
		t.Fatalf("write memory: %q", out.String())
	}
	for _, n := range stale {
		if _, err := os.Stat(filepath.Join(dir, n)); !os.IsNotExist(err) {
			t.Errorf("stale %s still there (%v)", n, err)
		}
	}
	for _, n := range kept {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed: %v", n, err)
		}
	}
}
