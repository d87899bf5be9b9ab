package system

import (
	"natlab/ios"
)

// Show commands automation tools run to gather facts (Ansible's ios_facts,
// NAPALM's get_facts) that describe the platform: the memory pools, and the
// discovery protocols this router does not run.

func (s *System) installPlatformShows() {
	s.e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show memory statistics",
			Help: []string{ios.HelpShow, "Memory statistics", "Memory statistics"}, Run: s.showMemoryStatistics},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show lldp [neighbors [detail]]",
			Help: []string{ios.HelpShow, "LLDP information", "LLDP neighbor entries", "Show detailed information"},
			Run:  func(c *ios.Context, _ ios.Args) error { c.Printf("%% LLDP is not enabled\n"); return nil }},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show cdp [neighbors [detail]]",
			Help: []string{ios.HelpShow, "CDP information", "CDP neighbor entries", "Show detailed information"},
			Run:  func(c *ios.Context, _ ios.Args) error { c.Printf("%% CDP is not enabled\n"); return nil }},
	)
}

// showMemoryStatistics is IOS's pool table, with the Go heap as the
// processor pool (as show processes memory counts it) and an empty I/O pool.
func (s *System) showMemoryStatistics(c *ios.Context, _ ios.Args) error {
	h := heapFigures()
	c.Printf("                Head    Total(b)     Used(b)     Free(b)   Lowest(b)  Largest(b)\n")
	c.Printf("Processor  %9X %11d %11d %11d %11d %11d\n", 0x10000000, h.total, h.used, h.free, h.free, h.free)
	c.Printf("      I/O  %9X %11d %11d %11d %11d %11d\n", 0x20000000, 0, 0, 0, 0, 0)
	return nil
}
