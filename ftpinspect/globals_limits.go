package ftpinspect

import (
	"fmt"
	"io"

	"natlab/ios"
)

// The CBAC limit commands (cbac_limits.go has their effect):
//
//	ip inspect max-incomplete {high|low} N
//	ip inspect one-minute {high|low} N
//	ip inspect tcp max-incomplete host N [block-time M]
//
// Unset, a threshold is unlimited, as IOS 12.4(11)T and later show it.

const (
	helpMaxIncomplete = "Specify maximum number of incomplete connections before clamping"
	helpOneMinute     = "Specify one-minute-sample watermarks for clamping"
	helpHigh          = "Specify high-watermark for clamping"
	helpLow           = "Specify low-watermark for clamping"
	helpHighN         = "High-watermark for clamping"
	helpLowN          = "Low-watermark for clamping"
	helpTCPMaxInc     = "Specify maximum number of incomplete connections for a host"
	helpHost          = "Specify maximum number of incomplete connections for a host"
	helpHostN         = "Maximum number of incomplete connections"
	helpBlockTime     = "Specify block-time"
	helpBlockMinutes  = "Block-time in minutes"
)

// watermark is one `ip inspect {max-incomplete|one-minute} {high|low}` field.
func watermark(l *limits, what, which string) *int {
	switch {
	case what == "max-incomplete" && which == "high":
		return &l.maxIncHigh
	case what == "max-incomplete":
		return &l.maxIncLow
	case which == "high":
		return &l.oneMinHigh
	}
	return &l.oneMinLow
}

func (f *Feature) installLimits() {
	ipInspect := []string{ios.HelpConfigIP, helpInspect}
	no := helps([]string{ios.HelpNo}, ipInspect...)
	for _, w := range []struct{ what, help string }{{"max-incomplete", helpMaxIncomplete}, {"one-minute", helpOneMinute}} {
		what := w.what
		f.e.Install(
			&ios.Command{Mode: ios.Config, Syntax: "ip inspect " + what + " <high|low>$which (1-2147483647)$n",
				Help: helps(ipInspect, w.help, helpHigh, helpLow, helpHighN),
				Run: func(c *ios.Context, a ios.Args) error {
					return f.setLimits(func(l *limits) { *watermark(l, what, a.Str("which")) = a.Int("n") })
				}},
			&ios.Command{Mode: ios.Config, Syntax: "no ip inspect " + what + " <high|low>$which [(1-2147483647)$n]",
				Help: helps(no, w.help, helpHigh, helpLow, helpLowN),
				Run: func(c *ios.Context, a ios.Args) error {
					return f.setLimits(func(l *limits) { *watermark(l, what, a.Str("which")) = unlimited })
				}},
		)
	}
	f.e.Install(
		&ios.Command{Mode: ios.Config, Syntax: "ip inspect tcp max-incomplete host (1-250)$n [block-time (0-35791)$m]",
			Help: helps(ipInspect, helpGlobalTCP, helpTCPMaxInc, helpHost, helpHostN, helpBlockTime, helpBlockMinutes),
			Run: func(c *ios.Context, a ios.Args) error {
				return f.setLimits(func(l *limits) { l.hostMax, l.blockMinutes = a.Int("n"), a.Int("m") })
			}},
		&ios.Command{Mode: ios.Config, Syntax: "no ip inspect tcp max-incomplete host [(1-250)$n] [block-time (0-35791)$m]",
			Help: helps(no, helpGlobalTCP, helpTCPMaxInc, helpHost, helpHostN, helpBlockTime, helpBlockMinutes),
			Run: func(c *ios.Context, a ios.Args) error {
				return f.setLimits(func(l *limits) { l.hostMax, l.blockMinutes = unlimited, 0 })
			}},
	)
}

// setLimits changes the limits and hands them to the session table.
func (f *Feature) setLimits(change func(l *limits)) error {
	f.mu.Lock()
	change(&f.glob.lim)
	lim := f.glob.lim
	f.mu.Unlock()
	f.cb.mu.Lock()
	f.cb.lim = lim
	f.cb.mu.Unlock()
	return nil
}

// renderLimits writes the limit lines that are set. Caller holds f.mu.
func (f *Feature) renderLimits(w io.Writer) {
	l := f.glob.lim
	for _, v := range []struct {
		line string
		n    int
	}{
		{"max-incomplete low", l.maxIncLow}, {"max-incomplete high", l.maxIncHigh},
		{"one-minute low", l.oneMinLow}, {"one-minute high", l.oneMinHigh},
	} {
		if v.n != unlimited {
			fmt.Fprintf(w, "ip inspect %s %d\n", v.line, v.n)
		}
	}
	if l.hostMax != unlimited {
		fmt.Fprintf(w, "ip inspect tcp max-incomplete host %d block-time %d\n", l.hostMax, l.blockMinutes)
	}
}

// showLimits writes the three threshold lines of show ip inspect config.
// Caller holds f.mu.
func (f *Feature) showLimits(c *ios.Context) {
	l := f.glob.lim
	c.Printf("one-minute (sampling period) thresholds are [%s : %s] connections\n", thr(l.oneMinLow), thr(l.oneMinHigh))
	c.Printf("max-incomplete sessions thresholds are [%s : %s]\n", thr(l.maxIncLow), thr(l.maxIncHigh))
	c.Printf("max-incomplete tcp connections per host is %s. Block-time %d minute.\n", thr(l.hostMax), l.blockMinutes)
}
