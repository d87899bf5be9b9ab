package ftpinspect

import (
	"fmt"
	"io"
	"time"

	"natlab/ios"
)

// globals are the router-wide CBAC settings: the audit trail and alerts for every
// rule, and the timers that rules without their own timeout follow.
type globals struct {
	auditTrail bool // ip inspect audit-trail
	alertOff   bool // ip inspect alert-off
	synWait    int  // ip inspect tcp synwait-time (seconds)
	finWait    int  // ip inspect tcp finwait-time
	tcpIdle    int  // ip inspect tcp idle-time
	udpIdle    int  // ip inspect udp idle-time
	dnsTimeout int  // ip inspect dns-timeout
	lim        limits
}

// defaultGlobals are IOS's defaults.
var defaultGlobals = globals{synWait: 30, finWait: 5, tcpIdle: 3600, udpIdle: 30, dnsTimeout: 5}

// globalTimer is one `ip inspect ... SECONDS` command: its words, its help and its field.
type globalTimer struct {
	syntax string
	help   []string
	field  func(g *globals) *int
}

var globalTimers = []globalTimer{
	{"tcp synwait-time", []string{helpGlobalTCP, "Specify timeout for TCP connections after a SYN and no further data"},
		func(g *globals) *int { return &g.synWait }},
	{"tcp finwait-time", []string{helpGlobalTCP, "Specify timeout for TCP connections after a FIN"},
		func(g *globals) *int { return &g.finWait }},
	{"tcp idle-time", []string{helpGlobalTCP, "Specify idle timeout for tcp connections"},
		func(g *globals) *int { return &g.tcpIdle }},
	{"udp idle-time", []string{helpGlobalUDP, "Specify idle timeout for udp connections"},
		func(g *globals) *int { return &g.udpIdle }},
	{"dns-timeout", []string{"Specify timeout for DNS"}, func(g *globals) *int { return &g.dnsTimeout }},
}

const (
	helpGlobalTCP  = "Config timeout values for tcp connections"
	helpGlobalUDP  = "Config timeout values for udp flows"
	helpAuditTrail = "Enable the logging of session information (addresses and bytes)"
	helpAlertOff   = "Disable alert"
	helpSeconds    = "Timeout in seconds"
)

func (f *Feature) installGlobals() {
	ipInspect := []string{ios.HelpConfigIP, helpInspect}
	f.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip inspect audit-trail", Help: helps(ipInspect, helpAuditTrail),
			Run: func(c *ios.Context, a ios.Args) error {
				return f.setGlobal(func(g *globals) { g.auditTrail = !a.No() })
			}},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip inspect alert-off", Help: helps(ipInspect, helpAlertOff),
			Run: func(c *ios.Context, a ios.Args) error { return f.setGlobal(func(g *globals) { g.alertOff = !a.No() }) }},
	)
	for _, t := range globalTimers {
		t := t
		f.e.Install(
			&ios.Command{Mode: ios.Config, Syntax: "ip inspect " + t.syntax + " (1-2147483)$secs",
				Help: helps(helps(ipInspect, t.help...), helpSeconds),
				Run: func(c *ios.Context, a ios.Args) error {
					return f.setGlobal(func(g *globals) { *t.field(g) = a.Int("secs") })
				}},
			&ios.Command{Mode: ios.Config, Syntax: "no ip inspect " + t.syntax + " [(1-2147483)$secs]",
				Help: helps(helps(helps([]string{ios.HelpNo}, ipInspect...), t.help...), helpSeconds),
				Run: func(c *ios.Context, a ios.Args) error {
					return f.setGlobal(func(g *globals) { *t.field(g) = *t.field(&defaultGlobals) })
				}},
		)
	}
}

// setGlobal changes the global settings and applies them: rules without their own timeout follow the
// idle times, and the session table takes the TCP timers.
func (f *Feature) setGlobal(change func(g *globals)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.glob)
	for _, rs := range f.rules {
		for i, r := range rs.protos {
			rc := *r // a copy: the session table's snapshot holds its own copies
			if !rc.timeoutSet {
				rc.timeout = f.defaultTimeout(r.proto)
			}
			if !rc.alertSet {
				rc.alert = !f.glob.alertOff
			}
			rs.protos[i] = &rc
		}
	}
	f.cb.synWait.Store(int64(time.Duration(f.glob.synWait) * time.Second))
	f.cb.finWait.Store(int64(time.Duration(f.glob.finWait) * time.Second))
	f.In.SetDataLinger(time.Duration(f.glob.finWait) * time.Second)
	f.rebuildCBAC()
	return nil
}

// defaultTimeout is a rule's idle timeout when it gives none: the global tcp idle-time for TCP-based
// protocols, udp idle-time for UDP, 10 s for ICMP (as IOS shows). Caller holds f.mu.
func (f *Feature) defaultTimeout(proto string) int {
	switch proto {
	case "udp":
		return f.glob.udpIdle
	case "icmp":
		return defaultTimeouts["icmp"]
	}
	return f.glob.tcpIdle
}

// renderGlobals writes the global lines that differ from IOS's defaults. Caller holds f.mu.
func (f *Feature) renderGlobals(w io.Writer) {
	if f.glob.auditTrail {
		fmt.Fprintln(w, "ip inspect audit-trail")
	}
	if f.glob.alertOff {
		fmt.Fprintln(w, "ip inspect alert-off")
	}
	for _, t := range globalTimers {
		if v := *t.field(&f.glob); v != *t.field(&defaultGlobals) {
			fmt.Fprintf(w, "ip inspect %s %d\n", t.syntax, v)
		}
	}
	f.renderLimits(w)
}
