package ios

import (
	"fmt"
	"strings"
)

// InterfaceType is a registered interface type for IFNAME tokens.
type InterfaceType struct {
	Name string // "GigabitEthernet", "Loopback"
	Help string // "GigabitEthernet IEEE 802.3z", "Loopback interface"
	// Slotted types are numbered slot/port ("0/1"); others by one number.
	Slotted bool
	NumHelp string // "GigabitEthernet interface number"
	// Subinterfaces types take a ".N" suffix (GigabitEthernet0/0.10).
	Subinterfaces bool
}

// installed is one compiled command in one mode (a "[no]" command installs
// two: the plain form and the no form).
type installed struct {
	cmd  *Command
	no   bool
	prog program
	seq  int // install order, for stable results
	// filterable commands accept output modifiers (`| include ...`): the
	// EXEC show commands.
	filterable bool
	// word is the first keyword (after a leading "no"), which ties a
	// placeholder to the real commands that replace it.
	word string
}

// modeSet holds the commands of one mode and the help given to each tree
// position, which the shared-help rule checks.
type modeSet struct {
	mode *Mode
	cmds []*installed
	help map[string]string // position key -> help
	// start caches the threads waiting for the first word (the closure of
	// every program from its entry), per mode asking (user EXEC sees a
	// subset of the exec set); nil after an Install.
	start map[*Mode][]thread
}

// Install adds commands. It panics on a malformed syntax, a wrong number of
// help strings or a help string that contradicts one installed before for the
// same token at the same position: these are programmer errors.
func (e *Engine) Install(cmds ...*Command) {
	e.treeMu.Lock()
	defer e.treeMu.Unlock()
	for _, c := range cmds {
		e.install(c)
	}
}

func (e *Engine) install(c *Command) {
	if c == nil || c.Mode == nil || c.Run == nil {
		panic(fmt.Sprintf("ios: command %q needs a Mode and a Run", commandSyntax(c)))
	}
	syntax := strings.TrimSpace(c.Syntax)
	withNo := false
	if rest, ok := strings.CutPrefix(syntax, "[no]"); ok && (rest == "" || rest[0] == ' ') {
		withNo = true
		syntax = strings.TrimSpace(rest)
	}
	root := parseSyntax(syntax)
	toks := root.tokens(nil)
	help := c.Help
	if toks[0].kind == kwTok && toks[0].text == "no" && len(help) == len(toks)-1 {
		// An explicit leading "no" may leave its help to the engine, as "[no]" does.
		help = append([]string{HelpNo}, help...)
	}
	if len(toks) != len(help) {
		panic(fmt.Sprintf("ios: command %q has %d tokens but %d help strings", c.Syntax, len(toks), len(c.Help)))
	}
	for i, t := range toks {
		t.help = help[i]
	}
	if toks[0].kind == kwTok && toks[0].text == "no" {
		toks[0].help = HelpNo
	}
	forms := []*node{root}
	if withNo {
		no := &node{op: opTok, tok: &token{kind: kwTok, text: "no", help: HelpNo, names: []string{"no"}}}
		forms = append(forms, &node{op: opSeq, kids: []*node{no, root}})
	}
	set := e.modeSetLocked(c.Mode)
	word := firstWord(toks)
	if c.unsupported {
		if set.hasRealWord(word) {
			return // a feature implements the word: the placeholder is not needed
		}
	} else if word != "" {
		set.dropPlaceholders(word)
		if withNo {
			set.dropPlaceholders("no " + word)
		}
	}
	for i, f := range forms {
		prog, err := compile(f)
		if err != nil {
			panic(fmt.Sprintf("ios: command %q: %v", c.Syntax, err))
		}
		if err := set.checkHelp(prog); err != nil {
			panic(fmt.Sprintf("ios: command %q: %v", c.Syntax, err))
		}
		e.installSeq++
		show := c.Mode.isExec() && toks[0].kind == kwTok && toks[0].text == "show"
		set.start = nil
		set.cmds = append(set.cmds, &installed{cmd: c, no: i == 1, prog: prog, seq: e.installSeq, filterable: show && i == 0, word: formWord(word, i == 1)})
	}
}

func commandSyntax(c *Command) string {
	if c == nil {
		return "<nil>"
	}
	return c.Syntax
}

// checkHelp walks every path of a program and records the help of each token
// under the path that leads to it (FRR's rule: commands sharing a prefix share
// its help). Paths through {} groups are many; the walk is capped.
func (s *modeSet) checkHelp(prog program) error {
	budget := 20000
	type state struct {
		pc   int
		mask uint64
		path string
	}
	stack := []state{{0, 0, ""}}
	pending := map[string]string{}
	for len(stack) > 0 && budget > 0 {
		budget--
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		in := prog[st.pc]
		switch in.op {
		case iMatch:
		case iJmp:
			stack = append(stack, state{in.x, st.mask, st.path})
		case iSplit:
			for i := len(in.alts) - 1; i >= 0; i-- {
				stack = append(stack, state{in.alts[i], st.mask, st.path})
			}
		case iUse:
			if st.mask&(1<<uint(in.x)) == 0 {
				stack = append(stack, state{st.pc + 1, st.mask | 1<<uint(in.x), st.path})
			}
		case iTok:
			key := st.path + " " + in.tok.key()
			if old, ok := s.help[key]; ok && old != in.tok.help {
				return fmt.Errorf("help %q for %q differs from %q installed before", in.tok.help, strings.TrimSpace(key), old)
			}
			if old, ok := pending[key]; ok && old != in.tok.help {
				return fmt.Errorf("help %q for %q differs from %q in the same command", in.tok.help, strings.TrimSpace(key), old)
			}
			pending[key] = in.tok.help
			stack = append(stack, state{st.pc + 1, st.mask, key})
		}
	}
	for k, v := range pending {
		s.help[k] = v
	}
	return nil
}

// modeSetLocked returns the command set of a mode, creating it (with the
// built-ins every configuration mode has) on first use. treeMu must be held.
func (e *Engine) modeSetLocked(m *Mode) *modeSet {
	if m == UserExec {
		m = Exec // user-exec commands live in the exec set, flagged User
	}
	if m.Commands != nil {
		m = m.Commands
	}
	if s, ok := e.modes[m]; ok {
		return s
	}
	s := &modeSet{mode: m, help: map[string]string{}}
	e.modes[m] = s
	if !m.isExec() {
		e.installConfigModeBuiltins(m)
	}
	return s
}

// commandsForLocked lists what can be typed in a mode (user-exec sees only
// the exec commands flagged User). treeMu must be held.
func (e *Engine) commandsForLocked(m *Mode) []*installed {
	if m == UserExec {
		var out []*installed
		if s := e.modes[Exec]; s != nil {
			for _, c := range s.cmds {
				if c.cmd.User || c.cmd.Mode == UserExec {
					out = append(out, c)
				}
			}
		}
		return out
	}
	// At "#" every exec command applies, including those installed for
	// user EXEC. The slice is a snapshot: Install only appends.
	return e.modeSetLocked(m).cmds
}

// startThreads returns the threads of a mode before any word, computed
// once per mode set (the callers never modify them).
func (e *Engine) startThreads(m *Mode) []thread {
	e.treeMu.Lock()
	defer e.treeMu.Unlock()
	s := e.modeSetLocked(m)
	if t, ok := s.start[m]; ok {
		return t
	}
	cmds := e.commandsForLocked(m)
	threads := make([]thread, 0, len(cmds))
	for _, c := range cmds {
		threads = append(threads, thread{cmd: c})
	}
	threads = closure(threads)
	if s.start == nil {
		s.start = map[*Mode][]thread{}
	}
	s.start[m] = threads
	return threads
}

// AddInterfaceType registers an interface type for IFNAME tokens.
func (e *Engine) AddInterfaceType(t InterfaceType) {
	e.treeMu.Lock()
	defer e.treeMu.Unlock()
	for i, old := range e.ifTypes {
		if strings.EqualFold(old.Name, t.Name) {
			e.ifTypes[i] = t
			return
		}
	}
	e.ifTypes = append(e.ifTypes, t)
}

func (e *Engine) interfaceTypes() []InterfaceType {
	e.treeMu.RLock()
	defer e.treeMu.RUnlock()
	return append([]InterfaceType(nil), e.ifTypes...)
}
