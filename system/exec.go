package system

import (
	"fmt"
	"sort"

	"natlab/ios"
)

// months for clock set, in IOS spelling.
var months = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

func (s *System) installExecCommands() {
	const (
		helpShowClock = "Display the system clock"
		helpSet       = "Set the time and date"
		helpTime      = "Current Time"
		helpDay       = "Day of the month"
		helpMonth     = "Month of the year"
		helpYear      = "Year"
		helpProcesses = "Active process statistics"
	)
	s.e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show clock [detail]", Help: []string{ios.HelpShow, helpShowClock, "Display detailed information"}, Run: s.showClock},
		&ios.Command{Mode: ios.Exec, Syntax: "clock set HH:MM:SS (1-31)$day MONTH (1993-2035)$year",
			Help: []string{helpClock, helpSet, helpTime, helpDay, helpMonth, helpYear}, Run: s.clockSet},
		&ios.Command{Mode: ios.Exec, Syntax: "clock set HH:MM:SS MONTH (1-31)$day (1993-2035)$year",
			Help: []string{helpClock, helpSet, helpTime, helpMonth, helpDay, helpYear}, Run: s.clockSet},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show users", Help: []string{ios.HelpShow, "Display information about terminal lines"}, Run: s.showUsers},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip arp [<A.B.C.D$addr|IFNAME$if>]", Help: []string{ios.HelpShow, ios.HelpShowIP, "IP ARP table",
			"IP address or hostname of ARP entry", "Interface name"}, Run: s.showARP},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show arp", Help: []string{ios.HelpShow, "ARP table"}, Run: s.showARP},
		&ios.Command{Mode: ios.Exec, Syntax: "reload", Help: []string{"Halt and perform a cold restart"}, Run: s.reload},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show processes cpu", Help: []string{ios.HelpShow, helpProcesses, "Show CPU use per process"}, Run: s.showProcessesCPU},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show processes memory", Help: []string{ios.HelpShow, helpProcesses, "Show memory use per process"}, Run: s.showProcessesMemory},
	)
}

// showARP prints the ARP table the source reports, or its rows for one
// address or one interface.
func (s *System) showARP(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	src := s.arp
	s.mu.Unlock()
	var rows []ARPEntry
	if src != nil {
		rows = src()
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Addr.Less(rows[j].Addr) })
	if a.Has("addr") || a.Has("if") {
		kept := rows[:0]
		for _, r := range rows {
			if a.Has("addr") && r.Addr == a.Addr("addr") || a.Has("if") && r.Interface == a.Str("if") {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	if c.WantsJSON() {
		c.SetJSON(arpJSON(rows))
		return nil
	}
	c.Printf("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n")
	for _, r := range rows {
		age := "-"
		if r.AgeMin >= 0 {
			age = fmt.Sprint(r.AgeMin)
		}
		c.Printf("Internet  %-16s %8s   %-14s  ARPA   %s\n", r.Addr, age, r.MAC, r.Interface)
	}
	return nil
}
