package dhcp

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/ios"
)

// TestShowBindingJSON: active and selecting bindings, one infinite; the
// text rebuilt from the JSON is the text, for all bindings and one.
func TestShowBindingJSON(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	e := ios.NewEngine()
	s := Register(e, Env{Clock: func() time.Time { return now }})
	t.Cleanup(s.Close)
	s.mu.Lock()
	for _, b := range []*Binding{
		{Addr: netip.MustParseAddr("10.0.0.12"), ID: "0152.5400.0000.02", Expires: now.Add(24 * time.Hour), Active: true, Pool: "LAN"},
		{Addr: netip.MustParseAddr("10.0.0.10"), ID: "0152.5400.0000.01", Expires: now.Add(90 * time.Minute), Active: true, Pool: "LAN"},
		{Addr: netip.MustParseAddr("10.0.0.11"), ID: "0152.5400.0000.03", Expires: now.Add(2 * time.Minute), Pool: "LAN"},
		{Addr: netip.MustParseAddr("10.0.1.5"), ID: "0152.5400.0000.04", Active: true, Interface: "GigabitEthernet0/2", Pool: "INF"},
	} {
		s.binds[b.Addr] = b
	}
	s.mu.Unlock()
	var out strings.Builder
	sess := e.NewSession(&out)
	sess.SetMode(ios.Exec)
	run := func(line string) string {
		out.Reset()
		sess.Execute(line)
		return out.String()
	}
	for _, tc := range []struct {
		cmd, name string
		n         int
	}{
		{"show ip dhcp binding", "binding", 4},
		{"show ip dhcp binding 10.0.0.11", "binding_addr", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := run(tc.cmd)
			js := run(tc.cmd + " | json")
			golden.Compare(t, filepath.Join("testdata", "json", tc.name+".json"), js)
			var doc BindingsJSON
			if err := json.Unmarshal([]byte(js), &doc); err != nil {
				t.Fatalf("%v\n%s", err, js)
			}
			if len(doc.Bindings) != tc.n {
				t.Fatalf("%d bindings:\n%s", len(doc.Bindings), js)
			}
			lines := strings.SplitAfterN(text, "\n", 5)
			var b strings.Builder
			for _, j := range doc.Bindings {
				fmt.Fprintf(&b, "%-16s%-24s%-24s%-11s%-11s%s\n", j.IPAddress, j.ClientID, j.LeaseExpiration, j.Type, j.State, j.Interface)
				if j.Expires != "" {
					at, err := time.Parse(time.RFC3339, j.Expires)
					if err != nil || at.Format(leaseTimeFormat) != j.LeaseExpiration {
						t.Errorf("expires %q is not %q", j.Expires, j.LeaseExpiration)
					}
				}
			}
			if len(lines) != 5 || lines[4] != b.String() {
				t.Errorf("JSON says:\n%s\ntext says:\n%s", b.String(), text)
			}
		})
	}
}
