package system

import (
	"fmt"
	"sort"
	"strings"
	"time"

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

// clockFormat is show clock's time: "10:15:42.318 UTC Mon Jan 2 2024".
const clockFormat = "15:04:05.000 MST Mon Jan 2 2006"

func (s *System) showClock(c *ios.Context, a ios.Args) error {
	now := s.e.Clock().UTC()
	s.mu.Lock()
	set := s.clockWasSet
	s.mu.Unlock()
	mark := "*" // not authoritative until set
	if set {
		mark = ""
	}
	c.Printf("%s%s\n", mark, now.Format(clockFormat))
	if a.Has("detail") {
		if set {
			c.Printf("Time source is user configuration\n")
		} else {
			c.Printf("No time source\n")
		}
	}
	return nil
}

// clockSet is `clock set 21:47:00 30 Apr 2025` (or month before day).
func (s *System) clockSet(c *ios.Context, a ios.Args) error {
	var hh, mm, ss int
	var extra string
	hms := a.Str("HH:MM:SS")
	if n, _ := fmt.Sscanf(hms+" x", "%d:%d:%d %s", &hh, &mm, &ss, &extra); n != 4 || hh > 23 || mm > 59 || ss > 59 ||
		hh < 0 || mm < 0 || ss < 0 || strings.Count(hms, ":") != 2 {
		return c.InvalidAt(a.Offset("HH:MM:SS"))
	}
	month := 0
	typed := strings.ToLower(a.Str("MONTH"))
	for i, m := range months {
		if strings.HasPrefix(strings.ToLower(m), typed) {
			if month != 0 {
				// IOS's months are keywords: "Ju" is ambiguous.
				return ios.Errorf("%% Ambiguous command:  \"%s\"", c.Line())
			}
			month = i + 1
		}
	}
	if month == 0 {
		return c.InvalidAt(a.Offset("MONTH"))
	}
	day, year := a.Int("day"), a.Int("year")
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, time.UTC)
	if t.Day() != day {
		return c.InvalidAt(a.Offset("day")) // 31 February
	}
	const logFormat = "15:04:05 MST Mon Jan 2 2006"
	old := s.e.Clock().UTC()
	s.mu.Lock()
	s.clockOffset += t.Sub(old)
	s.clockWasSet = true
	s.mu.Unlock()
	s.e.Log(fmt.Sprintf("%%SYS-6-CLOCKUPDATE: System clock has been updated from %s to %s, configured from console by console.",
		old.Format(logFormat), t.Format(logFormat)))
	return nil
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

// reload asks IOS's question, then refuses: a running router cannot
// rebuild itself from the startup-config here; restarting the process
// does exactly that.
func (s *System) reload(c *ios.Context, a ios.Args) error {
	answer := strings.ToLower(c.Ask("Proceed with reload? [confirm]"))
	if answer != "" && !strings.HasPrefix(answer, "y") {
		return nil
	}
	return ios.Errorf("%% Reload is not supported by this router: restart the router process to boot from the startup-config")
}
