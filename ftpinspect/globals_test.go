package ftpinspect

import (
	"strings"
	"testing"
	"time"

	"natlab/packet"
)

// TestInspectGlobals: the global CBAC commands set what show ip inspect config reports, render in the
// running-config only when changed and load back; rules without their own timeout follow the global
// idle times; the TCP timers reach the session table; the global audit trail logs sessions of rules
// that do not ask for it.
func TestInspectGlobals(t *testing.T) {
	l := newCLILab(t)
	l.run(strings.Replace(e5Config, " permit tcp any host 203.0.113.100 eq ftp\n permit tcp any any established\n", "", 1))
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
	if got := time.Duration(l.f.cb.synWait.Load()); got != 10*time.Second {
		t.Errorf("session table synwait = %v, want 10s", got)
	}
	lab := &routerLab{r: l.r, in: l.f.In, pc1: l.pc1, isp: l.isp, srv: l.srv}
	lab.exchange(t, l.pc1, l.isp, "192.168.1.10:41000", "203.0.113.10:80", 1, 0, packet.TCPSyn, "")
	found := false
	for _, line := range l.e.LogBuffer() {
		found = found || strings.Contains(line, "%FW-6-SESS_AUDIT_TRAIL_START")
	}
	if !found {
		t.Errorf("no audit-trail start with the global ip inspect audit-trail; log:\n%s", strings.Join(l.e.LogBuffer(), "\n"))
	}

	// Round trip: the rendered globals load into a fresh router and render the same.
	rendered := inspectLines(l.e.RunningConfig())
	fresh := newCLILab(t)
	if errs := fresh.e.LoadConfig(strings.NewReader(l.e.RunningConfig())); len(errs) > 0 {
		t.Fatalf("loading the running-config: %+v", errs)
	}
	if again := inspectLines(fresh.e.RunningConfig()); again != rendered {
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
	if got := time.Duration(l.f.cb.synWait.Load()); got != 30*time.Second {
		t.Errorf("session table synwait after no = %v, want the 30s default", got)
	}
	golden(t, "globals", l.out.String())
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
