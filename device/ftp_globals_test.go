package device

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
)

// TestInspectGlobals: the global CBAC commands set what show ip inspect config reports, render in the
// running-config only when changed and load back; rules without their own timeout follow the global
// idle times; the TCP timers reach the session table; the global audit trail logs sessions of rules
// that do not ask for it.
func TestInspectGlobals(t *testing.T) {
	l := newFTPLab(t)
	l.run(e5DenyNew)
	l.out.Reset()
	l.run(`
conf t
ip insp audit-trail
ip inspect alert-off
ip inspect tcp synwait-time 10
ip inspect tcp idle-time 1800
ip inspect udp idle-time 45
ip inspect dns-timeout 7
ip inspect name FW tcp
ip inspect name FW udp
ip inspect name FW icmp timeout 20
ip inspect name FW ftp alert on
int g0/1
 ip inspect FW out
 end
show ip inspect config
show running-config | include inspect
`)
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:41000", "203.0.113.10:80", 1, 0, packet.TCPSyn, "")
	found := false
	for _, line := range l.d.Engine.LogBuffer() {
		found = found || strings.Contains(line, "%FW-6-SESS_AUDIT_TRAIL_START")
	}
	if !found {
		t.Errorf("no audit-trail start with the global ip inspect audit-trail; log:\n%s", strings.Join(l.d.Engine.LogBuffer(), "\n"))
	}
	if got := l.halfOpenLife(t, ":41000"); got != 10*time.Second {
		t.Errorf("a half-open session lives %v, want the 10s synwait-time", got)
	}

	// Round trip: the rendered globals load into a fresh router and render the same.
	rendered := inspectLines(l.d.Engine.RunningConfig())
	fresh := newFTPLab(t)
	if errs := fresh.d.Engine.LoadConfig(strings.NewReader(l.d.Engine.RunningConfig())); len(errs) > 0 {
		t.Fatalf("loading the running-config: %+v", errs)
	}
	if again := inspectLines(fresh.d.Engine.RunningConfig()); again != rendered {
		t.Errorf("round trip:\n%s\nwant:\n%s", again, rendered)
	}

	l.run(`
conf t
no ip inspect udp idle-time
no ip inspect audit-trail
no ip inspect alert-off
no ip inspect tcp synwait-time
 end
show ip inspect config
`)
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:41001", "203.0.113.10:80", 1, 0, packet.TCPSyn, "")
	if got := l.halfOpenLife(t, ":41001"); got != 30*time.Second {
		t.Errorf("after no ip inspect tcp synwait-time a half-open session lives %v, want the 30s default", got)
	}
	ftpGolden(t, "globals", l.out.String())
}

// halfOpenLife moves the clock a second at a time until show ip inspect
// sessions no longer lists the session with endpoint ep, and returns how
// long it lived (whole seconds, up to a minute).
func (l *ftpLab) halfOpenLife(t *testing.T, ep string) time.Duration {
	t.Helper()
	for age := time.Duration(0); age <= time.Minute; age += time.Second {
		if !strings.Contains(l.show("show ip inspect sessions"), ep) {
			return age
		}
		l.clock.Advance(time.Second)
	}
	return -1
}

// show runs an exec command in a session of its own and returns its
// output.
func (l *ftpLab) show(cmd string) string {
	var out bytes.Buffer
	s := l.d.Engine.NewSession(&out)
	s.SetMode(ios.Exec)
	s.RunScript(strings.NewReader(cmd + "\n"))
	return out.String()
}

func inspectLines(config string) string {
	var out []string
	for _, line := range strings.Split(config, "\n") {
		if strings.Contains(line, "inspect") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
