package device

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestInspectLimits: ip inspect max-incomplete, one-minute and tcp
// max-incomplete host, as show ip inspect config and the running-config
// show them; the per-host limit deletes a host's oldest half-open session,
// the max-incomplete threshold makes CBAC aggressive (the oldest half-open
// session goes for each new one) until the count falls below low; a block
// time refuses new connections to the host, and lifts; show ip inspect
// statistics counts it all; the lines load back, and the no forms restore
// the unlimited defaults.
func TestInspectLimits(t *testing.T) {
	l := newE5Lab(t, e5DenyNew)
	l.run(`
configure terminal
ip inspect name FW tcp
ip inspect max-incomplete high 4
ip inspect max-incomplete low 2
ip inspect one-minute high 100
ip inspect one-minute low 50
ip inspect tcp max-incomplete host 2
interface GigabitEthernet0/1
 ip inspect FW out
 end
show ip inspect config
show running-config | include inspect
`)
	syn := func(port int, host string) bool {
		return !l.refused(t, l.pc1, l.isp, fmt.Sprintf("192.168.1.10:%d", port), host+":80")
	}
	// Per host: a third half-open session to .10 deletes the first.
	for p := 41000; p < 41003; p++ {
		if !syn(p, "203.0.113.10") {
			t.Fatalf("SYN from %d refused", p)
		}
	}
	s := l.show("show ip inspect sessions")
	if strings.Contains(s, ":41000)") || !strings.Contains(s, ":41002)") {
		t.Errorf("per-host limit 2: sessions\n%s", s)
	}
	// Above 4 half-open sessions: aggressive, the oldest goes.
	syn(42000, "203.0.113.11")
	syn(42001, "203.0.113.11")
	syn(43000, "203.0.113.12")
	s = l.show("show ip inspect sessions")
	if strings.Count(s, "SIS_OPENING") != 4 || strings.Contains(s, ":41001)") {
		t.Errorf("max-incomplete high 4: sessions\n%s", s)
	}
	// The half-open sessions time out: below low, calm again.
	l.clock.Advance(31 * time.Second)
	l.run(`
show ip inspect statistics
configure terminal
ip inspect tcp max-incomplete host 2 block-time 1
end
`)
	// Block time: the third SYN to .10 blocks it for a minute.
	syn(44000, "203.0.113.10")
	syn(44001, "203.0.113.10")
	if syn(44002, "203.0.113.10") || syn(44003, "203.0.113.10") {
		t.Error("a SYN to a blocked host passed")
	}
	if !syn(44004, "203.0.113.11") {
		t.Error("a SYN to another host refused during the block")
	}
	l.clock.Advance(61 * time.Second)
	if !syn(44005, "203.0.113.10") {
		t.Error("the block did not end after its minute")
	}
	l.run(`
show ip inspect statistics
`)
	fwLog := l.show("show logging | include FW-")

	rendered := inspectLines(l.d.Engine.RunningConfig())
	fresh := newFTPLab(t)
	if errs := fresh.d.Engine.LoadConfig(strings.NewReader(l.d.Engine.RunningConfig())); len(errs) > 0 {
		t.Fatalf("loading the running-config: %+v", errs)
	}
	if again := inspectLines(fresh.d.Engine.RunningConfig()); again != rendered {
		t.Errorf("round trip:\n%s\nwant:\n%s", again, rendered)
	}
	l.run(`
configure terminal
no ip inspect max-incomplete high
no ip inspect max-incomplete low 2
no ip inspect one-minute high
no ip inspect one-minute low
no ip inspect tcp max-incomplete host
end
show ip inspect config
show running-config | include inspect
`)
	ftpGolden(t, "limits", withoutAsyncFW(l.out.String())+fwLog)
}

// withoutAsyncFW drops the %FW- messages a console prints as they happen:
// some come from the expiry timer, whose moment the test does not set; the
// transcript shows them once, from show logging.
func withoutAsyncFW(s string) string {
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if !strings.Contains(line, "%FW-") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
