package ftpinspect

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"natlab/acl"
	"natlab/ios"
	"natlab/nat"
	"natlab/packet"
	"natlab/router"
)

// Feature is FTP inspection on a router: the engine, its hooks, and the
// IOS commands that configure and show it (README.md).
type Feature struct {
	In *Inspector

	e    *ios.Engine
	r    *router.Router
	acls *acl.ACLs
	stop chan struct{}

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

// service is `ip nat service list ACL ftp tcp port N`.
type service struct {
	list string
	port uint16
}

// rule is one `ip inspect name NAME PROTOCOL ...` line.
type rule struct {
	proto        string // ftp, tcp, udp, icmp
	alert, audit bool
	alertSet     bool // alert given on the line (else it follows ip inspect alert-off)
	timeout      int  // seconds, in effect
	timeoutSet   bool // given on the line (else it follows the global idle time)
}

// ruleSet is the rules of one inspection name, in configuration order.
type ruleSet struct{ protos []*rule }

func (s *ruleSet) get(proto string) *rule {
	for _, r := range s.protos {
		if r.proto == proto {
			return r
		}
	}
	return nil
}

// defaultTimeouts are the per-protocol idle timeouts IOS shows.
var defaultTimeouts = map[string]int{"ftp": 3600, "tcp": 3600, "udp": 30, "icmp": 10}

// ifInspect is `ip inspect NAME in|out` on one interface.
type ifInspect struct{ in, out string }

const (
	helpInspect     = "Context-based Access Control Engine"
	helpIfInspect   = "Apply inspect name"
	helpShowInspect = "CBAC (Context Based Access Control) information"
	helpDbgInspect  = "Context-based access control"
	helpName        = "Specify an inspection rule"
	helpRuleName    = "Inspection rule name"
	helpFTP         = "File Transfer Protocol"
	helpICMP        = "ICMP Protocol"
	helpTCP         = "Transmission Control Protocol"
	helpUDP         = "User Datagram Protocol"
	helpAlert       = "Turn on/off alert"
	helpAudit       = "Turn on/off audit trail"
	helpOn          = "Turn on"
	helpOff         = "Turn off"
	helpTimeout     = "Specify the inactivity timeout time"
	helpTimeoutSecs = "Inactivity timeout in seconds"
	helpIn          = "Inbound inspection"
	helpOut         = "Outbound inspection"
	helpDebugIP     = "IP information" // as natlab/nat
	helpUndebug     = "Disable debugging functions (see also 'debug')"
	helpFTPCmd      = "FTP commands and responses"
	helpFTPTokens   = "FTP tokens"
	helpNAT         = "NAT configuration commands" // as natlab/nat
	helpService     = "Special translation for application using non-standard port"
	helpSvcList     = "Specify access list describing global matching addresses"
	helpSvcListNum  = "Access list number for global matching addresses"
	helpSvcListName = "Access list name for global matching addresses"
	helpSvcFTP      = "FTP protocol"
	helpSvcTCP      = "TCP protocol"
	helpSvcPort     = "Port"
	helpSvcPortNum  = "Port number"
)

// Register builds FTP inspection for a router: the engine with NAT's
// translator (n may be nil), its hooks, its commands and running-config
// lines, and the expiry timer. acls (may be nil) names the interface ACLs
// in `show ip inspect interfaces`. Interface lines (`ip inspect NAME
// out`) reach the running-config through InterfaceConfigLines, which the
// router CLI's AddInterfaceConfig takes (router.IfOrderInspect).
func Register(e *ios.Engine, r *router.Router, n *nat.NAT, acls *acl.ACLs) *Feature {
	cfg := Config{Debug: func(l string) { e.Log(l) }}
	if e.Clock != nil {
		cfg.Clock = e.Clock
	}
	f := &Feature{e: e, r: r, acls: acls, rules: map[string]*ruleSet{}, iface: map[string]*ifInspect{}, glob: defaultGlobals}
	cfg.Log = f.log
	cfg.Audit = f.engineAudit
	if n != nil {
		cfg.NAT = NATTranslator(n)
	}
	f.In = New(cfg)
	f.cb.init(f.In.cfg.Clock)
	f.In.SetPolicy(f.policy)
	f.In.SetServiceFilter(f.isFTPService)
	if r != nil {
		f.In.Attach(r)
		f.attachCBAC(r)
	}
	f.installCLI()
	f.installGlobals()
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
	var inName, outName string
	for _, i := range f.r.Interfaces() {
		if i.Index() == inIdx {
			inName = i.Name()
		}
	}
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

func (f *Feature) installCLI() {
	h := func(s ...string) []string { return s }
	ipInspect := h(ios.HelpConfigIP, helpInspect)
	f.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "ip inspect name WORD$name <ftp|icmp|tcp|udp>$proto [alert <on|off>$alert] [audit-trail <on|off>$audit] [timeout (5-43200)$secs]",
			Help: append(ipInspect, helpName, helpRuleName, helpFTP, helpICMP, helpTCP, helpUDP, helpAlert, helpOn, helpOff, helpAudit, helpOn, helpOff, helpTimeout, helpTimeoutSecs), Run: f.cmdRule},
		&ios.Command{Mode: ios.Config, Syntax: "no ip inspect name WORD$name [<ftp|icmp|tcp|udp>$proto]",
			Help: h(ios.HelpNo, ios.HelpConfigIP, helpInspect, helpName, helpRuleName, helpFTP, helpICMP, helpTCP, helpUDP), Run: f.cmdNoRule},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] ip inspect WORD$name <in|out>",
			Help: h(ios.HelpIfIP, helpIfInspect, helpRuleName, helpIn, helpOut), Run: f.cmdInterface},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect sessions detail",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection sessions", "Show detailed inspection session information"), Run: f.cmdShowDetail},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect <config|interfaces|sessions|all>",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection configuration", "Inspection interfaces", "Inspection sessions", "Inspection all available information"), Run: f.cmdShow},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect name WORD$name",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection name", helpRuleName), Run: f.cmdShowName},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat service list <(1-2699)$num|WORD$name> ftp tcp port (1-65535)$port",
			Help: h(ios.HelpConfigIP, helpNAT, helpService, helpSvcList, helpSvcListNum, helpSvcListName, helpSvcFTP, helpSvcTCP, helpSvcPort, helpSvcPortNum), Run: f.cmdService},
		&ios.Command{Mode: ios.Exec, Syntax: "[no] debug ip inspect <ftp-cmd|ftp-tokens>",
			Help: h(ios.HelpDebug, helpDebugIP, helpDbgInspect, helpFTPCmd, helpFTPTokens), Run: f.cmdDebug},
		&ios.Command{Mode: ios.Exec, Syntax: "undebug ip inspect <ftp-cmd|ftp-tokens>",
			Help: h(helpUndebug, helpDebugIP, helpDbgInspect, helpFTPCmd, helpFTPTokens), Run: f.cmdUndebug},
	)
}

// cmdService is `ip nat service list ACL ftp tcp port N` (Cisco doc
// 13776-6): FTP on port N for the servers the list matches (their inside
// local addresses); for those servers port 21 is FTP only if configured
// too. One list per port.
func (f *Feature) cmdService(c *ios.Context, a ios.Args) error {
	list := a.Str("num")
	if list == "" {
		list = a.Str("name")
	}
	port := uint16(a.Int("port"))
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.svc {
		if s.port != port {
			continue
		}
		if a.No() {
			if s.list == list {
				f.svc = slices.Delete(f.svc, i, i+1)
				f.applyServices()
			}
			return nil
		}
		if s.list != list {
			return ios.Errorf("%% service \"ftp tcp port %d\" is already configured for access-list %s", port, s.list)
		}
		return nil
	}
	if !a.No() {
		f.svc = append(f.svc, service{list, port})
		f.applyServices()
	}
	return nil
}

// applyServices gives the engine the control ports: 21 and every service
// port. Caller holds f.mu.
func (f *Feature) applyServices() {
	ports := []uint16{21}
	for _, s := range f.svc {
		ports = append(ports, s.port)
	}
	f.In.SetPorts(ports)
}

// isFTPService reports whether server (inside local address, control
// port) is an FTP control endpoint under the `ip nat service` rules.
func (f *Feature) isFTPService(server netip.AddrPort) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	matched := false
	for _, s := range f.svc {
		if f.acls == nil {
			continue
		}
		fl := packet.Parsed{IPProto: packet.ProtoTCP, Src: server.Addr(), SrcPort: server.Port()}
		if permit, found := f.acls.Evaluate(s.list, &fl); found && permit {
			if s.port == server.Port() {
				return true
			}
			matched = true
		}
	}
	return !matched && server.Port() == 21
}

func (f *Feature) renderServices(w io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.svc {
		fmt.Fprintf(w, "ip nat service list %s ftp tcp port %d\n", s.list, s.port)
	}
}

func (f *Feature) cmdRule(c *ios.Context, a ios.Args) error {
	proto := a.Str("proto")
	r := &rule{proto: proto, alert: a.Str("alert") != "off", alertSet: a.Has("alert"), audit: a.Str("audit") == "on"}
	name := a.Str("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	if !r.alertSet {
		r.alert = !f.glob.alertOff // ip inspect alert-off: the rules that do not say otherwise
	}
	r.timeout = f.defaultTimeout(proto)
	if a.Has("secs") {
		r.timeout, r.timeoutSet = a.Int("secs"), true
	}
	rs := f.rules[name]
	if rs == nil {
		rs = &ruleSet{}
		f.rules[name] = rs
		f.order = append(f.order, name)
	}
	if old := rs.get(proto); old != nil {
		*old = *r
	} else {
		rs.protos = append(rs.protos, r)
	}
	f.rebuildCBAC()
	return nil
}

func (f *Feature) cmdNoRule(c *ios.Context, a ios.Args) error {
	name := a.Str("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	if rs := f.rules[name]; rs != nil && a.Has("proto") {
		rs.protos = slices.DeleteFunc(rs.protos, func(r *rule) bool { return r.proto == a.Str("proto") })
		if len(rs.protos) > 0 {
			f.rebuildCBAC()
			return nil
		}
	}
	delete(f.rules, name)
	f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == name })
	f.rebuildCBAC()
	return nil
}

func (f *Feature) cmdInterface(c *ios.Context, a ios.Args) error {
	ifname, _ := c.ModeData().(string)
	name := a.Str("name")
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.iface[ifname]
	if b == nil {
		b = &ifInspect{}
		f.iface[ifname] = b
	}
	dir := &b.out
	if a.Has("in") {
		dir = &b.in
	}
	if a.No() {
		if *dir == name {
			*dir = ""
		}
	} else {
		*dir = name
	}
	if b.in == "" && b.out == "" {
		delete(f.iface, ifname)
	}
	f.rebuildCBAC()
	return nil
}

func (f *Feature) cmdDebug(c *ios.Context, a ios.Args) error { return f.debug(c, a, !a.No()) }

func (f *Feature) cmdUndebug(c *ios.Context, a ios.Args) error { return f.debug(c, a, false) }

func (f *Feature) debug(c *ios.Context, a ios.Args, on bool) error {
	cmd, tok := f.In.debugCmdOn.Load(), f.In.debugTokOn.Load()
	what := "FTP command"
	if a.Has("ftp-tokens") {
		tok, what = on, "FTP token"
	} else {
		cmd = on
	}
	f.In.SetDebug(cmd, tok)
	state := "off"
	if on {
		state = "on"
	}
	c.Printf("INSPECT %s debugging is %s\n", what, state)
	return nil
}

// InterfaceConfigLines returns the interface sub-commands this feature
// owns, without indentation: `ip inspect NAME in`, `ip inspect NAME out`.
func (f *Feature) InterfaceConfigLines(ifname string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.iface[ifname]
	if b == nil {
		return nil
	}
	var lines []string
	if b.in != "" {
		lines = append(lines, "ip inspect "+b.in+" in")
	}
	if b.out != "" {
		lines = append(lines, "ip inspect "+b.out+" out")
	}
	return lines
}

// renderConfig writes the `ip inspect name` lines of the running-config.
func (f *Feature) renderConfig(w io.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.renderGlobals(w)
	for _, name := range f.order {
		for _, r := range f.rules[name].protos {
			line := "ip inspect name " + name + " " + r.proto
			if r.alertSet && !r.alert {
				line += " alert off"
			} else if r.alertSet {
				line += " alert on"
			}
			if r.audit {
				line += " audit-trail on"
			}
			if r.timeoutSet {
				line += " timeout " + strconv.Itoa(r.timeout)
			}
			fmt.Fprintln(w, line)
		}
	}
}
