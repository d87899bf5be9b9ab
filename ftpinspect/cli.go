package ftpinspect

import (
	"fmt"
	"io"
	"slices"
	"strconv"

	"natlab/ios"
)

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

// helps is the help of a command's tokens: base's strings, then more.
func helps(base []string, more ...string) []string { return append(slices.Clip(base), more...) }

func (f *Feature) installCLI() {
	ipInspect := []string{ios.HelpConfigIP, helpInspect}
	f.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "ip inspect name WORD$name <ftp|icmp|tcp|udp>$proto [alert <on|off>$alert] [audit-trail <on|off>$audit] [timeout (5-43200)$secs]",
			Help: helps(ipInspect, helpName, helpRuleName, helpFTP, helpICMP, helpTCP, helpUDP, helpAlert, helpOn, helpOff, helpAudit, helpOn, helpOff, helpTimeout, helpTimeoutSecs), Run: f.cmdRule},
		&ios.Command{Mode: ios.Config, Syntax: "no ip inspect name WORD$name [<ftp|icmp|tcp|udp>$proto]",
			Help: helps(nil, ios.HelpNo, ios.HelpConfigIP, helpInspect, helpName, helpRuleName, helpFTP, helpICMP, helpTCP, helpUDP), Run: f.cmdNoRule},
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] ip inspect WORD$name <in|out>",
			Help: helps(nil, ios.HelpIfIP, helpIfInspect, helpRuleName, helpIn, helpOut), Run: f.cmdInterface},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect sessions detail",
			Help: helps(nil, ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection sessions", "Show detailed inspection session information"), Run: f.cmdShowDetail},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect <config|interfaces|sessions|all>",
			Help: helps(nil, ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection configuration", "Inspection interfaces", "Inspection sessions", "Inspection all available information"), Run: f.cmdShow},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip inspect name WORD$name",
			Help: helps(nil, ios.HelpShow, ios.HelpShowIP, helpShowInspect, "Inspection name", helpRuleName), Run: f.cmdShowName},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat service list <(1-2699)$num|WORD$name> ftp tcp port (1-65535)$port",
			Help: helps(nil, ios.HelpConfigIP, helpNAT, helpService, helpSvcList, helpSvcListNum, helpSvcListName, helpSvcFTP, helpSvcTCP, helpSvcPort, helpSvcPortNum), Run: f.cmdService},
		&ios.Command{Mode: ios.Exec, Syntax: "[no] debug ip inspect <ftp-cmd|ftp-tokens>",
			Help: helps(nil, ios.HelpDebug, helpDebugIP, helpDbgInspect, helpFTPCmd, helpFTPTokens), Run: f.cmdDebug},
		&ios.Command{Mode: ios.Exec, Syntax: "undebug ip inspect <ftp-cmd|ftp-tokens>",
			Help: helps(nil, helpUndebug, helpDebugIP, helpDbgInspect, helpFTPCmd, helpFTPTokens), Run: f.cmdUndebug},
	)
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
