package ftpinspect

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

// TestGlobalTimersReachSessionTable: `ip inspect tcp synwait-time` and
// `finwait-time` set the session table's timers, and their `no` forms put
// IOS's defaults back. (The whole-router side of the global commands, with
// show output and the audit trail, is device's TestInspectGlobals.)
func TestGlobalTimersReachSessionTable(t *testing.T) {
	e := ios.NewEngine()
	f := Register(e, nil, nil, nil, nil)
	t.Cleanup(f.Close)
	var out bytes.Buffer
	s := e.NewSession(&out)
	s.SetMode(ios.Config)
	tests := []struct {
		script           string
		synWait, finWait time.Duration
	}{
		{"ip inspect tcp synwait-time 10\nip inspect tcp finwait-time 7\n", 10 * time.Second, 7 * time.Second},
		{"no ip inspect tcp synwait-time\n", 30 * time.Second, 7 * time.Second},
		{"no ip inspect tcp finwait-time 7\n", 30 * time.Second, 5 * time.Second},
	}
	for _, tt := range tests {
		if failed := s.RunScript(strings.NewReader(tt.script)); failed != 0 {
			t.Fatalf("%q:\n%s", tt.script, out.String())
		}
		if got := time.Duration(f.cb.synWait.Load()); got != tt.synWait {
			t.Errorf("after %q: session table synwait = %v, want %v", tt.script, got, tt.synWait)
		}
		if got := time.Duration(f.cb.finWait.Load()); got != tt.finWait {
			t.Errorf("after %q: session table finwait = %v, want %v", tt.script, got, tt.finWait)
		}
	}
}
