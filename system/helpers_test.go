package system

import (
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// bootTime is the test clock: IOS's calendar-less start, frozen.
var bootTime = time.Date(2002, time.March, 1, 0, 0, 5, 123e6, time.UTC)

// newTestSystem is a router named R1 with the system commands, a frozen
// clock, the salt of Cisco's documented example and two interfaces with
// addresses for show ip arp.
func newTestSystem() (*ios.Engine, *System) {
	e := ios.NewEngine()
	e.Clock = func() time.Time { return bootTime }
	e.SetHostname("R1")
	s := Register(e)
	s.SetSalt(func() string { return "mERr" })
	s.SetARPSource(func() []ARPEntry {
		return []ARPEntry{
			{Addr: netip.MustParseAddr("203.0.113.1"), AgeMin: -1, MAC: "5254.0012.3402", Interface: "GigabitEthernet0/1"},
			{Addr: netip.MustParseAddr("192.168.1.1"), AgeMin: -1, MAC: "5254.0012.3401", Interface: "GigabitEthernet0/0"},
		}
	})
	return e, s
}

// TestTranscripts types each testdata/*.txt script into a fresh router
// (R1, starting at "R1>") and compares the transcript with its .golden.
func TestTranscripts(t *testing.T) {
	scripts, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".txt")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			e, _ := newTestSystem()
			var out strings.Builder
			sess := e.NewSession(&out)
			sess.RunScript(strings.NewReader(string(in)))
			golden := strings.TrimSuffix(script, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if out.String() != string(want) {
				t.Errorf("transcript differs from %s (run with -update and review the diff):\n%s", golden, diffLines(string(want), out.String()))
			}
		})
	}
}

func TestCommandsReachable(t *testing.T) {
	e, _ := newTestSystem()
	for _, err := range e.CheckCommands() {
		t.Error(err)
	}
}

// diffLines shows the first differing lines.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + "\n  want: " + wl + "\n  got:  " + gl + "\n")
			if n++; n > 10 {
				break
			}
		}
	}
	return b.String()
}
