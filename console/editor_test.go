package console

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"natlab/ios"
)

// recorder is the client side of a terminal connection as the editor sees it: it keeps what is sent.
type recorder struct {
	net.Conn
	mu  sync.Mutex
	out strings.Builder
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.Write(p)
}

func (r *recorder) SetWriteDeadline(time.Time) error { return nil }

// edit types keys into a new terminal session in user EXEC and returns what the screen received
// after the first prompt, and the line and cursor the editor was left with when the keys ran out.
func edit(t *testing.T, keys string) (screenOut, line string, pos int) {
	t.Helper()
	rec := &recorder{}
	in := bufio.NewReader(strings.NewReader(keys))
	tm := &screen{c: rec}
	e := ios.NewEngine()
	e.Clock = func() time.Time { return time.Date(2002, time.March, 1, 0, 0, 0, 0, time.UTC) }
	s := e.NewSession(tm)
	defer s.Close()
	s.SetPagerInput(byteReader{in})
	ed := &editor{s: s, t: tm, in: in, histPos: -1}
	ed.run()
	out, ok := strings.CutPrefix(rec.out.String(), "\r\nRouter>")
	if !ok {
		t.Fatalf("screen %q does not start with the first prompt", rec.out.String())
	}
	return out, string(tm.line), tm.pos
}

// TestEditorKeys pins what each key does to the line, the cursor and the screen.
func TestEditorKeys(t *testing.T) {
	tests := []struct {
		name, keys string
		screen     string
		line       string
		pos        int
	}{
		{"typing at the end echoes", "sho", "sho", "sho", 3},
		{"Ctrl-A to the start", "show\x01", "show\r\x1b[KRouter>show\x1b[4D", "show", 0},
		{"Ctrl-E to the end", "show\x01\x05", "show\r\x1b[KRouter>show\x1b[4D\r\x1b[KRouter>show", "show", 4},
		{"Ctrl-B back, stops at the start", "ab\x02\x02\x02", "ab\r\x1b[KRouter>ab\x1b[1D\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>ab\x1b[2D", "ab", 0},
		{"Ctrl-F forward, stops at the end", "ab\x01\x06\x06\x06", "ab\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>ab\x1b[1D\r\x1b[KRouter>ab\r\x1b[KRouter>ab", "ab", 2},
		{"typing inside the line", "sow\x01\x06h", "sow\r\x1b[KRouter>sow\x1b[3D\r\x1b[KRouter>sow\x1b[2D\r\x1b[KRouter>show\x1b[2D", "show", 2},
		{"Backspace", "show\b", "show\r\x1b[KRouter>sho", "sho", 3},
		{"Delete deletes back", "show\x7f", "show\r\x1b[KRouter>sho", "sho", 3},
		{"Backspace at the start", "ab\x01\b", "ab\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>ab\x1b[2D", "ab", 0},
		{"Ctrl-D deletes under the cursor", "show\x01\x04", "show\r\x1b[KRouter>show\x1b[4D\r\x1b[KRouter>how\x1b[3D", "how", 0},
		{"Ctrl-D at the end", "show\x04", "show\r\x1b[KRouter>show", "show", 4},
		{"Ctrl-D on an empty line ends the session", "\x04sh", "\r\n", "", 0},
		{"Ctrl-K kills to the end", "show ip\x02\x02\v", "show ip\r\x1b[KRouter>show ip\x1b[1D\r\x1b[KRouter>show ip\x1b[2D\r\x1b[KRouter>show ", "show ", 5},
		{"Ctrl-U kills to the start", "show ip\x02\x02\x15", "show ip\r\x1b[KRouter>show ip\x1b[1D\r\x1b[KRouter>show ip\x1b[2D\r\x1b[KRouter>ip\x1b[2D", "ip", 0},
		{"Ctrl-W deletes the word before the cursor", "show ip  \x17", "show ip  \r\x1b[KRouter>show ", "show ", 5},
		{"Ctrl-W inside a word", "show ip\x02\x17", "show ip\r\x1b[KRouter>show ip\x1b[1D\r\x1b[KRouter>show p\x1b[1D", "show p", 5},
		{"Ctrl-L redraws", "sh\x02\f", "sh\r\x1b[KRouter>sh\x1b[1D\r\x1b[KRouter>sh\x1b[1D", "sh", 1},
		{"right arrow", "ab\x01\x1b[C", "ab\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>ab\x1b[1D", "ab", 1},
		{"left arrow", "ab\x1b[D", "ab\r\x1b[KRouter>ab\x1b[1D", "ab", 1},
		{"Home", "ab\x1b[H", "ab\r\x1b[KRouter>ab\x1b[2D", "ab", 0},
		{"Home as 1~", "ab\x1b[1~", "ab\r\x1b[KRouter>ab\x1b[2D", "ab", 0},
		{"End", "ab\x01\x1b[F", "ab\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>ab", "ab", 2},
		{"End as 4~", "ab\x01\x1b[4~", "ab\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>ab", "ab", 2},
		{"Delete key", "ab\x01\x1b[3~", "ab\r\x1b[KRouter>ab\x1b[2D\r\x1b[KRouter>b\x1b[1D", "b", 0},
		{"SS3 arrows", "ab\x1bOD", "ab\r\x1b[KRouter>ab\x1b[1D", "ab", 1},
		{"an unknown sequence", "ab\x1b[5~", "ab", "ab", 2},
		{"escape and a letter", "ab\x1bxy", "aby", "aby", 3},
		{"a sequence too long", "ab\x1b[123456789012z", "ab012z", "ab012z", 6},
		{"other control keys are ignored", "a\a\x1fb", "ab", "ab", 2},
		{"Return runs the line", "en\r", "en\r\nRouter#", "", 0},
		{"CR LF is one Return", "en\r\nsh", "en\r\nRouter#sh", "sh", 2},
		{"CR NUL is one Return", "en\r\x00sh", "en\r\nRouter#sh", "sh", 2},
		{"LF alone is Return", "en\n", "en\r\nRouter#", "", 0},
		{"history up and down", "en\rshow clock\r\x1b[A\x1b[A\x1b[B\x1b[B", "en\r\nRouter#show clock\r\n            ^\r\n% Invalid input detected at '^' marker.\r\n\r\nRouter#\r\x1b[KRouter#show clock\r\x1b[KRouter#en\r\x1b[KRouter#show clock\r\x1b[KRouter#", "", 0},
		{"history with Ctrl-P and Ctrl-N keeps the typed line", "en\rab\x10\x0e", "en\r\nRouter#ab\r\x1b[KRouter#en\r\x1b[KRouter#ab", "ab", 2},
		{"history down without browsing", "en\rab\x0e", "en\r\nRouter#ab\r\x1b[KRouter#ab", "ab", 2},
		{"history on an empty buffer", "ab\x1b[A", "ab", "ab", 2},
		{"Tab completes one keyword", "sho\t", "sho\r\x1b[KRouter>show ", "show ", 5},
		{"Tab inside a line", "sh ver\x02\x02\x02\x02\t", "sh ver\r\x1b[KRouter>sh ver\x1b[1D\r\x1b[KRouter>sh ver\x1b[2D\r\x1b[KRouter>sh ver\x1b[3D\r\x1b[KRouter>sh ver\x1b[4D\r\x1b[KRouter>show  ver\x1b[4D", "show  ver", 5},
		{"Tab with several candidates", "e\t", "e", "e", 1},
		{"question mark", "sh?", "sh?\r\nshow  \r\n\r\nRouter>sh", "sh", 2},
		{"question mark inside the line", "show ver\x02\x02\x02?", "show ver\r\x1b[KRouter>show ver\x1b[1D\r\x1b[KRouter>show ver\x1b[2D\r\x1b[KRouter>show ver\x1b[3D?\r\n  history    Display the session command history\r\n  privilege  Show current privilege level\r\n  terminal   Display terminal configuration parameters\r\n\r\nRouter>show ver\x1b[3D", "show ver", 5},
		{"Ctrl-C in EXEC drops the line", "sh\x03", "sh^C\r\nRouter>", "", 0},
		{"Ctrl-Z in EXEC does nothing", "sh\x1a", "sh", "sh", 2},
		{"Ctrl-Z in configuration runs the line and ends it", "en\rconf t\rhostname R9\x1a", "en\r\nRouter#conf t\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\nRouter(config)#hostname R9^Z\r\n*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console\r\nR9#", "", 0},
		{"Ctrl-C in configuration drops the line and ends it", "en\rconf t\rhostname R9\x03", "en\r\nRouter#conf t\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\nRouter(config)#hostname R9^C\r\n*Mar  1 00:00:00.000: %SYS-5-CONFIG_I: Configured from console by console\r\nRouter#", "", 0},
		{"exit ends the session", "exit\rsh", "exit\r\n", "exit", 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			screen, line, pos := edit(t, tt.keys)
			if screen != tt.screen || line != tt.line || pos != tt.pos {
				t.Errorf("keys %q: screen %q, line %q, cursor %d; want %q, %q, %d", tt.keys, screen, line, pos, tt.screen, tt.line, tt.pos)
			}
		})
	}
}
