package web

import (
	"strings"
	"testing"

	"natlab/pktevent"
)

// ParseBrief reads whatever a router prints; Describe whatever lines an FTP event carries. Neither may
// panic, and every interface ParseBrief returns comes from a line of its input.
func FuzzParseBrief(f *testing.F) {
	f.Add("Interface  IP-Address OK? Method Status Protocol\nGigabitEthernet0/0 192.168.1.1 YES NVRAM up up\n", "227 (1,2,3,4,5,6)", "227 (7,8,9,10,5,6).")
	f.Add("a b c d administratively down down\n\n", "PORT 1,2,3,4,5,6", "")
	f.Fuzz(func(t *testing.T, brief, before, after string) {
		for _, st := range ParseBrief(brief) {
			if !strings.Contains(brief, st.Name) || st.Status == "" {
				t.Fatalf("interface %+v not from %q", st, brief)
			}
		}
		Describe(pktevent.Event{Kind: pktevent.KindFTP, Before: before, After: after})
		if got := changedPart(before, after); !strings.Contains(after, strings.TrimSuffix(got, ".")) {
			t.Fatalf("changedPart(%q, %q) = %q, not part of after", before, after, got)
		}
	})
}
