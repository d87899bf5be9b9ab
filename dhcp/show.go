package dhcp

import (
	"slices"

	"natlab/ios"
)

// leaseTimeFormat is how IOS 15 prints a lease expiration and a conflict's
// detection time ("Mar 02 2024 12:07 AM").
const leaseTimeFormat = "Jan 02 2006 03:04 PM"

func (s *Service) installExec(e *ios.Engine) {
	show := h(ios.HelpShow, ios.HelpShowIP, helpShowDHCP)
	clear := h(ios.HelpClear, "IP", helpClearDHCP)
	e.Install(
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip dhcp binding [A.B.C.D$addr]",
			Help: append(show, "DHCP address bindings", "IP address of the binding"), Run: s.cmdShowBinding},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip dhcp pool [WORD$name]",
			Help: append(show, "DHCP pools information", "Pool name"), Run: s.cmdShowPool},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip dhcp conflict",
			Help: append(show, "DHCP address conflicts"), Run: s.cmdShowConflict},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ip dhcp server statistics",
			Help: append(show, "Miscellaneous DHCP server information", "DHCP server statistics"), Run: s.cmdShowStats},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip dhcp binding <*|A.B.C.D$addr>",
			Help: append(clear, "Automatic address bindings", "Clear all automatic bindings", "Clear a specific binding"), Run: s.cmdClearBinding},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip dhcp conflict <*|A.B.C.D$addr>",
			Help: append(clear, "Address conflicts", "Clear all address conflicts", "Clear a specific conflict"), Run: s.cmdClearConflict},
		&ios.Command{Mode: ios.Exec, Syntax: "clear ip dhcp server statistics",
			Help: append(clear, "Miscellaneous DHCP server information", "DHCP server statistics"), Run: s.cmdClearStats},
	)
}

// Bindings returns the current bindings by address (expired ones dropped).
func (s *Service) Bindings() []Binding {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked()
	out := make([]Binding, 0, len(s.binds))
	for _, b := range s.binds {
		out = append(out, *b)
	}
	slices.SortFunc(out, func(a, b Binding) int { return a.Addr.Compare(b.Addr) })
	return out
}

// Conflicts returns the conflicts by address.
func (s *Service) Conflicts() []Conflict {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Conflict, 0, len(s.confl))
	for _, c := range s.confl {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Conflict) int { return a.Addr.Compare(b.Addr) })
	return out
}

// Stats returns the server's counters.
func (s *Service) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

func (s *Service) cmdShowBinding(c *ios.Context, a ios.Args) error {
	var rows []Binding
	for _, b := range s.Bindings() {
		if !a.Has("addr") || b.Addr == a.Addr("addr") {
			rows = append(rows, b)
		}
	}
	if c.WantsJSON() {
		c.SetJSON(bindingsJSON(rows))
		return nil
	}
	c.Printf("Bindings from all pools not associated with VRF:\n")
	c.Printf("%-16s%-24s%-24s%-11s%-11s%s\n", "IP address", "Client-ID/", "Lease expiration", "Type", "State", "Interface")
	c.Printf("%-16s%s\n%-16s%s\n", "", "Hardware address/", "", "User name")
	for _, b := range rows {
		c.Printf("%-16s%-24s%-24s%-11s%-11s%s\n", b.Addr, b.ID, leaseExpiration(b), "Automatic", bindingState(b), b.Interface)
	}
	return nil
}

// leaseExpiration is the binding's expiration as show prints it.
func leaseExpiration(b Binding) string {
	if b.Expires.IsZero() {
		return "Infinite"
	}
	return b.Expires.Format(leaseTimeFormat)
}

func bindingState(b Binding) string {
	if b.Active {
		return "Active"
	}
	return "Selecting"
}

func (s *Service) cmdShowPool(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked()
	for _, name := range s.order {
		if a.Has("name") && name != a.Str("name") {
			continue
		}
		p := s.pools[name]
		leased := 0
		for _, b := range s.binds {
			if b.Pool == name {
				leased++
			}
		}
		c.Printf("\nPool %s :\n", name)
		c.Printf(" Utilization mark (high/low)    : 100 / 0\n")
		c.Printf(" Subnet size (first/next)       : 0 / 0 \n")
		c.Printf(" Total addresses                : %d\n", p.size())
		c.Printf(" Leased addresses               : %d\n", leased)
		c.Printf(" Pending event                  : none\n")
		if !p.Network.IsValid() {
			c.Printf(" 0 subnet is currently in the pool :\n")
			continue
		}
		c.Printf(" 1 subnet is currently in the pool :\n")
		c.Printf(" %-21s%-36s%s\n", "Current index", "IP address range", "Leased addresses")
		idx := p.next
		if !p.contains(idx) {
			idx = p.first()
		}
		c.Printf(" %-21s%-17s- %-17s%d\n", idx, p.first(), p.last(), leased)
	}
	return nil
}

func (s *Service) cmdShowConflict(c *ios.Context, _ ios.Args) error {
	c.Printf("%-18s%-19s%-24s%s\n", "IP address", "Detection method", "Detection time", "VRF")
	for _, k := range s.Conflicts() {
		c.Printf("%-18s%-19s%-24s\n", k.Addr, k.Method, k.When.Format(leaseTimeFormat))
	}
	return nil
}

func (s *Service) cmdShowStats(c *ios.Context, _ ios.Args) error {
	s.mu.Lock()
	st := s.stats
	pools := len(s.pools)
	auto := len(s.binds)
	s.mu.Unlock()
	row := func(k string, v any) { c.Printf("%-21s%v\n", k, v) }
	row("Memory usage", 9000+auto*120+pools*400)
	row("Address pools", pools)
	row("Database agents", 0)
	row("Automatic bindings", auto)
	row("Manual bindings", 0)
	row("Expired bindings", st.Expired)
	row("Malformed messages", st.Malformed)
	row("Secure arp entries", 0)
	row("Renew messages", 0)
	row("Workspace timeouts", 0)
	row("Static routes", 0)
	row("Relay bindings", 0)
	c.Printf("%-29s%d\n%-29s%d\n%-29s%d\n", "Relay bindings active", 0, "Relay bindings terminated", 0, "Relay bindings selecting", 0)
	c.Printf("\n%-21s%s\n", "Message", "Received")
	row("BOOTREQUEST", st.RecvBootRequest)
	row("DHCPDISCOVER", st.RecvDiscover)
	row("DHCPREQUEST", st.RecvRequest)
	row("DHCPDECLINE", st.RecvDecline)
	row("DHCPRELEASE", st.RecvRelease)
	row("DHCPINFORM", st.RecvInform)
	c.Printf("\n%-21s%s\n", "Message", "Sent")
	row("BOOTREPLY", st.SentBootReply)
	row("DHCPOFFER", st.SentOffer)
	row("DHCPACK", st.SentAck)
	row("DHCPNAK", st.SentNak)
	return nil
}

func (s *Service) cmdClearBinding(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !a.Has("addr") {
		clear(s.binds)
		return nil
	}
	if s.binds[a.Addr("addr")] == nil {
		return ios.Errorf("%% Address %s not in use.", a.Addr("addr"))
	}
	delete(s.binds, a.Addr("addr"))
	return nil
}

func (s *Service) cmdClearConflict(c *ios.Context, a ios.Args) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !a.Has("addr") {
		clear(s.confl)
		return nil
	}
	delete(s.confl, a.Addr("addr"))
	return nil
}

func (s *Service) cmdClearStats(*ios.Context, ios.Args) error {
	s.mu.Lock()
	s.stats = Stats{}
	s.mu.Unlock()
	return nil
}
