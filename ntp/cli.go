package ntp

import (
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"natlab/ios"
)

const (
	helpNTP    = "Configure NTP"
	helpShowNT = "Network time protocol"
)

func (n *NTP) install() {
	n.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "[no] ntp server A.B.C.D [prefer]",
			Help: []string{helpNTP, "Configure NTP server", "IP address of peer", "Prefer this peer when possible"},
			Run: func(c *ios.Context, a ios.Args) error {
				if a.No() {
					n.removeServer(a.Addr("A.B.C.D"))
					return nil
				}
				return n.addServer(a.Addr("A.B.C.D"), a.Has("prefer"))
			}},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ntp status",
			Help: []string{ios.HelpShow, helpShowNT, "NTP status"},
			Run:  func(c *ios.Context, a ios.Args) error { n.ShowStatus(c); return nil }},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "show ntp associations",
			Help: []string{ios.HelpShow, helpShowNT, "NTP associations"},
			Run:  func(c *ios.Context, a ios.Args) error { n.ShowAssociations(c); return nil }},
	)
	// IOS puts the ntp lines last, after the lines and the scheduler.
	n.e.AddConfigSection(ios.OrderScheduler+50, n.render)
}

func (n *NTP) render(w io.Writer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, s := range n.servers {
		if s.prefer {
			fmt.Fprintf(w, "ntp server %s prefer\n", s.addr)
		} else {
			fmt.Fprintf(w, "ntp server %s\n", s.addr)
		}
	}
}

// Synchronized reports whether a server is the sys.peer, and which.
func (n *NTP) Synchronized() (netip.Addr, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.peer == nil {
		return netip.Addr{}, false
	}
	return n.peer.addr, true
}

// ShowStatus writes show ntp status as IOS 15 prints it.
func (n *NTP) ShowStatus(w io.Writer) {
	now := n.mono()
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.peer
	var b strings.Builder
	if p == nil {
		b.WriteString("Clock is unsynchronized, stratum 16, no reference clock\n")
	} else {
		fmt.Fprintf(&b, "Clock is synchronized, stratum %d, reference is %s   \n", p.stratum+1, p.addr)
	}
	b.WriteString("nominal freq is 250.0000 Hz, actual freq is 250.0000 Hz, precision is 2**10\n")
	fmt.Fprintf(&b, "ntp uptime is %d (1/100 of seconds), resolution is 4000\n", now.Sub(n.started)/(10*time.Millisecond))
	if p == nil {
		b.WriteString("reference time is 00000000.00000000 (00:00:00.000 UTC Mon Jan 1 1900)\n")
		b.WriteString("clock offset is 0.0000 msec, root delay is 0.00 msec\n")
		b.WriteString("root dispersion is 0.00 msec, peer dispersion is 0.00 msec\n")
		b.WriteString("loopfilter state is 'NSET' (Never set), drift is 0.000000000 s/s\n")
		b.WriteString("system poll interval is 64, never updated.\n")
	} else {
		ts := ToTimestamp(n.refTime)
		fmt.Fprintf(&b, "reference time is %08X.%08X (%s)\n", uint32(ts>>32), uint32(ts), n.refTime.UTC().Format("15:04:05.000 MST Mon Jan 2 2006"))
		fmt.Fprintf(&b, "clock offset is %.4f msec, root delay is %.2f msec\n", millis(p.offset), millis(p.delay)+shortMillis(p.rootDly))
		fmt.Fprintf(&b, "root dispersion is %.2f msec, peer dispersion is %.2f msec\n", shortMillis(p.rootDisp), millis(p.disp))
		b.WriteString("loopfilter state is 'CTRL' (Normal Controlled Loop), drift is 0.000000000 s/s\n")
		fmt.Fprintf(&b, "system poll interval is %d, last update was %d sec ago.\n", int(p.poll/time.Second), int(now.Sub(n.lastSync)/time.Second))
	}
	io.WriteString(w, b.String())
}

// ShowAssociations writes show ntp associations: '*' marks the sys.peer,
// '~' every configured server, as IOS 15.
func (n *NTP) ShowAssociations(w io.Writer) {
	now := n.mono()
	n.mu.Lock()
	defer n.mu.Unlock()
	var b strings.Builder
	b.WriteString("\n  address         ref clock       st   when   poll reach  delay  offset   disp\n")
	for _, s := range n.servers {
		mark := " "
		switch {
		case s == n.peer:
			mark = "*"
		case s.valid:
			mark = "+"
		}
		ref, when, disp := ".INIT.", "-", "15937."
		if s.valid {
			ref = refString(s.stratum, s.refID)
			when = fmt.Sprint(int(now.Sub(s.lastRx) / time.Second))
			disp = fmt.Sprintf("%.3f", millis(s.disp))
		}
		st := s.stratum
		if !s.valid {
			st = 16
		}
		fmt.Fprintf(&b, "%s~%-15s %-15s %2d %6s %6d %5o %6.3f %7.3f %6s\n", mark, s.addr, ref, st, when,
			int(s.poll/time.Second), s.reach, millis(s.delay), millis(s.offset), disp)
	}
	b.WriteString(" * sys.peer, # selected, + candidate, - outlyer, x falseticker, ~ configured\n")
	io.WriteString(w, b.String())
}

// refString is the reference column: the server's own reference clock
// name (".GPS.") at stratum 1, else its reference's address.
func refString(stratum uint8, id [4]byte) string {
	if stratum <= 1 {
		var b strings.Builder
		b.WriteByte('.')
		for _, c := range id {
			if c == 0 {
				break
			}
			if c < ' ' || c > '~' {
				c = '?'
			}
			b.WriteByte(c)
		}
		b.WriteByte('.')
		return b.String()
	}
	return netip.AddrFrom4(id).String()
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
