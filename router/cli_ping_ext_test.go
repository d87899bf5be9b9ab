package router

import (
	"testing"
	"time"
)

// FuzzExtendedPingAnswers: no answer to any question of the extended ping dialogue panics, and a
// number accepted stays in its question's range.
func FuzzExtendedPingAnswers(f *testing.F) {
	for _, s := range []string{"", "ip", "ipx", "192.168.1.1", "gi0/0", "Gi0/3", "5", "-1", "99999999999999999999", "y", "maybe", "0xFFFF", "0x", "\x00", " 16 "} {
		f.Add(s)
	}
	l := newCLILab(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range pingSteps {
			p := &extPing{c: l.c, o: PingOptions{Count: 5, Size: 100, Timeout: 2 * time.Second}, sweepMin: 36, sweepMax: 18024, sweepStep: 1}
			if st.question == "Target IP address: " {
				continue // needs a Context for the domain lookup message
			}
			st.answer(p, s)
			if p.o.Count < 1 || p.o.Size < 36 || p.o.Size > 18024 || p.sweepStep < 1 {
				t.Fatalf("%q to %q left %+v", s, st.question, p)
			}
		}
	})
}
