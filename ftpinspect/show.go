package ftpinspect

import (
	"fmt"
	"slices"
	"time"

	"natlab/ios"
)

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (r *rule) line() string {
	return fmt.Sprintf("%s alert is %s audit-trail is %s timeout %d", r.proto, onOff(r.alert), onOff(r.audit), r.timeout)
}

// printRules writes a rule set's protocol lines at indent.
func (rs *ruleSet) print(c *ios.Context, indent string) {
	for _, r := range rs.protos {
		c.Printf("%s%s\n", indent, r.line())
	}
}

func (f *Feature) cmdShow(c *ios.Context, a ios.Args) error {
	switch {
	case a.Has("config"):
		f.showConfig(c)
	case a.Has("interfaces"):
		f.showInterfaces(c)
	case a.Has("sessions"):
		f.showSessionsDetail(c, false)
	default:
		f.showConfig(c)
		f.showInterfaces(c)
		f.showSessionsDetail(c, false)
	}
	return nil
}

func (f *Feature) cmdShowName(c *ios.Context, a ios.Args) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if rs := f.rules[a.Str("name")]; rs != nil {
		c.Printf(" Inspection name %s\n", a.Str("name"))
		rs.print(c, "    ")
	}
	return nil
}

// showConfig is `show ip inspect config` (IOS 12.4(11)T and later
// "unlimited" defaults).
func (f *Feature) showConfig(c *ios.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	enabled := func(on bool) string {
		if on {
			return "enabled"
		}
		return "disabled"
	}
	g := f.glob
	c.Printf("Session audit trail is %s\n", enabled(g.auditTrail))
	c.Printf("Session alert is %s\n", enabled(!g.alertOff))
	f.showLimits(c)
	c.Printf("tcp synwait-time is %d sec -- tcp finwait-time is %d sec\n", g.synWait, g.finWait)
	c.Printf("tcp idle-time is %d sec -- udp idle-time is %d sec\n", g.tcpIdle, g.udpIdle)
	c.Printf("tcp reassembly queue length 16; timeout 5 sec; memory-limit 1024 kilo bytes\n")
	c.Printf("dns-timeout is %d sec\n", g.dnsTimeout)
	if len(f.order) == 0 {
		return
	}
	c.Printf("Inspection Rule Configuration\n")
	for _, name := range f.order {
		c.Printf(" Inspection name %s\n", name)
		f.rules[name].print(c, "    ")
	}
}

// showInterfaces is `show ip inspect interfaces`.
func (f *Feature) showInterfaces(c *ios.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.iface) == 0 {
		return
	}
	c.Printf("Interface Configuration\n")
	var names []string
	if f.r != nil {
		for _, i := range f.r.Interfaces() {
			if f.iface[i.Name()] != nil {
				names = append(names, i.Name())
			}
		}
	} else {
		for n := range f.iface {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	for _, ifname := range names {
		b := f.iface[ifname]
		c.Printf(" Interface %s\n", ifname)
		f.showRule(c, "Inbound", b.in)
		f.showRule(c, "Outgoing", b.out)
		var aclIn, aclOut string
		if f.groups != nil {
			aclIn, aclOut = f.groups.AccessGroups(ifname)
		}
		c.Printf("  Inbound access list is %s\n", orNotSet(aclIn))
		c.Printf("  Outgoing access list is %s\n", orNotSet(aclOut))
	}
}

// orNotSet is an access-list name as show prints it.
func orNotSet(name string) string {
	if name == "" {
		return "not set"
	}
	return name
}

func (f *Feature) showRule(c *ios.Context, dir, name string) {
	if name == "" {
		c.Printf("  %s inspection rule is not set\n", dir)
		return
	}
	c.Printf("  %s inspection rule is %s\n", dir, name)
	if rs := f.rules[name]; rs != nil {
		rs.print(c, "    ")
	}
}

func (f *Feature) cmdShowDetail(c *ios.Context, a ios.Args) error {
	f.showSessionsDetail(c, true)
	return nil
}

// hms renders a duration as IOS uptime fields, hh:mm:ss.
func hms(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// showSessionsDetail is `show ip inspect sessions [detail]`; detail adds
// the ages and the bytes each side sent.
func (f *Feature) showSessionsDetail(c *ios.Context, detail bool) {
	now := f.In.cfg.Clock()
	secs := f.sessionSections()
	if c.WantsJSON() {
		c.SetJSON(sessionsJSON(secs, now, detail))
		return
	}
	for _, sec := range secs {
		if len(sec.list) == 0 {
			continue
		}
		c.Printf("%s\n", sec.title)
		for _, s := range sec.list {
			c.Printf(" Session %X (%s)=>(%s) %s %s\n", s.ID, s.Initiator, s.Responder, s.Protocol, sec.state)
			if detail {
				c.Printf("  Created %s, Last heard %s\n", hms(now.Sub(s.Created)), hms(now.Sub(s.LastHeard)))
				c.Printf("  Bytes sent (initiator:responder) [%d:%d]\n", s.InitiatorBytes, s.ResponderBytes)
			}
		}
	}
}

// sessionSection is one part of show ip inspect sessions: the established
// or the half-open sessions, oldest first.
type sessionSection struct {
	title, state string
	list         []Session
}

// sessionSections reads the sessions once, for the text and the JSON.
func (f *Feature) sessionSections() [2]sessionSection {
	all := f.cb.list()
	for _, s := range f.In.Sessions() {
		// Control connections are listed from the CBAC sessions.
		if s.Protocol != "ftp" || f.r == nil {
			all = append(all, s)
		}
	}
	slices.SortFunc(all, func(a, b Session) int { return a.Created.Compare(b.Created)*2 + cmpID(a.ID, b.ID) })
	secs := [2]sessionSection{{title: "Established Sessions", state: "SIS_OPEN"}, {title: "Half-open Sessions", state: "SIS_OPENING"}}
	for _, s := range all {
		if s.Established {
			secs[0].list = append(secs[0].list, s)
		} else {
			secs[1].list = append(secs[1].list, s)
		}
	}
	return secs
}

func cmpID(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
