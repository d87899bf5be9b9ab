package acl

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/ios"
	"natlab/router"
)

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
	golden.Transcripts(t, "testdata", func(t *testing.T, script []byte) string {
		e, _ := newTestCLI(t, nil)
		var out strings.Builder
		s := e.NewSession(&out)
		s.SetMode(ios.Exec)
		s.RunScript(strings.NewReader(string(script)))
		return out.String()
	})
}

// TestRunningConfigRoundTrip feeds the rendered configuration to a fresh
// router and expects the same text back.
func TestRunningConfigRoundTrip(t *testing.T) {
	e, a := newTestCLI(t, nil)
	script, err := os.ReadFile("testdata/entries.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s := e.NewSession(&out)
	s.SetMode(ios.Exec)
	s.RunScript(strings.NewReader(string(script) + "configure terminal\ninterface gi0/1\nip access-group OUTSIDE-IN in\nip access-group 10 out\nno ip unreachables\nend\n"))
	a.Sync()
	first := e.RunningConfig()
	if got := a.InterfaceConfigLines("GigabitEthernet0/1"); strings.Join(got, "|") != "ip access-group OUTSIDE-IN in|ip access-group 10 out|no ip unreachables" {
		t.Errorf("interface lines %q", got)
	}
	e2, a2 := newTestCLI(t, nil)
	if errs := e2.LoadConfig(strings.NewReader(first)); len(errs) > 0 {
		t.Fatalf("reload: %v", errs)
	}
	a2.Sync()
	if second := e2.RunningConfig(); second != first {
		t.Errorf("round trip differs:\nfirst:\n%s\nsecond:\n%s", first, second)
	}
	// Sequence numbers are not saved: the reloaded list counts 10, 20, 30.
	var seqs []int
	for _, r := range a2.List("OUTSIDE-IN").Rules {
		seqs = append(seqs, r.Seq)
	}
	if fmt.Sprint(seqs) != "[10 20 30]" {
		t.Errorf("reloaded sequence numbers %v", seqs)
	}
}
