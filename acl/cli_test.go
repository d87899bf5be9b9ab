package acl

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/router"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// newTestCLI is an engine with the acl feature, a fixed clock and a bare
// `interface IFNAME` command (the router's CLI owns the real one).
func newTestCLI(t testing.TB, r *router.Router) (*ios.Engine, *ACLs) {
	e := ios.NewEngine()
	t0 := time.Date(2002, time.March, 1, 0, 0, 5, 123e6, time.UTC)
	e.Clock = func() time.Time { return t0 }
	e.SetHostname("R1")
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	e.Install(&ios.Command{Mode: ios.Config, Syntax: "interface IFNAME", Help: []string{ios.HelpInterface, "Interface name"}, Run: func(c *ios.Context, a ios.Args) error {
		c.Enter(ios.ConfigIf, a.Str("IFNAME"))
		return nil
	}})
	a := Register(e, r)
	t.Cleanup(a.Close)
	return e, a
}

// TestTranscripts runs testdata/*.txt as typed sessions and compares the
// transcripts with the golden files.
func TestTranscripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			e, a := newTestCLI(t, nil)
			script, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			s := e.NewSession(&out)
			s.SetMode(ios.Exec)
			s.RunScript(strings.NewReader(string(script)))
			a.Sync()
			golden := strings.TrimSuffix(in, ".txt") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(out.String()), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(want) != out.String() {
				t.Errorf("transcript differs from %s (run with -update and review):\n%s", golden, out.String())
			}
		})
	}
}
