package acl

import (
	"errors"
	"strconv"
	"strings"

	"natlab/ios"
)

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

var (
	stdNumber = choice(false, tok("(1-99)", "IP standard access list"), tok("(1300-1999)", "IP standard access list (expanded range)"))
	extNumber = choice(false, tok("(100-199)", "IP extended access list"), tok("(2000-2699)", "IP extended access list (expanded range)"))
	anyNumber = choice(false,
		tok("(1-99)", "IP standard access list"), tok("(100-199)", "IP extended access list"),
		tok("(1300-1999)", "IP standard access list (expanded range)"), tok("(2000-2699)", "IP extended access list (expanded range)"))
	groupName = choice(false, tok("(1-199)", "IP access list (standard or extended)"),
		tok("(1300-2699)", "IP expanded access list (standard or extended)"), tok("WORD", "Access-list name"))
	showName = choice(true, tok("(1-2699)", "ACL number"), tok("WORD", "ACL name"))
)

func (a *ACLs) installCLI(e *ios.Engine) {
	cmd := func(m *ios.Mode, g grammar, run ios.Handler) *ios.Command {
		return &ios.Command{Mode: m, Syntax: g.text(), Help: g.help, Run: run}
	}
	no := func(g grammar) grammar { return grammar{append([]string{"[no]"}, g.syn...), g.help} }
	accessList := tok("access-list", ios.HelpAccessList)
	var cmds []*ios.Command

	// Numbered lists in global configuration.
	for _, kind := range []Kind{Standard, Extended} {
		num := stdNumber
		if kind == Extended {
			num = extNumber
		}
		for _, form := range entryForms(kind) {
			cmds = append(cmds, cmd(ios.Config, no(accessList.add(num).add(action).add(form)), a.numberedEntry(kind)))
		}
	}
	cmds = append(cmds,
		cmd(ios.Config, no(accessList.add(anyNumber).kw("remark", helpRemark).kw("LINE", helpRemarkTxt)), a.numberedRemark),
		cmd(ios.Config, tok("no", ios.HelpNo).add(accessList).add(anyNumber), func(c *ios.Context, args ios.Args) error {
			a.Delete(args.Words()[2])
			return nil
		}),
	)

	// Named lists and their sub-modes.
	ipAccessList := tok("ip", ios.HelpConfigIP).kw("access-list", "Named access-list")
	stdName := choice(false, tok("(1-99)", "Standard IP access-list number"), tok("(1300-1999)", "Standard IP access-list number (expanded range)"), tok("WORD", "Access-list name"))
	extName := choice(false, tok("(100-199)", "Extended IP access-list number"), tok("(2000-2699)", "Extended IP access-list number (expanded range)"), tok("WORD", "Access-list name"))
	cmds = append(cmds,
		cmd(ios.Config, ipAccessList.kw("standard", "Standard Access List").add(stdName), a.enterList(Standard)),
		cmd(ios.Config, ipAccessList.kw("extended", "Extended Access List").add(extName), a.enterList(Extended)),
		cmd(ios.Config, tok("no", ios.HelpNo).add(ipAccessList).kw("standard", "Standard Access List").add(stdName), a.deleteList(Standard)),
		cmd(ios.Config, tok("no", ios.HelpNo).add(ipAccessList).kw("extended", "Extended Access List").add(extName), a.deleteList(Extended)),
		cmd(ios.Config, ipAccessList.kw("resequence", "Resequence Access List").
			add(choice(false, tok("(1-199)", "IP access list"), tok("(1300-2699)", "IP expanded access list"), tok("WORD", "Access-list name"))).
			kw("(1-2147483647)", "Starting Sequence Number").kw("(1-2147483647)", "Step to increment the sequence number"),
			func(c *ios.Context, args ios.Args) error {
				w := args.Words()
				start, _ := strconv.Atoi(w[4])
				step, _ := strconv.Atoi(w[5])
				return a.Resequence(w[3], start, step)
			}),
	)
	for _, m := range []struct {
		mode *ios.Mode
		kind Kind
	}{{ConfigStdNacl, Standard}, {ConfigExtNacl, Extended}} {
		for _, form := range entryForms(m.kind) {
			cmds = append(cmds,
				cmd(m.mode, no(action.add(form)), a.namedEntry),
				cmd(m.mode, tok("(1-2147483647)", helpSeq).add(action).add(form), a.namedEntry))
		}
		removeSeq := func(c *ios.Context, args ios.Args) error {
			seq, _ := strconv.Atoi(args.Words()[1])
			a.RemoveSeq(c.ModeData().(nacl).name, seq)
			return nil
		}
		cmds = append(cmds,
			cmd(m.mode, tok("no", ios.HelpNo).kw("(1-2147483647)", helpSeq), removeSeq),
			// An entry's default is its absence.
			cmd(m.mode, tok("default", "Set a command to its defaults").kw("(1-2147483647)", helpSeq), removeSeq),
			cmd(m.mode, no(tok("remark", helpRemark).kw("LINE", helpRemarkTxt)), func(c *ios.Context, args ios.Args) error {
				d := c.ModeData().(nacl)
				if args.No() {
					a.RemoveRemark(d.name, args.Str("LINE"))
					return nil
				}
				return a.Remark(d.name, d.kind, args.Str("LINE"))
			}),
		)
	}

	// Interfaces.
	ifIP := tok("ip", ios.HelpIfIP)
	cmds = append(cmds,
		cmd(ios.ConfigIf, no(ifIP.kw("access-group", "Specify access control for packets").add(groupName).
			add(choice(false, tok("in", "inbound packets"), tok("out", "outbound packets")))),
			func(c *ios.Context, args ios.Args) error {
				name := args.Str("WORD")
				if name == "" {
					w := args.Words()
					name = w[len(w)-2]
				}
				ifname, _ := c.ModeData().(string)
				in := args.Has("in")
				if args.No() {
					name = ""
				}
				a.SetAccessGroup(ifname, in, name)
				return nil
			}),
		cmd(ios.ConfigIf, no(ifIP.kw("unreachables", "Enable sending ICMP Unreachable messages")), func(c *ios.Context, args ios.Args) error {
			ifname, _ := c.ModeData().(string)
			a.SetUnreachables(ifname, !args.No())
			return nil
		}),
	)

	// EXEC.
	show := tok("show", ios.HelpShow)
	cmds = append(cmds,
		cmd(ios.Exec, show.kw("access-lists", "List access lists").add(showName), func(c *ios.Context, args ios.Args) error {
			a.show(c, optionalName(args, 2))
			return nil
		}),
		cmd(ios.Exec, show.kw("ip", ios.HelpShowIP).kw("access-lists", "List IP access lists").add(showName), func(c *ios.Context, args ios.Args) error {
			a.show(c, optionalName(args, 3))
			return nil
		}),
		cmd(ios.Exec, show.kw("ip", ios.HelpShowIP).kw("access-lists", "List IP access lists").
			kw("interface", "Interface name").kw("IFNAME", "Interface name").
			add(choice(true, tok("in", "inbound packets"), tok("out", "outbound packets"))),
			func(c *ios.Context, args ios.Args) error {
				a.showInterface(c, args.Str("IFNAME"), !args.Has("out"), !args.Has("in"))
				return nil
			}),
		cmd(ios.Exec, tok("clear", ios.HelpClear).kw("access-list", "Clear access list statistical information").
			kw("counters", "Clear access list counters").
			add(choice(true, tok("(1-2699)", "Access list number"), tok("WORD", "Access list name"))),
			func(c *ios.Context, args ios.Args) error {
				a.ClearCounters(optionalName(args, 3))
				return nil
			}),
	)
	for _, c := range cmds {
		c.User = c.Mode == ios.Exec && strings.HasPrefix(c.Syntax, "show")
	}
	e.Install(cmds...)
}

func optionalName(args ios.Args, at int) string {
	if w := args.Words(); len(w) > at {
		return w[at]
	}
	return ""
}

// entryError turns a ParseError into the IOS message: a caret under the
// offending word, or `% Incomplete command.`.
func entryError(c *ios.Context, err error, firstWord int) error {
	var pe *ParseError
	if !errors.As(err, &pe) {
		return err
	}
	line := c.Line()
	starts := wordStarts(line)
	i := firstWord + pe.Word
	if i >= len(starts) {
		return ios.Errorf("%% Incomplete command.\n\n")
	}
	col := len(c.Session().Prompt()) + starts[i]
	return ios.Errorf("%s^\n%% Invalid input detected at '^' marker.\n\n", strings.Repeat(" ", col))
}

func wordStarts(line string) []int {
	var out []int
	for i := 0; i < len(line); i++ {
		if line[i] != ' ' && line[i] != '\t' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			out = append(out, i)
		}
	}
	return out
}

// numberedEntry handles `[no] access-list N permit|deny ...`. As on
// classic IOS, the no form deletes the whole list.
func (a *ACLs) numberedEntry(kind Kind) ios.Handler {
	return func(c *ios.Context, args ios.Args) error {
		w := args.Words()
		skip := 0
		if args.No() {
			skip = 1
		}
		name := w[skip+1]
		e, err := ParseEntry(kind, w[skip+2:])
		if err != nil {
			return entryError(c, err, skip+2)
		}
		if args.No() {
			a.Delete(name)
			return nil
		}
		return a.Add(name, 0, e)
	}
}

func (a *ACLs) numberedRemark(c *ios.Context, args ios.Args) error {
	w := args.Words()
	if args.No() {
		a.RemoveRemark(w[2], args.Str("LINE"))
		return nil
	}
	kind, _ := NumberKind(w[1])
	return a.Remark(w[1], kind, args.Str("LINE"))
}

// namedEntry handles `[SEQ] permit|deny ...` and `no permit|deny ...` in
// the named sub-modes.
func (a *ACLs) namedEntry(c *ios.Context, args ios.Args) error {
	d := c.ModeData().(nacl)
	w := args.Words()
	first, seq := 0, 0
	if args.No() {
		first = 1
	} else if n, err := strconv.Atoi(w[0]); err == nil {
		first, seq = 1, n
	}
	e, err := ParseEntry(d.kind, w[first:])
	if err != nil {
		return entryError(c, err, first)
	}
	if args.No() {
		a.RemoveEntry(d.name, e)
		return nil
	}
	return a.Add(d.name, seq, e)
}

func (a *ACLs) enterList(kind Kind) ios.Handler {
	return func(c *ios.Context, args ios.Args) error {
		name := args.Words()[3]
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
		name := args.Words()[4]
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
