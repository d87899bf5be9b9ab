package nat

import (
	"time"

	"natlab/ios"
)

// Help texts as IOS 15 prints them.
const (
	helpNAT          = "NAT configuration commands"
	helpIfNAT        = "NAT interface commands"
	helpInsideIf     = "Inside interface for address translation"
	helpOutsideIf    = "Outside interface for address translation"
	helpInside       = "Inside address translation"
	helpOutside      = "Outside address translation"
	helpSource       = "Source address translation"
	helpStatic       = "Specify static local->global mapping"
	helpOutStatic    = "Specify static global->local mapping"
	helpList         = "Specify access list describing local addresses"
	helpListNum      = "Access list number for local addresses"
	helpListName     = "Access list name for local addresses"
	helpPool         = "Name pool of global addresses"
	helpPoolName     = "Pool name for global addresses"
	helpIface        = "Specify interface for global address"
	helpOverload     = "Overload an address translation"
	helpLocal        = "Inside local IP address"
	helpGlobal       = "Inside global IP address"
	helpOutGlobal    = "Outside global IP address"
	helpOutLocal     = "Outside local IP address"
	helpTCP          = "Transmission Control Protocol"
	helpUDP          = "User Datagram Protocol"
	helpLocalPort    = "Local UDP/TCP port"
	helpGlobalPort   = "Global UDP/TCP port"
	helpExtendable   = "Extend this translation when used"
	helpDefPool      = "Define pool of addresses"
	helpPoolDefName  = "Pool name"
	helpStart        = "Start IP address"
	helpEnd          = "End IP address"
	helpNetmask      = "Specify the network mask"
	helpMask         = "Network mask"
	helpPrefixLen    = "Specify the prefix length"
	helpPrefixLenVal = "Prefix length"
	helpTranslation  = "NAT translation entry configuration"
	helpSeconds      = "Timeout in seconds"
	helpNever        = "Never timeout"
	helpMaxEntries   = "Specify maximum number of NAT entries"
	helpEntries      = "Number of entries"
	helpShowNAT      = "IP NAT information"
	helpTranslations = "Translation entries"
	helpVerbose      = "Show extra information"
	helpStatistics   = "Translation statistics"
	helpClearIP      = "IP"
	helpClearNAT     = "Clear NAT"
	helpClearTrans   = "Clear dynamic translation"
	helpClearAll     = "Delete all dynamic translations"
	helpForced       = "Force clear of active translations"
	helpClearInside  = "Inside addresses (and ports)"
	helpClearOutside = "Outside addresses (and ports)"
	helpGlobalAddr   = "Global IP address"
	helpLocalAddr    = "Local IP address"
	helpGlobalPortN  = "Global port"
	helpLocalPortN   = "Local port"
	helpClearStats   = "Clear translation statistics"
	helpDebugIP      = "IP information"
	helpDebugNAT     = "NAT events"
	helpDetailed     = "NAT detailed events"
	helpUndebug      = "Disable debugging functions (see also 'debug')"
	helpUndebugAll   = "Enable all debugging"
)

// timerHelp is the help of each `ip nat translation` timer keyword.
var timerHelp = map[string]string{
	"timeout":        "Specify timeout for dynamic NAT translations",
	"tcp-timeout":    "Specify timeout for NAT TCP flows",
	"udp-timeout":    "Specify timeout for NAT UDP flows",
	"dns-timeout":    "Specify timeout for NAT DNS flows",
	"finrst-timeout": "Specify timeout for NAT TCP flows after a FIN or RST",
	"icmp-timeout":   "Specify timeout for NAT ICMP flows",
	"syn-timeout":    "Specify timeout for NAT TCP flows after a SYN and no further data",
}

func h(s ...string) []string { return s }

func (n *NAT) installCLI(e *ios.Engine) {
	ipNAT := h(ios.HelpConfigIP, helpNAT)
	staticAddr := append(append(h(), ipNAT...), helpInside, helpSource, helpStatic, helpLocal)
	staticPort := append(append(h(), ipNAT...), helpInside, helpSource, helpStatic, helpTCP, helpUDP, helpLocal, helpLocalPort)
	timers := "<timeout|tcp-timeout|udp-timeout|dns-timeout|finrst-timeout|icmp-timeout|syn-timeout>"
	timerHelps := h(timerHelp["timeout"], timerHelp["tcp-timeout"], timerHelp["udp-timeout"], timerHelp["dns-timeout"],
		timerHelp["finrst-timeout"], timerHelp["icmp-timeout"], timerHelp["syn-timeout"])
	list := "<(1-2699)$num|WORD$name>"
	e.Install(
		&ios.Command{Mode: ios.ConfigIf, Syntax: "[no] ip nat <inside|outside>",
			Help: h(ios.HelpIfIP, helpIfNAT, helpInsideIf, helpOutsideIf), Run: n.cmdRole},

		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat inside source static A.B.C.D$local A.B.C.D$global [extendable]",
			Help: append(staticAddr, helpGlobal, helpExtendable), Run: n.cmdStatic},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat inside source static A.B.C.D$local interface IFNAME$if",
			Help: append(staticAddr, helpIface, "Interface name"), Run: n.cmdStatic},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat inside source static <tcp|udp> A.B.C.D$local (1-65535)$lport A.B.C.D$global (1-65535)$gport [extendable]",
			Help: append(staticPort, helpGlobal, helpGlobalPort, helpExtendable), Run: n.cmdStatic},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat inside source static <tcp|udp> A.B.C.D$local (1-65535)$lport interface IFNAME$if (1-65535)$gport [extendable]",
			Help: append(staticPort, helpIface, "Interface name", helpGlobalPort, helpExtendable), Run: n.cmdStatic},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat inside source list " + list + " pool WORD$poolname [overload]",
			Help: append(append(h(), ipNAT...), helpInside, helpSource, helpList, helpListNum, helpListName, helpPool, helpPoolName, helpOverload), Run: n.cmdMapping},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat inside source list " + list + " interface IFNAME$if overload",
			Help: append(append(h(), ipNAT...), helpInside, helpSource, helpList, helpListNum, helpListName, helpIface, "Interface name", helpOverload), Run: n.cmdMapping},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat outside source static A.B.C.D$global A.B.C.D$local [extendable]",
			Help: append(append(h(), ipNAT...), helpOutside, helpSource, helpOutStatic, helpOutGlobal, helpOutLocal, helpExtendable), Run: n.cmdOutsideStatic},

		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat pool WORD$poolname A.B.C.D$start A.B.C.D$end <netmask A.B.C.D$mask|prefix-length (1-32)$len>",
			Help: append(append(h(), ipNAT...), helpDefPool, helpPoolDefName, helpStart, helpEnd, helpNetmask, helpMask, helpPrefixLen, helpPrefixLenVal), Run: n.cmdPool},
		&ios.Command{Mode: ios.Config, Syntax: "no ip nat pool WORD$poolname",
			Help: append(append(h(ios.HelpNo), ipNAT...), helpDefPool, helpPoolDefName), Run: n.cmdPool},

		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat translation " + timers + " <(0-536870)$secs|never>",
			Help: append(append(append(h(), ipNAT...), helpTranslation), append(timerHelps, helpSeconds, helpNever)...), Run: n.cmdTimer},
		&ios.Command{Mode: ios.Config, Syntax: "no ip nat translation " + timers,
			Help: append(append(append(h(ios.HelpNo), ipNAT...), helpTranslation), timerHelps...), Run: n.cmdTimer},
		&ios.Command{Mode: ios.Config, Syntax: "[no] ip nat translation max-entries (1-2147483647)$max",
			Help: append(append(h(), ipNAT...), helpTranslation, helpMaxEntries, helpEntries), Run: n.cmdMaxEntries},
		&ios.Command{Mode: ios.Config, Syntax: "no ip nat translation max-entries",
			Help: append(append(h(ios.HelpNo), ipNAT...), helpTranslation, helpMaxEntries), Run: n.cmdMaxEntries},

		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip nat translations [icmp|tcp|udp] [verbose]",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowNAT, helpTranslations, "Show ICMP entries", "Show TCP entries", "Show UDP entries", helpVerbose), Run: n.cmdShowTranslations},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip nat statistics",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowNAT, helpStatistics), Run: n.cmdShowStatistics},

		&ios.Command{Mode: ios.Exec, Syntax: "clear ip nat translation <*|forced>",
			Help: h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearTrans, helpClearAll, helpForced), Run: n.cmdClearAll},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip nat translation inside A.B.C.D$ig A.B.C.D$il [outside A.B.C.D$ol A.B.C.D$og]",
			Help: h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearTrans, helpClearInside, helpGlobalAddr, helpLocalAddr, helpClearOutside, helpLocalAddr, helpGlobalAddr), Run: n.cmdClear},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip nat translation <tcp|udp> inside A.B.C.D$ig (1-65535)$igp A.B.C.D$il (1-65535)$ilp [outside A.B.C.D$ol (1-65535)$olp A.B.C.D$og (1-65535)$ogp]",
			Help: h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearTrans, helpTCP, helpUDP, helpClearInside, helpGlobalAddr, helpGlobalPortN, helpLocalAddr, helpLocalPortN,
				helpClearOutside, helpLocalAddr, helpLocalPortN, helpGlobalAddr, helpGlobalPortN), Run: n.cmdClear},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip nat translation outside A.B.C.D$ol A.B.C.D$og",
			Help: h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearTrans, helpClearOutside, helpLocalAddr, helpGlobalAddr), Run: n.cmdClear},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip nat statistics",
			Help: h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearStats), Run: n.cmdClearStats},

		&ios.Command{Mode: ios.Exec, Syntax: "[no] debug ip nat [detailed]",
			Help: h(ios.HelpDebug, helpDebugIP, helpDebugNAT, helpDetailed), Run: n.cmdDebug},
		&ios.Command{Mode: ios.Exec, Syntax: "undebug ip nat [detailed]",
			Help: h(helpUndebug, helpDebugIP, helpDebugNAT, helpDetailed), Run: n.cmdUndebug},
		&ios.Command{Mode: ios.Exec, Syntax: "undebug all",
			Help: h(helpUndebug, helpUndebugAll), Run: n.cmdUndebugAll},
		&ios.Command{Mode: ios.Exec, Syntax: "no debug all",
			Help: h(ios.HelpNo, ios.HelpDebug, helpUndebugAll), Run: n.cmdUndebugAll},
	)
	e.AddConfigSection(ios.OrderNAT, n.renderConfig)
}

// cliErr turns a core error into the CLI's verbatim error.
func cliErr(err error) error {
	if err == nil {
		return nil
	}
	return ios.Errorf("%s", err.Error())
}

func (n *NAT) cmdRole(c *ios.Context, a ios.Args) error {
	name, _ := c.ModeData().(string)
	r := RoleInside
	if a.Has("outside") {
		r = RoleOutside
	}
	if a.No() {
		if n.RoleOf(name) == r {
			n.SetRole(name, RoleNone)
		}
		return nil
	}
	n.SetRole(name, r)
	return nil
}

func (n *NAT) cmdStatic(c *ios.Context, a ios.Args) error {
	r := StaticRule{Local: a.Addr("local"), Extendable: a.Has("extendable")}
	if a.Has("global") {
		r.Global = a.Addr("global")
	}
	if a.Has("if") {
		r.Interface = a.Str("if")
	}
	switch {
	case a.Has("tcp"):
		r.Proto = ProtoTCP
	case a.Has("udp"):
		r.Proto = ProtoUDP
	}
	if r.Proto != 0 {
		r.LocalPort, r.GlobalPort = uint16(a.Int("lport")), uint16(a.Int("gport"))
	}
	if a.No() {
		return cliErr(n.RemoveStatic(r))
	}
	return cliErr(n.AddStatic(r))
}

func (n *NAT) cmdOutsideStatic(c *ios.Context, a ios.Args) error {
	r := OutsideStatic{Global: a.Addr("global"), Local: a.Addr("local"), Extendable: a.Has("extendable")}
	if a.No() {
		return cliErr(n.RemoveOutsideStatic(r))
	}
	return cliErr(n.AddOutsideStatic(r))
}

func listArg(a ios.Args) string {
	if a.Has("num") {
		return a.Str("num")
	}
	return a.Str("name")
}

func (n *NAT) cmdMapping(c *ios.Context, a ios.Args) error {
	m := Mapping{List: listArg(a), Overload: a.Has("overload")}
	if a.Has("pool") {
		m.Pool = a.Str("poolname")
	} else {
		m.Interface = a.Str("if")
	}
	if a.No() {
		return cliErr(n.RemoveMapping(m))
	}
	return cliErr(n.AddMapping(m))
}

func (n *NAT) cmdPool(c *ios.Context, a ios.Args) error {
	name := a.Str("poolname")
	if a.No() {
		return cliErr(n.RemovePool(name))
	}
	p := Pool{Name: name, Start: a.Addr("start"), End: a.Addr("end")}
	if a.Has("mask") {
		l, ok := MaskLen(a.Addr("mask"))
		if !ok || l == 0 {
			return ios.Errorf("%%Invalid netmask %s", a.Addr("mask"))
		}
		p.PrefixLen = l
	} else {
		p.PrefixLen, p.ByPrefix = a.Int("len"), true
	}
	return cliErr(n.AddPool(p))
}

func (n *NAT) cmdTimer(c *ios.Context, a ios.Args) error {
	name := ""
	for _, t := range timerNames {
		if a.Has(t) {
			name = t
		}
	}
	d := Never
	if a.Has("secs") {
		d = time.Duration(a.Int("secs")) * time.Second
	}
	return cliErr(n.SetTimeout(name, d, a.No()))
}

func (n *NAT) cmdMaxEntries(c *ios.Context, a ios.Args) error {
	if a.No() {
		n.SetMaxEntries(0)
		return nil
	}
	n.SetMaxEntries(a.Int("max"))
	return nil
}

func (n *NAT) cmdShowTranslations(c *ios.Context, a ios.Args) error {
	var proto uint8
	switch {
	case a.Has("icmp"):
		proto = ProtoICMP
	case a.Has("tcp"):
		proto = ProtoTCP
	case a.Has("udp"):
		proto = ProtoUDP
	}
	n.WriteTranslations(c, proto, a.Has("verbose"))
	return nil
}

func (n *NAT) cmdShowStatistics(c *ios.Context, a ios.Args) error {
	n.WriteStatistics(c)
	return nil
}

func (n *NAT) cmdClearAll(c *ios.Context, a ios.Args) error {
	n.ClearAll()
	return nil
}

func (n *NAT) cmdClear(c *ios.Context, a ios.Args) error {
	var sel Selector
	switch {
	case a.Has("tcp"):
		sel.Proto = ProtoTCP
	case a.Has("udp"):
		sel.Proto = ProtoUDP
	}
	if a.Has("inside") {
		sel.InsideGlobal, sel.InsideLocal = a.Addr("ig"), a.Addr("il")
		sel.InsideGlobalPort, sel.InsideLocalPort = uint16(a.Int("igp")), uint16(a.Int("ilp"))
	}
	if a.Has("outside") {
		sel.OutsideLocal, sel.OutsideGlobal = a.Addr("ol"), a.Addr("og")
		sel.OutsideLocalPort, sel.OutsideGlobalPort = uint16(a.Int("olp")), uint16(a.Int("ogp"))
	}
	n.Clear(sel)
	return nil
}

func (n *NAT) cmdClearStats(c *ios.Context, a ios.Args) error {
	n.ClearStatistics()
	return nil
}

func (n *NAT) cmdUndebug(c *ios.Context, a ios.Args) error {
	return n.debugCmd(c, a, false)
}

func (n *NAT) cmdDebug(c *ios.Context, a ios.Args) error {
	return n.debugCmd(c, a, !a.No())
}

func (n *NAT) debugCmd(c *ios.Context, a ios.Args, on bool) error {
	n.SetDebug(on, a.Has("detailed"))
	kind := "IP NAT"
	if a.Has("detailed") {
		kind = "IP NAT detailed"
	}
	if on {
		c.Printf("%s debugging is on\n", kind)
	} else {
		c.Printf("%s debugging is off\n", kind)
	}
	return nil
}

func (n *NAT) cmdUndebugAll(c *ios.Context, a ios.Args) error {
	n.SetDebug(false, false)
	c.Printf("All possible debugging has been turned off\n")
	return nil
}
