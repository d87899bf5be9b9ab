package router

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

// TestProbeInterrupt: the escape sequence (Session.Interrupt, which the line editors call on Ctrl-^ x)
// stops ping and traceroute at once; ping's summary counts the echoes that completed.
func TestProbeInterrupt(t *testing.T) {
	tests := []struct {
		line string
		want []string // lines the output has
	}{
		// No route: each probe waits out its 3 s timeout, 30 hops of them.
		{"traceroute 198.18.0.1", []string{"Tracing the route to 198.18.0.1", "  1  * "}},
		// Nothing answers on the outside port: 2 s per echo.
		{"ping 203.0.113.50 repeat 1000", []string{"Sending 1000, 100-byte ICMP Echos to 203.0.113.50, timeout is 2 seconds:", "..", "Success rate is 0 percent (0/2)"}},
	}
	for _, tt := range tests {
		l := newCLILab(t)
		var out bytes.Buffer
		s := l.e.NewSession(&out)
		s.SetTerminalLength(0)
		s.SetMode(ios.Exec)
		sent := make(chan time.Time, 1)
		go func() {
			// Real time: the probes' timers run on the wall clock. The interrupt comes while the
			// second probe waits (traceroute: 3 s each; ping: 2 s each).
			wait := 3500 * time.Millisecond
			if strings.HasPrefix(tt.line, "ping") {
				wait = 4500 * time.Millisecond
			}
			time.Sleep(wait)
			sent <- time.Now()
			s.Interrupt()
		}()
		s.Execute(tt.line)
		if d := time.Since(<-sent); d > time.Second {
			t.Errorf("%s: took %v after the interrupt", tt.line, d)
		}
		for _, w := range tt.want {
			if !strings.Contains(out.String(), w+"\n") {
				t.Errorf("%s: output lacks %q:\n%s", tt.line, w, out.String())
			}
		}
		s.Close()
	}
}
