package nat

import (
	"slices"
	"strings"
	"time"

	"natlab/ios"
	"natlab/packet"
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

// timerSyntax lists the timers in the order IOS's help shows them.
var timerSyntax = []string{"timeout", "tcp-timeout", "udp-timeout", "dns-timeout", "finrst-timeout", "icmp-timeout", "syn-timeout"}

func h(s ...string) []string { return s }

// ipNAT is the help of `ip nat`, which every global command starts with.
var ipNAT = h(ios.HelpConfigIP, helpNAT)

// help is ipNAT (after an optional `no`) followed by more.
func help(no bool, more ...string) []string {
	var out []string
	if no {
		out = h(ios.HelpNo)
	}
	// Clipped, so that two appends to one result never share an array.
	return slices.Clip(append(append(out, ipNAT...), more...))
}

func (n *NAT) installCLI(e *ios.Engine) {
	e.Install(n.ruleCommands()...)
	e.Install(n.poolAndTimerCommands()...)
	e.Install(n.limitCommands()...)
	e.Install(n.execCommands()...)
	e.AddConfigSection(ios.OrderNAT, n.renderConfig)
	e.AddUndebug(func() { n.SetDebug(false, false) })
	e.AddDebugReport(n.debugReport)
}

// ruleCommands are `ip nat inside|outside` and the translation rules.
func (n *NAT) ruleCommands() []*ios.Command {
	staticAddr := help(false, helpInside, helpSource, helpStatic, helpLocal)
	staticPort := help(false, helpInside, helpSource, helpStatic, helpTCP, helpUDP, helpLocal, helpLocalPort)
	list := "<(1-2699)$num|WORD$name>"
	sourceList := help(false, helpInside, helpSource, helpList, helpListNum, helpListName)
	return []*ios.Command{
		{Mode: ios.ConfigIf, Syntax: "[no] ip nat <inside|outside>",
			Help: h(ios.HelpIfIP, helpIfNAT, helpInsideIf, helpOutsideIf), Run: n.cmdRole},
		{Mode: ios.Config, Syntax: "[no] ip nat inside source static A.B.C.D$local A.B.C.D$global [extendable]",
			Help: append(staticAddr, helpGlobal, helpExtendable), Run: n.cmdStatic},
		{Mode: ios.Config, Syntax: "[no] ip nat inside source static A.B.C.D$local interface IFNAME$if",
			Help: append(staticAddr, helpIface, "Interface name"), Run: n.cmdStatic},
		{Mode: ios.Config, Syntax: "[no] ip nat inside source static <tcp|udp> A.B.C.D$local (1-65535)$lport A.B.C.D$global (1-65535)$gport [extendable]",
			Help: append(staticPort, helpGlobal, helpGlobalPort, helpExtendable), Run: n.cmdStatic},
		{Mode: ios.Config, Syntax: "[no] ip nat inside source static <tcp|udp> A.B.C.D$local (1-65535)$lport interface IFNAME$if (1-65535)$gport [extendable]",
			Help: append(staticPort, helpIface, "Interface name", helpGlobalPort, helpExtendable), Run: n.cmdStatic},
		{Mode: ios.Config, Syntax: "[no] ip nat inside source list " + list + " pool WORD$poolname [overload]",
			Help: append(sourceList, helpPool, helpPoolName, helpOverload), Run: n.cmdMapping},
		{Mode: ios.Config, Syntax: "[no] ip nat inside source list " + list + " interface IFNAME$if overload",
			Help: append(sourceList, helpIface, "Interface name", helpOverload), Run: n.cmdMapping},
		{Mode: ios.Config, Syntax: "[no] ip nat outside source static A.B.C.D$global A.B.C.D$local [extendable]",
			Help: help(false, helpOutside, helpSource, helpOutStatic, helpOutGlobal, helpOutLocal, helpExtendable), Run: n.cmdOutsideStatic},
	}
}

// poolAndTimerCommands are `ip nat pool` and `ip nat translation`.
func (n *NAT) poolAndTimerCommands() []*ios.Command {
	timers := "<" + strings.Join(timerSyntax, "|") + ">"
	var timerHelps []string
	for _, t := range timerSyntax {
		timerHelps = append(timerHelps, timerHelp[t])
	}
	return []*ios.Command{
		{Mode: ios.Config, Syntax: "[no] ip nat pool WORD$poolname A.B.C.D$start A.B.C.D$end <netmask A.B.C.D$mask|prefix-length (1-32)$len>",
			Help: help(false, helpDefPool, helpPoolDefName, helpStart, helpEnd, helpNetmask, helpMask, helpPrefixLen, helpPrefixLenVal), Run: n.cmdPool},
		{Mode: ios.Config, Syntax: "no ip nat pool WORD$poolname",
			Help: help(true, helpDefPool, helpPoolDefName), Run: n.cmdPool},
		{Mode: ios.Config, Syntax: "[no] ip nat translation " + timers + " <(0-536870)$secs|never>",
			Help: append(help(false, helpTranslation), append(timerHelps, helpSeconds, helpNever)...), Run: n.cmdTimer},
		{Mode: ios.Config, Syntax: "no ip nat translation " + timers,
			Help: append(help(true, helpTranslation), timerHelps...), Run: n.cmdTimer},
		{Mode: ios.Config, Syntax: "[no] ip nat translation max-entries (1-2147483647)$max",
			Help: help(false, helpTranslation, helpMaxEntries, helpEntries), Run: n.cmdMaxEntries},
		{Mode: ios.Config, Syntax: "no ip nat translation max-entries",
			Help: help(true, helpTranslation, helpMaxEntries), Run: n.cmdMaxEntries},
	}
}

// execCommands are show, clear and debug.
func (n *NAT) execCommands() []*ios.Command {
	clearTrans := h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearTrans)
	return []*ios.Command{
		{Mode: ios.Exec, User: true, Syntax: "show ip nat translations [icmp|tcp|udp] [verbose]",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowNAT, helpTranslations, "Show ICMP entries", "Show TCP entries", "Show UDP entries", helpVerbose), Run: n.cmdShowTranslations},
		{Mode: ios.Exec, User: true, Syntax: "show ip nat statistics",
			Help: h(ios.HelpShow, ios.HelpShowIP, helpShowNAT, helpStatistics), Run: n.cmdShowStatistics},
		{Mode: ios.Exec, Syntax: "clear ip nat translation <*|forced>",
			Help: append(clearTrans, helpClearAll, helpForced), Run: do(n.ClearAll)},
		{Mode: ios.Exec, Syntax: "clear ip nat translation inside A.B.C.D$ig A.B.C.D$il [outside A.B.C.D$ol A.B.C.D$og]",
			Help: append(clearTrans, helpClearInside, helpGlobalAddr, helpLocalAddr, helpClearOutside, helpLocalAddr, helpGlobalAddr), Run: n.cmdClear},
		{Mode: ios.Exec, Syntax: "clear ip nat translation <tcp|udp> inside A.B.C.D$ig (1-65535)$igp A.B.C.D$il (1-65535)$ilp [outside A.B.C.D$ol (1-65535)$olp A.B.C.D$og (1-65535)$ogp]",
			Help: append(clearTrans, helpTCP, helpUDP, helpClearInside, helpGlobalAddr, helpGlobalPortN, helpLocalAddr, helpLocalPortN,
				helpClearOutside, helpLocalAddr, helpLocalPortN, helpGlobalAddr, helpGlobalPortN), Run: n.cmdClear},
		{Mode: ios.Exec, Syntax: "clear ip nat translation outside A.B.C.D$ol A.B.C.D$og",
			Help: append(clearTrans, helpClearOutside, helpLocalAddr, helpGlobalAddr), Run: n.cmdClear},
		{Mode: ios.Exec, Syntax: "clear ip nat statistics",
			Help: h(ios.HelpClear, helpClearIP, helpClearNAT, helpClearStats), Run: do(n.ClearStatistics)},
		{Mode: ios.Exec, Syntax: "[no] debug ip nat [detailed]",
			Help: h(ios.HelpDebug, helpDebugIP, helpDebugNAT, helpDetailed), Run: n.cmdDebug},
		{Mode: ios.Exec, Syntax: "undebug ip nat [detailed]",
			Help: h(helpUndebug, helpDebugIP, helpDebugNAT, helpDetailed), Run: n.cmdUndebug},
	}
}

// do adapts an action that takes no argument and prints nothing to a
// command handler.
func do(f func()) func(*ios.Context, ios.Args) error {
	return func(*ios.Context, ios.Args) error { f(); return nil }
}

// protoArg is the protocol keyword a command was given, 0 for none.
func protoArg(a ios.Args) packet.Proto {
	for _, p := range [...]packet.Proto{packet.ProtoTCP, packet.ProtoUDP, packet.ProtoICMP} {
		if a.Has(p.String()) {
			return p
		}
	}
	return 0
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
	if r.Proto = protoArg(a); r.Proto != 0 {
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
	rows := n.translationRows(protoArg(a))
	if c.WantsJSON() {
		c.SetJSON(translationsJSON(rows, a.Has("verbose")))
		return nil
	}
	writeTranslationRows(c, rows, a.Has("verbose"))
	return nil
}

func (n *NAT) cmdShowStatistics(c *ios.Context, a ios.Args) error {
	v := n.statsView()
	if c.WantsJSON() {
		c.SetJSON(statisticsJSON(&v))
		return nil
	}
	writeStatistics(c, &v)
	return nil
}

func (n *NAT) cmdClear(c *ios.Context, a ios.Args) error {
	sel := Selector{Proto: protoArg(a)}
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

// debugReport is what show debugging says of NAT.
func (n *NAT) debugReport() []string {
	switch {
	case !n.Debug():
		return nil
	case n.detailed.Load():
		return []string{"NAT:", "  IP NAT detailed debugging is on"}
	}
	return []string{"NAT:", "  IP NAT debugging is on"}
}
