package ios

import "fmt"

// Mode is a CLI mode. Parent is the walk-up target (config-if -> config); nil
// for exec and config.
type Mode struct {
	Name   string // "user-exec", "exec", "config", "config-if", "config-std-nacl", ...
	Prompt string // suffix after the hostname: ">", "#", "(config)#", "(config-if)#"
	Help   string // header for a bare "?": "Exec commands:", "Configure commands:"
	Parent *Mode
	// ExitHelp is the help of `exit` in this mode; empty derives it from Name
	// ("Exit from interface configuration mode").
	ExitHelp string
	// Commands, when set, is the mode whose commands this one offers: IOS's
	// config-subif and config-if-range take the interface commands of
	// config-if under their own prompts.
	Commands *Mode
}

// The modes every router has. Features may declare more (with Parent: Config).
var (
	UserExec = &Mode{Name: "user-exec", Prompt: ">", Help: "Exec commands:"}
	Exec     = &Mode{Name: "exec", Prompt: "#", Help: "Exec commands:"}
	Config   = &Mode{Name: "config", Prompt: "(config)#", Help: "Configure commands:"}
	ConfigIf = &Mode{Name: "config-if", Prompt: "(config-if)#", Help: "Interface configuration commands:", Parent: Config}
	// ConfigSubif is a subinterface (GigabitEthernet0/0.10): config-if's
	// commands under IOS's config-subif prompt.
	ConfigSubif = &Mode{Name: "config-subif", Prompt: "(config-subif)#", Help: "Interface configuration commands:",
		Parent: Config, Commands: ConfigIf, ExitHelp: "Exit from interface configuration mode"}
	// ConfigIfRange is `interface range`: each config-if command runs on
	// every interface of the range (the mode data is a Range).
	ConfigIfRange = &Mode{Name: "config-if-range", Prompt: "(config-if-range)#", Help: "Interface range configuration commands:",
		Parent: Config, Commands: ConfigIf, ExitHelp: "Exit from interface range configuration mode"}
)

// Range is mode data that runs every command of the mode once per item, in
// order, with Context.ModeData giving the item (IOS `interface range`).
type Range []any

// isExec tells the two EXEC modes from the configuration modes.
func (m *Mode) isExec() bool { return m == UserExec || m == Exec }

func (m *Mode) exitHelp() string {
	switch {
	case m.ExitHelp != "":
		return m.ExitHelp
	case m == Config:
		return "Exit from configure mode"
	case m == ConfigIf:
		return "Exit from interface configuration mode"
	}
	return "Exit from " + subModeNoun(m.Name) + " configuration mode"
}

func subModeNoun(name string) string {
	switch name {
	case "config-std-nacl", "config-ext-nacl":
		return "access-list"
	case "config-line":
		return "line"
	case "config-router":
		return "router"
	}
	if len(name) > 7 && name[:7] == "config-" {
		return name[7:]
	}
	return name
}

// Command is one command definition (FRR DEFUN style).
type Command struct {
	Mode   *Mode // where it is installed; Exec commands with User=true are also in UserExec
	User   bool
	Syntax string   // see README.md
	Help   []string // one per token, left to right, ignoring brackets and "[no]"
	Run    Handler
	// Hidden commands match but are not listed by `?` or Tab (IOS has many,
	// e.g. the `boot-start-marker` lines of a running-config).
	Hidden bool
	// unsupported marks a placeholder for an IOS word the emulator lacks
	// (see unsupported.go): the first real command of the word replaces it.
	unsupported bool
}

// Handler runs a matched command. A returned error is printed verbatim.
type Handler func(c *Context, a Args) error

// cliError is an error whose text is printed as is (IOS messages carry their
// own "%").
type cliError struct{ msg string }

func (e *cliError) Error() string { return e.msg }

// Errorf makes a handler error; its text is printed verbatim with a newline
// and the line counts as failed.
func Errorf(format string, a ...any) error { return &cliError{fmt.Sprintf(format, a...)} }

// Help texts of tokens that several packages share. Install panics when two
// commands give the same token at the same position different help, so
// feature packages should use these for the common prefixes.
const (
	HelpNo             = "Negate a command or set its defaults"
	HelpShow           = "Show running system information"
	HelpClear          = "Reset functions"
	HelpDebug          = "Debugging functions (see also 'undebug')"
	HelpShowIP         = "IP information"
	HelpConfigIP       = "Global IP configuration subcommands"
	HelpIfIP           = "Interface Internet Protocol config commands"
	HelpInterface      = "Select an interface to configure"
	HelpAccessList     = "Add an access list entry"
	HelpPing           = "Send echo messages"
	HelpTraceroute     = "Trace route to destination"
	HelpShowInterfaces = "Interface status and configuration"
)
