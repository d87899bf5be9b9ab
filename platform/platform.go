package platform

import (
	"fmt"
	"io"
	"sync"

	"natlab/ios"
)

// Platform is the state of the platform lines.
type Platform struct {
	mu sync.Mutex
	// mmi: the Modular Management Interface's settings (IOSv defaults).
	mmiPolling, mmiSNMPTimeout int
	mmiAutoConfigure, mmiPVC   bool
	// forwardND: `ip forward-protocol nd`.
	forwardND bool
	// ioamTimestamp: `ipv6 ioam timestamp`.
	ioamTimestamp bool
	// multilinkAuth: `multilink bundle-name authenticated`.
	multilinkAuth bool
}

// Sub-modes that take no commands of their own here.
var (
	configRedundancy   = &ios.Mode{Name: "config-red", Prompt: "(config-red)#", Help: "Redundancy commands:", Parent: ios.Config, ExitHelp: "Exit from redundancy configuration mode"}
	configControlPlane = &ios.Mode{Name: "config-cp", Prompt: "(config-cp)#", Help: "Control Plane configuration commands:", Parent: ios.Config, ExitHelp: "Exit from control-plane configuration mode"}
)

// Register installs the platform commands and their running-config
// sections on e.
func Register(e *ios.Engine) *Platform {
	p := &Platform{mmiPolling: 60, mmiSNMPTimeout: 180, forwardND: true, ioamTimestamp: true, multilinkAuth: true}
	e.Install(p.commands()...)
	e.AddConfigSection(ios.OrderAAA, func(w io.Writer) { io.WriteString(w, "!\nno aaa new-model\n") })
	e.AddConfigSection(ios.OrderAAA+50, p.renderMMI)
	e.AddConfigSection(ios.OrderIPGlobal+50, func(w io.Writer) { io.WriteString(w, "no ipv6 cef\n") })
	e.AddConfigSection(ios.OrderIPGlobal+100, p.renderMultilink)
	e.AddConfigSection(ios.OrderUsers+50, func(w io.Writer) { io.WriteString(w, "!\nredundancy\n!\n") })
	e.AddConfigSection(ios.OrderForward, p.renderForward)
	e.AddConfigSection(ios.OrderNamedACL+100, p.renderIOAM)
	e.AddConfigSection(ios.OrderControlPlane, func(w io.Writer) { io.WriteString(w, "!\ncontrol-plane\n!\n") })
	e.AddConfigSection(ios.OrderScheduler, func(w io.Writer) { io.WriteString(w, "!\nno scheduler allocate\n") })
	return p
}

func (p *Platform) commands() []*ios.Command {
	set := func(f func(a ios.Args)) ios.Handler {
		return func(_ *ios.Context, a ios.Args) error {
			p.mu.Lock()
			f(a)
			p.mu.Unlock()
			return nil
		}
	}
	unsupported := func(what string) ios.Handler {
		return func(*ios.Context, ios.Args) error {
			return ios.Errorf("%% %s is not supported on this router (an emulator)", what)
		}
	}
	enter := func(m *ios.Mode) ios.Handler {
		return func(c *ios.Context, _ ios.Args) error { c.Enter(m, nil); return nil }
	}
	const mmiHelp = "Modular Management Interface"
	return []*ios.Command{
		{Mode: ios.Config, Syntax: "no aaa new-model", Help: []string{ios.HelpNo, "Authentication, Authorization and Accounting.", "Enable NEW access control commands and functions.(Disables OLD commands.)"},
			Run: func(*ios.Context, ios.Args) error { return nil }}, // the default, and all there is
		{Mode: ios.Config, Syntax: "aaa new-model", Help: []string{"Authentication, Authorization and Accounting.", "Enable NEW access control commands and functions.(Disables OLD commands.)"},
			Run: unsupported("AAA (aaa new-model)")},
		{Mode: ios.Config, Syntax: "mmi polling-interval (1-3600)$n", Help: []string{mmiHelp, "Polling interval", "Seconds"},
			Run: set(func(a ios.Args) { p.mmiPolling = a.Int("n") })},
		{Mode: ios.Config, Syntax: "no mmi polling-interval [(1-3600)$n]", Help: []string{ios.HelpNo, mmiHelp, "Polling interval", "Seconds"},
			Run: set(func(ios.Args) { p.mmiPolling = 60 })},
		{Mode: ios.Config, Syntax: "[no] mmi auto-configure", Help: []string{mmiHelp, "Auto-configure"},
			Run: set(func(a ios.Args) { p.mmiAutoConfigure = !a.No() })},
		{Mode: ios.Config, Syntax: "[no] mmi pvc", Help: []string{mmiHelp, "PVC"},
			Run: set(func(a ios.Args) { p.mmiPVC = !a.No() })},
		{Mode: ios.Config, Syntax: "mmi snmp-timeout (1-10000)$n", Help: []string{mmiHelp, "SNMP timeout", "Seconds"},
			Run: set(func(a ios.Args) { p.mmiSNMPTimeout = a.Int("n") })},
		{Mode: ios.Config, Syntax: "no mmi snmp-timeout [(1-10000)$n]", Help: []string{ios.HelpNo, mmiHelp, "SNMP timeout", "Seconds"},
			Run: set(func(ios.Args) { p.mmiSNMPTimeout = 180 })},
		{Mode: ios.Config, Syntax: "no ipv6 cef", Help: []string{ios.HelpNo, "IPv6 configuration commands", "Cisco Express Forwarding"},
			Run: func(*ios.Context, ios.Args) error { return nil }}, // no IPv6 here: the default
		{Mode: ios.Config, Syntax: "ipv6 cef", Help: []string{"IPv6 configuration commands", "Cisco Express Forwarding"},
			Run: unsupported("IPv6")},
		{Mode: ios.Config, Syntax: "[no] multilink bundle-name authenticated", Help: []string{"PPP multilink global configuration", "Select method for naming multilink bundles", "Peer's authenticated name"},
			Run: set(func(a ios.Args) { p.multilinkAuth = !a.No() })},
		{Mode: ios.Config, Syntax: "redundancy", Help: []string{"Enter redundancy mode"}, Run: enter(configRedundancy)},
		{Mode: ios.Config, Syntax: "[no] ip forward-protocol nd", Help: []string{ios.HelpConfigIP, "Controls forwarding of physical and directed IP broadcasts", "Sun's Network Disk protocol"},
			Run: set(func(a ios.Args) { p.forwardND = !a.No() })},
		{Mode: ios.Config, Syntax: "[no] ipv6 ioam timestamp", Help: []string{"IPv6 configuration commands", "In-band OAM", "Enable timestamp"},
			Run: set(func(a ios.Args) { p.ioamTimestamp = !a.No() })},
		{Mode: ios.Config, Syntax: "control-plane", Help: []string{"Configure control plane services"}, Run: enter(configControlPlane)},
		{Mode: ios.Config, Syntax: "no scheduler allocate", Help: []string{ios.HelpNo, "Scheduler parameters", "Guarantee CPU time for processes"},
			Run: func(*ios.Context, ios.Args) error { return nil }}, // IOSv's default
		{Mode: ios.Config, Syntax: "scheduler allocate", Help: []string{"Scheduler parameters", "Guarantee CPU time for processes"},
			Run: unsupported("The scheduler (scheduler allocate)")},
	}
}

func (p *Platform) renderMMI(w io.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	no := func(on bool) string {
		if on {
			return ""
		}
		return "no "
	}
	fmt.Fprintf(w, "!\n!\n!\nmmi polling-interval %d\n%smmi auto-configure\n%smmi pvc\nmmi snmp-timeout %d\n!\n!\n!\n!\n",
		p.mmiPolling, no(p.mmiAutoConfigure), no(p.mmiPVC), p.mmiSNMPTimeout)
}

func (p *Platform) renderMultilink(w io.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.multilinkAuth {
		io.WriteString(w, "!\nmultilink bundle-name authenticated\n!\n")
	}
}

func (p *Platform) renderForward(w io.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.forwardND {
		io.WriteString(w, "ip forward-protocol nd\n!\n")
	} else {
		io.WriteString(w, "no ip forward-protocol nd\n!\n")
	}
}

func (p *Platform) renderIOAM(w io.Writer) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ioamTimestamp {
		io.WriteString(w, "!\nipv6 ioam timestamp\n")
	}
}
