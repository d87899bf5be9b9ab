package ftpinspect

import (
	"net/netip"
	"sync"
	"time"

	"natlab/ios"
	"natlab/packet"
	"natlab/router"
)

// Feature is inspection on a router: the FTP engine, CBAC's session table,
// their stages in the packet path, and the IOS commands that configure and
// show them (README.md).
type Feature struct {
	In *Inspector

	e      *ios.Engine
	r      *router.Router
	lists  ListEvaluator  // ip nat service lists; nil: none
	groups InterfaceLists // interface ACL names for show; nil: none
	stop   chan struct{}

	mu    sync.Mutex
	rules map[string]*ruleSet // by name
	order []string            // rule names in configuration order
	cb    cbac
	iface map[string]*ifInspect
	svc   []service // ip nat service ... ftp, in configuration order
	glob  globals
	// natPinholes: NAT's FTP fixup opens pinholes even without an
	// inspection rule (Linux nf_conntrack_ftp's RELATED), not IOS.
	natPinholes bool
}

// SetNATPinholes makes NAT's FTP fixup open pinholes for connections no
// inspection rule covers, as Linux's FTP helper makes the data connection
// RELATED: lab E5's "passive FTP to the server works" then holds without
// `ip inspect`. Real IOS does not do this (off by default).
func (f *Feature) SetNATPinholes(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.natPinholes = on
}

// ListEvaluator runs an access-list on a packet: first match, implicit
// deny; found is false when no list has that name. `ip nat service` selects
// its FTP servers with it. natlab/acl's ACLs implement it.
type ListEvaluator interface {
	Evaluate(list string, p *packet.Parsed) (permit, found bool)
}

// InterfaceLists names the access-lists applied to an interface (`ip
// access-group NAME in|out`; "" for none), for `show ip inspect
// interfaces`. natlab/acl's ACLs implement it.
type InterfaceLists interface {
	AccessGroups(ifname string) (in, out string)
}

// Register builds inspection for a router: the FTP engine with nat as its
// Translator, the CBAC session table, their stages in the router's order of
// operations, the commands and running-config lines, and the expiry timer.
// lists evaluates `ip nat service` access-lists and groups names the
// interface ACLs in `show ip inspect interfaces`; any of nat, lists and
// groups may be nil (no NAT, no service lists, "not set"). Interface lines
// (`ip inspect NAME out`) reach the running-config through
// InterfaceConfigLines, which the router CLI's AddInterfaceConfig takes
// (router.IfOrderInspect).
func Register(e *ios.Engine, r *router.Router, nat Translator, lists ListEvaluator, groups InterfaceLists) *Feature {
	cfg := Config{Debug: func(l string) { e.Log(l) }}
	if e.Clock != nil {
		cfg.Clock = e.Clock
	}
	f := &Feature{e: e, r: r, lists: lists, groups: groups, rules: map[string]*ruleSet{}, iface: map[string]*ifInspect{}, glob: defaultGlobals}
	cfg.Log = f.log
	cfg.Audit = f.engineAudit
	cfg.NAT = nat
	f.In = New(cfg)
	f.cb.init(f.In.cfg.Clock)
	f.In.SetPolicy(f.policy)
	f.In.SetServiceFilter(f.isFTPService)
	e.AddUndebug(func() { f.In.SetDebug(false, false) })
	e.AddDebugReport(f.debugReport)
	if r != nil {
		f.attach(r)
	}
	f.installCLI()
	f.installGlobals()
	f.installLimits()
	f.installStatistics()
	e.AddConfigSection(ios.OrderInspect, f.renderConfig)
	e.AddConfigSection(ios.OrderNAT+5, f.renderServices)
	f.stop = make(chan struct{})
	go every(time.Second, f.stop, f.sweep)
	return f
}

// sweep gives back the memory of expired connections, pinholes and
// sessions (lookups ignore expired entries on their own).
func (f *Feature) sweep() {
	f.In.Sweep()
	f.cb.sweep()
}

// Close stops the expiry timers.
func (f *Feature) Close() {
	if f.stop != nil {
		close(f.stop)
		f.stop = nil
	}
}

func (f *Feature) log(ev Event) {
	f.mu.Lock()
	alert := false
	for _, rs := range f.rules {
		for _, r := range rs.protos {
			alert = alert || r.alert
		}
	}
	f.mu.Unlock()
	if alert || ev.Kind == EvTLS {
		f.e.Log(ev.Message())
	}
}

// engineAudit passes on the FTP engine's data sessions; its control
// sessions are CBAC sessions too and are reported from there.
func (f *Feature) engineAudit(ev SessionEvent) {
	if ev.Session.Protocol != "ftp" {
		f.audit(ev)
	}
}

// audit logs session start and stop when a rule has audit-trail on.
func (f *Feature) audit(ev SessionEvent) {
	f.mu.Lock()
	on := f.glob.auditTrail
	for _, rs := range f.rules {
		for _, r := range rs.protos {
			on = on || r.audit
		}
	}
	f.mu.Unlock()
	if on {
		f.e.Log(ev.AuditMessage())
	}
}

// policy applies inspection to a control connection whose first packet
// arrived on an interface with an inbound ftp rule, or will leave through
// one with an outbound ftp rule. Without any rule, NAT still fixes the
// payload but no pinholes open (IOS: NAT's FTP fixup needs no CBAC).
func (f *Feature) policy(client, server netip.AddrPort, inIdx int) (bool, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.r == nil {
		return f.natPinholes, 0
	}
	inName, outName := f.r.NameOf(inIdx), ""
	if rt, ok := f.r.Lookup(server.Addr()); ok {
		outName = rt.Interface
	}
	check := func(name string) (bool, time.Duration) {
		if rs := f.rules[name]; rs != nil {
			if r := rs.get("ftp"); r != nil {
				return true, time.Duration(r.timeout) * time.Second
			}
		}
		return false, 0
	}
	if b := f.iface[inName]; b != nil && b.in != "" {
		if ok, d := check(b.in); ok {
			return true, d
		}
	}
	if b := f.iface[outName]; b != nil && b.out != "" {
		if ok, d := check(b.out); ok {
			return true, d
		}
	}
	return f.natPinholes, 0
}

// debugReport is what show debugging says of FTP inspection.
func (f *Feature) debugReport() []string {
	var out []string
	if f.In.debugCmdOn.Load() {
		out = append(out, "  INSPECT FTP command debugging is on")
	}
	if f.In.debugTokOn.Load() {
		out = append(out, "  INSPECT FTP token debugging is on")
	}
	if out == nil {
		return nil
	}
	return append([]string{"INSPECT:"}, out...)
}
