package ios

import "strings"

// IOS has many more top-level words than the emulator implements, and the
// words shape abbreviations: on a real router `s` is ambiguous (send, set,
// setup, show, ...) and `de` too (debug, delete). So the engine installs
// every IOS 15 word of EXEC and global configuration as a placeholder that
// `?` lists with IOS's help and that answers, when run, that the command is
// not supported here. The first real command a feature installs for a word
// removes the word's placeholder, whatever the install order.
//
// The lists come from IOS `?` listings (README.md, "Word sets").

// unsupportedWord is one placeholder: the word and its help as `?` shows it.
type unsupportedWord struct {
	word, help string
	user       bool // also at user EXEC (">")
}

// execWords are the EXEC words of an IOS 15 router (a 7206VXR's `#?`,
// without the voice, ISDN, X.25 and hardware words an IOSv lacks, plus
// rcommand from an IOS 15 user-EXEC listing). Words the engine or a
// feature implements are listed too: their placeholder never takes effect.
var execWords = []unsupportedWord{
	{"access-enable", "Create a temporary Access-List entry", true},
	{"access-profile", "Apply user-profile to interface", true},
	{"access-template", "Create a temporary Access-List entry", false},
	{"archive", "manage archive files", false},
	{"auto", "Exec level Automation", false},
	{"beep", "Blocks Extensible Exchange Protocol commands", false},
	{"bfe", "For manual emergency modes setting", false},
	{"calendar", "Manage the hardware calendar", false},
	{"call-home", "Call-Home commands", false},
	{"cd", "Change current directory", false},
	{"clear", HelpClear, true},
	{"clock", "Manage the system clock", false},
	{"cns", "CNS agents", false},
	{"connect", "Open a terminal connection", true},
	{"copy", "Copy from one file to another", false},
	{"crypto", "Encryption related commands.", true},
	{"debug", HelpDebug, false},
	{"delete", "Delete a file", false},
	{"disconnect", "Disconnect an existing network connection", true},
	{"eou", "EAPoUDP", false},
	{"erase", "Erase a filesystem", false},
	{"ethernet", "Ethernet parameters", false},
	{"event", "Event related commands", false},
	{"format", "Format a filesystem", false},
	{"fsck", "Fsck a filesystem", false},
	{"if-mgr", "IF-MGR operations", false},
	{"lat", "Open a lat connection", true},
	{"lock", "Lock the terminal", true},
	{"login", "Log in as a particular user", true},
	{"mkdir", "Create new directory", false},
	{"monitor", "Monitoring different system events", false},
	{"more", "Display the contents of a file", false},
	{"mpls", "MPLS commands", false},
	{"mrinfo", "Request neighbor and version information from a multicast router", true},
	{"mrm", "IP Multicast Routing Monitor Test", false},
	{"mstat", "Show statistics after multiple multicast traceroutes", true},
	{"mtrace", "Trace reverse multicast path from destination to source", true},
	{"name-connection", "Name an existing network connection", true},
	{"pad", "Open a X.29 PAD connection", true},
	{"ping", HelpPing, true},
	{"ppp", "Start IETF Point-to-Point Protocol (PPP)", true},
	{"rcommand", "Run command on remote switch", true},
	{"redundancy", "Redundancy Facility (RF) exec commands", false},
	{"release", "Release a resource", true},
	{"reload", "Halt and perform a cold restart", false},
	{"rename", "Rename a file", false},
	{"renew", "Renew a resource", true},
	{"resume", "Resume an active network connection", true},
	{"rlogin", "Open an rlogin connection", true},
	{"rmdir", "Remove existing directory", false},
	{"rsh", "Execute a remote command", false},
	{"send", "Send a message to other tty lines", false},
	{"set", "Set system parameter (not config)", true},
	{"setup", "Run the SETUP command facility", false},
	{"slip", "Start Serial-line IP (SLIP)", true},
	{"ssh", "Open a secure shell client connection", true},
	{"systat", "Display information about terminal lines", true},
	{"tclquit", "Quit Tool Command Language shell", true},
	{"tclsafe", "Tool Command Language shell SAFE mode", false},
	{"tclsh", "Tool Command Language shell", false},
	{"telnet", "Open a telnet connection", true},
	{"test", "Test subsystems, memory, and interfaces", false},
	{"traceroute", HelpTraceroute, true},
	{"tunnel", "Open a tunnel connection", true},
	{"verify", "Verify a file", false},
	{"webvpn", "WebVPN exec command", false},
	{"where", "List active connections", true},
	{"which-route", "Do OSI route table lookup and display results", false},
	{"xconnect", "Xconnect EXEC commands", false},
}

// configWords are global configuration words of IOS 15 that no package
// implements yet (the common ones of `Router(config)#?`).
var configWords = []unsupportedWord{
	{"alias", "Create command alias", false},
	{"archive", "Archive the configuration", false},
	{"arp", "Set a static ARP entry", false},
	{"boot", "Modify system boot parameters", false},
	{"bridge", "Bridge Group.", false},
	{"cdp", "Global CDP configuration subcommands", false},
	{"class-map", "Configure CPL Class Map", false},
	{"clock", "Configure time-of-day clock", false},
	{"config-register", "Define the configuration register", false},
	{"default", "Set a command to its defaults", false},
	{"file", "Adjust file system parameters", false},
	{"key", "Key management", false},
	{"license", "Configure license features", false},
	{"lldp", "Global LLDP configuration subcommands", false},
	{"memory", "Configure memory management", false},
	{"ntp", "Configure NTP", false},
	{"object-group", "Configure object group", false},
	{"parser", "Configure parser", false},
	{"policy-map", "Configure QoS Policy Map", false},
	{"privilege", "Command privilege parameters", false},
	{"radius-server", "Modify RADIUS query parameters", false},
	{"router", "Enable a routing process", false},
	{"snmp-server", "Modify SNMP engine parameters", false},
	{"tacacs-server", "Modify TACACS query parameters", false},
	{"track", "Object tracking configuration commands", false},
	{"vrf", "VRF commands", false},
	{"zone", "FW with zoning", false},
	{"zone-pair", "Zone pair command", false},
}

// installUnsupportedWords installs the placeholders of both word sets.
func (e *Engine) installUnsupportedWords() {
	for _, w := range execWords {
		e.installPlaceholder(Exec, w, false)
	}
	for _, w := range configWords {
		e.installPlaceholder(Config, w, true)
	}
}

// installPlaceholder installs `word` (listed by `?`) and `word LINE`
// (hidden, so that `?` after the word offers only <cr> and no made-up
// arguments); configuration words get their `no` forms too.
func (e *Engine) installPlaceholder(m *Mode, w unsupportedWord, withNo bool) {
	run := func(c *Context, a Args) error {
		return Errorf("%% The \"%s\" command is not supported on this router", w.word)
	}
	const argHelp = "Arguments"
	e.Install(
		&Command{Mode: m, User: w.user, Syntax: w.word, Help: []string{w.help}, Run: run, unsupported: true},
		&Command{Mode: m, User: w.user, Hidden: true, Syntax: w.word + " LINE", Help: []string{w.help, argHelp}, Run: run, unsupported: true},
	)
	if withNo {
		e.Install(
			&Command{Mode: m, Syntax: "no " + w.word, Help: []string{HelpNo, w.help}, Run: run, unsupported: true},
			&Command{Mode: m, Hidden: true, Syntax: "no " + w.word + " LINE", Help: []string{HelpNo, w.help, argHelp}, Run: run, unsupported: true},
		)
	}
}

// firstWord is the keyword a command starts with, "no" and the keyword
// after it for an explicit no form ("no ntp"): a real `no debug all` does
// not implement `debug`.
func firstWord(toks []*token) string {
	if len(toks) == 0 || toks[0].kind != kwTok {
		return ""
	}
	if toks[0].text == "no" && len(toks) > 1 && toks[1].kind == kwTok {
		return "no " + toks[1].text
	}
	return toks[0].text
}

// formWord is the word of one installed form: the no form that "[no]" adds
// starts with "no".
func formWord(word string, noForm bool) string {
	if noForm && word != "" {
		return "no " + word
	}
	return word
}

// hasRealWord tells whether a command that is not a placeholder starts
// with word.
func (s *modeSet) hasRealWord(word string) bool {
	for _, c := range s.cmds {
		if !c.cmd.unsupported && c.word == word {
			return true
		}
	}
	return false
}

// dropPlaceholders removes word's placeholders and the help they recorded,
// so that the real command may give the word its own help.
func (s *modeSet) dropPlaceholders(word string) {
	// A new slice: matchers may hold the old one (commandsForLocked).
	kept := make([]*installed, 0, len(s.cmds))
	dropped := false
	for _, c := range s.cmds {
		if c.cmd.unsupported && c.word == word {
			dropped = true
			continue
		}
		kept = append(kept, c)
	}
	if !dropped {
		return
	}
	s.cmds = kept
	s.start = nil
	p := " k:" + strings.ReplaceAll(word, " ", " k:") // the help keys' path
	for k := range s.help {
		if k == p || strings.HasPrefix(k, p+" ") {
			delete(s.help, k)
		}
	}
}
