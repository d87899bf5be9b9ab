package acl

import "natlab/ios"

// The named access-list sub-modes.
var (
	ConfigStdNacl = &ios.Mode{Name: "config-std-nacl", Prompt: "(config-std-nacl)#", Help: "Standard Access List configuration commands:", Parent: ios.Config}
	ConfigExtNacl = &ios.Mode{Name: "config-ext-nacl", Prompt: "(config-ext-nacl)#", Help: "Ext Access List configuration commands:", Parent: ios.Config}
)

// nacl is the mode data of a named access-list sub-mode.
type nacl struct {
	name string
	kind Kind
}

// installCLI installs the access-list commands, one family at a time.
func (a *ACLs) installCLI(e *ios.Engine) {
	a.installNumbered(e)
	a.installNamed(e)
	a.installSubMode(e, ConfigStdNacl, Standard)
	a.installSubMode(e, ConfigExtNacl, Extended)
	a.installInterface(e)
	a.installShow(e)
}

// command is one definition of a family.
func command(m *ios.Mode, s syntax, run ios.Handler) *ios.Command {
	return &ios.Command{Mode: m, Syntax: s.text, Help: s.help, Run: run}
}

var (
	accessList = words("access-list", ios.HelpAccessList)
	negate     = words("no", ios.HelpNo)
)

// installNumbered: `[no] access-list N permit|deny ...`, `access-list N
// remark TEXT` and `no access-list N`.
func (a *ACLs) installNumbered(e *ios.Engine) {
	numbers := map[Kind]syntax{
		Standard: words("<(1-99)|(1300-1999)>$list", "IP standard access list", "IP standard access list (expanded range)"),
		Extended: words("<(100-199)|(2000-2699)>$list", "IP extended access list", "IP extended access list (expanded range)"),
	}
	anyNumber := words("<(1-99)|(100-199)|(1300-1999)|(2000-2699)>$list",
		"IP standard access list", "IP extended access list",
		"IP standard access list (expanded range)", "IP extended access list (expanded range)")
	var cmds []*ios.Command
	for _, kind := range []Kind{Standard, Extended} {
		for _, entry := range entrySyntaxes(kind) {
			cmds = append(cmds, command(ios.Config, join(words("[no]"), accessList, numbers[kind], entry), a.numberedEntry))
		}
	}
	cmds = append(cmds,
		command(ios.Config, join(words("[no]"), accessList, anyNumber, words("remark LINE", helpRemark, helpRemarkTxt)), a.numberedRemark),
		command(ios.Config, join(negate, accessList, anyNumber), func(c *ios.Context, args ios.Args) error {
			a.Delete(args.Str("list"))
			return nil
		}),
	)
	e.Install(cmds...)
}

// installNamed: `[no] ip access-list standard|extended NAME` and
// `ip access-list resequence NAME START STEP`.
func (a *ACLs) installNamed(e *ios.Engine) {
	ipAccessList := words("ip access-list", ios.HelpConfigIP, "Named access-list")
	names := map[Kind]syntax{
		Standard: words("standard <(1-99)|(1300-1999)|WORD>$name", "Standard Access List",
			"Standard IP access-list number", "Standard IP access-list number (expanded range)", "Access-list name"),
		Extended: words("extended <(100-199)|(2000-2699)|WORD>$name", "Extended Access List",
			"Extended IP access-list number", "Extended IP access-list number (expanded range)", "Access-list name"),
	}
	e.Install(
		command(ios.Config, join(ipAccessList, names[Standard]), a.enterList(Standard)),
		command(ios.Config, join(ipAccessList, names[Extended]), a.enterList(Extended)),
		command(ios.Config, join(negate, ipAccessList, names[Standard]), a.deleteList(Standard)),
		command(ios.Config, join(negate, ipAccessList, names[Extended]), a.deleteList(Extended)),
		command(ios.Config, join(ipAccessList, words("resequence <(1-199)|(1300-2699)|WORD>$name (1-2147483647)$start (1-2147483647)$step",
			"Resequence Access List", "IP access list", "IP expanded access list", "Access-list name",
			"Starting Sequence Number", "Step to increment the sequence number")),
			func(c *ios.Context, args ios.Args) error {
				return a.Resequence(args.Str("name"), args.Int("start"), args.Int("step"))
			}),
	)
}

// installSubMode: the entries, `no SEQ` and remarks of a named list's
// sub-mode.
func (a *ACLs) installSubMode(e *ios.Engine, m *ios.Mode, kind Kind) {
	seq := words("(1-2147483647)$seq", helpSeq)
	var cmds []*ios.Command
	for _, entry := range entrySyntaxes(kind) {
		cmds = append(cmds,
			command(m, join(words("[no]"), entry), a.namedEntry),
			command(m, join(seq, entry), a.namedEntry))
	}
	removeSeq := func(c *ios.Context, args ios.Args) error {
		a.RemoveSeq(c.ModeData().(nacl).name, args.Int("seq"))
		return nil
	}
	cmds = append(cmds,
		command(m, join(negate, seq), removeSeq),
		// An entry's default is its absence.
		command(m, join(words("default", "Set a command to its defaults"), seq), removeSeq),
		command(m, words("[no] remark LINE", helpRemark, helpRemarkTxt), func(c *ios.Context, args ios.Args) error {
			d := c.ModeData().(nacl)
			if args.No() {
				a.RemoveRemark(d.name, args.Str("LINE"))
				return nil
			}
			return a.Remark(d.name, d.kind, args.Str("LINE"))
		}),
	)
	e.Install(cmds...)
}

// installInterface: `[no] ip access-group NAME in|out` and
// `[no] ip unreachables`.
func (a *ACLs) installInterface(e *ios.Engine) {
	e.Install(
		command(ios.ConfigIf, words("[no] ip access-group <(1-199)|(1300-2699)|WORD>$name <in|out>",
			ios.HelpIfIP, "Specify access control for packets", "IP access list (standard or extended)",
			"IP expanded access list (standard or extended)", "Access-list name", "inbound packets", "outbound packets"),
			func(c *ios.Context, args ios.Args) error {
				ifname, _ := c.ModeData().(string)
				name := args.Str("name")
				if args.No() {
					name = ""
				}
				a.SetAccessGroup(ifname, args.Has("in"), name)
				return nil
			}),
		command(ios.ConfigIf, words("[no] ip unreachables", ios.HelpIfIP, "Enable sending ICMP Unreachable messages"),
			func(c *ios.Context, args ios.Args) error {
				ifname, _ := c.ModeData().(string)
				a.SetUnreachables(ifname, !args.No())
				return nil
			}),
	)
}

// installShow: `show [ip] access-lists [NAME]`, `show ip access-lists
// interface IFNAME [in|out]` and `clear access-list counters [NAME]`.
func (a *ACLs) installShow(e *ios.Engine) {
	showName := words("[(1-2699)|WORD]$name", "ACL number", "ACL name")
	showViews := func(c *ios.Context, views []listView) error {
		if c.WantsJSON() {
			c.SetJSON(listsJSON(views))
			return nil
		}
		writeLists(c, views)
		return nil
	}
	showList := func(c *ios.Context, args ios.Args) error {
		return showViews(c, a.listViews(args.Str("name")))
	}
	show := func(s syntax, run ios.Handler) *ios.Command {
		cmd := command(ios.Exec, join(words("show", ios.HelpShow), s), run)
		cmd.User = true
		return cmd
	}
	e.Install(
		show(join(words("access-lists", "List access lists"), showName), showList),
		show(join(words("ip access-lists", ios.HelpShowIP, "List IP access lists"), showName), showList),
		show(words("ip access-lists interface IFNAME [in|out]", ios.HelpShowIP, "List IP access lists",
			"Interface name", "Interface name", "inbound packets", "outbound packets"),
			func(c *ios.Context, args ios.Args) error {
				return showViews(c, a.interfaceViews(args.Str("IFNAME"), !args.Has("out"), !args.Has("in")))
			}),
		command(ios.Exec, words("clear access-list counters [(1-2699)|WORD]$name", ios.HelpClear,
			"Clear access list statistical information", "Clear access list counters", "Access list number", "Access list name"),
			func(c *ios.Context, args ios.Args) error {
				a.ClearCounters(args.Str("name"))
				return nil
			}),
	)
}

// numberedEntry handles `[no] access-list N permit|deny ...`. As on
// classic IOS, the no form deletes the whole list.
func (a *ACLs) numberedEntry(c *ios.Context, args ios.Args) error {
	name := args.Str("list")
	kind, _ := NumberKind(name)
	e, bad := readEntry(kind, args)
	if bad >= 0 {
		return c.InvalidAt(bad)
	}
	if args.No() {
		a.Delete(name)
		return nil
	}
	return a.Add(name, 0, e)
}

func (a *ACLs) numberedRemark(c *ios.Context, args ios.Args) error {
	name := args.Str("list")
	if args.No() {
		a.RemoveRemark(name, args.Str("LINE"))
		return nil
	}
	kind, _ := NumberKind(name)
	return a.Remark(name, kind, args.Str("LINE"))
}

// namedEntry handles `[SEQ] permit|deny ...` and `no permit|deny ...` in
// the named sub-modes.
func (a *ACLs) namedEntry(c *ios.Context, args ios.Args) error {
	d := c.ModeData().(nacl)
	e, bad := readEntry(d.kind, args)
	if bad >= 0 {
		return c.InvalidAt(bad)
	}
	if args.No() {
		a.RemoveEntry(d.name, e)
		return nil
	}
	return a.Add(d.name, args.Int("seq"), e)
}

func (a *ACLs) enterList(kind Kind) ios.Handler {
	return func(c *ios.Context, args ios.Args) error {
		name := args.Str("name")
		if err := a.Create(name, kind); err != nil {
			return err
		}
		m := ConfigStdNacl
		if kind == Extended {
			m = ConfigExtNacl
		}
		c.Enter(m, nacl{name, kind})
		return nil
	}
}

func (a *ACLs) deleteList(kind Kind) ios.Handler {
	return func(c *ios.Context, args ios.Args) error {
		name := args.Str("name")
		if k, numbered := NumberKind(name); numbered && k != kind {
			return ErrInvalidName
		}
		a.mu.Lock()
		l := a.lists[name]
		a.mu.Unlock()
		if l != nil && l.Kind != kind {
			return &KindError{l.Kind}
		}
		a.Delete(name)
		return nil
	}
}
