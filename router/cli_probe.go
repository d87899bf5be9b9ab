package router

import (
	"fmt"
	"net/netip"
	"time"

	"natlab/ios"
)

func (c *CLI) installProbeCommands() {
	c.e.Install(
		&ios.Command{Mode: ios.Exec, User: true,
			Syntax: "ping <A.B.C.D$dst|WORD$host> [{repeat (1-2147483647)$count|size (36-18024)$bytes|timeout (0-3600)$seconds|source <A.B.C.D$srcaddr|IFNAME$srcif>}]",
			Help: []string{ios.HelpPing, "Ping destination address or hostname", "Ping destination address or hostname",
				"specify repeat count", "Repeat count", "specify datagram size", "Datagram size",
				"specify timeout interval", "Timeout in seconds", "specify source address or name",
				"Source address", "Interface name"},
			Run: c.cmdPing},
		// Extended ping (IOS asks its questions in privileged EXEC only).
		&ios.Command{Mode: ios.Exec, Syntax: "ping", Help: []string{ios.HelpPing}, Run: c.cmdExtendedPing},
		&ios.Command{Mode: ios.Exec, User: true, Syntax: "traceroute <A.B.C.D$dst|WORD$host>",
			Help: []string{ios.HelpTraceroute, "Trace route to destination address or hostname", "Trace route to destination address or hostname"},
			Run:  c.cmdTraceroute},
	)
}

// sourceAddress resolves ping's source option to one of the router's addresses on an up interface.
func (c *CLI) sourceAddress(a ios.Args) (netip.Addr, error) {
	bad := ios.Errorf("%% Invalid source address- IP address not on any of our up interfaces")
	switch {
	case a.Has("srcif"):
		i := c.r.Interface(a.Str("srcif"))
		if i == nil || !i.Address().IsValid() || !c.lineUp(i) {
			return netip.Addr{}, bad
		}
		return i.Address().Addr(), nil
	case a.Has("srcaddr"):
		for _, i := range c.r.Interfaces() {
			if i.Address().IsValid() && i.Address().Addr() == a.Addr("srcaddr") && c.lineUp(i) {
				return a.Addr("srcaddr"), nil
			}
		}
		return netip.Addr{}, bad
	}
	return netip.Addr{}, nil
}

func (c *CLI) cmdPing(ctx *ios.Context, a ios.Args) error {
	o := PingOptions{Count: defaultPingCount, Size: defaultPingSize, Timeout: defaultPingTimeout * time.Second}
	if a.Has("count") {
		o.Count = a.Int("count")
	}
	if a.Has("bytes") {
		o.Size = a.Int("bytes")
	}
	if a.Has("seconds") {
		o.Timeout = time.Duration(a.Int("seconds")) * time.Second
	}
	src, err := c.sourceAddress(a)
	if err != nil {
		return err
	}
	o.Source = src
	dst, err := c.resolveTarget(ctx, a)
	if err != nil {
		return err
	}
	c.runPing(ctx, dst, o, nil)
	return nil
}

// runPing sends the echoes and prints what IOS prints: the header, a mark per echo (70 a line) and the
// success rate. sizes, when set, is an extended ping's sweep: o.Count echoes of each size in turn. The
// escape sequence (ctx.Interrupted) stops it at once; the summary then counts the echoes that
// completed, as IOS does.
func (c *CLI) runPing(ctx *ios.Context, dst netip.Addr, o PingOptions, sizes []int) {
	total, what := o.Count, fmt.Sprintf("%d-byte", o.Size)
	if len(sizes) > 0 {
		total = o.Count * len(sizes)
		what = fmt.Sprintf("[%d..%d]-byte", sizes[0], sizes[len(sizes)-1])
	} else {
		sizes = []int{o.Size}
	}
	ctx.Printf("Type escape sequence to abort.\n")
	ctx.Printf("Sending %d, %s ICMP Echos to %s, timeout is %d seconds:\n", total, what, dst, int(o.Timeout/time.Second))
	if o.Source.IsValid() {
		ctx.Printf("Packet sent with a source address of %s \n", o.Source)
	}
	if o.DF {
		ctx.Printf("Packet sent with the DF bit set\n")
	}
	o.Stop = ctx.Interrupted()
	var ok int
	var min, max, sum time.Duration
	printed := 0
	c.unlocked(func() {
		for _, size := range sizes {
			o.Size = size
			c.r.Ping(dst, o, func(seq int, mark byte, rtt time.Duration) {
				if stopped(o.Stop) {
					return // the echo in flight when the user interrupted
				}
				if printed > 0 && printed%pingMarksPerLine == 0 {
					ctx.Printf("\n")
				}
				ctx.Printf("%c", mark)
				printed++
				if mark != '!' {
					return
				}
				if ok == 0 || rtt < min {
					min = rtt
				}
				if rtt > max {
					max = rtt
				}
				sum += rtt
				ok++
			})
			if stopped(o.Stop) {
				break
			}
		}
	})
	ctx.Printf("\n")
	sent := printed
	percent := 0
	if sent > 0 {
		percent = ok * 100 / sent
	}
	if ok == 0 {
		ctx.Printf("Success rate is %d percent (%d/%d)\n", percent, ok, sent)
		return
	}
	ms := func(d time.Duration) int64 { return int64(d / time.Millisecond) }
	ctx.Printf("Success rate is %d percent (%d/%d), round-trip min/avg/max = %d/%d/%d ms\n",
		percent, ok, sent, ms(min), ms(sum/time.Duration(ok)), ms(max))
}

func (c *CLI) cmdTraceroute(ctx *ios.Context, a ios.Args) error {
	dst, err := c.resolveTarget(ctx, a)
	if err != nil {
		return err
	}
	ctx.Printf("Type escape sequence to abort.\n")
	ctx.Printf("Tracing the route to %s\n", dst)
	ctx.Printf("VRF info: (vrf in name/id, vrf out name/id)\n")
	hop := 0
	var last netip.Addr
	// The escape sequence stops the trace at once; the line of the hop under way ends there, as on IOS.
	o := TraceOptions{MaxTTL: traceMaxTTL, Probes: traceProbesPerHop, Timeout: traceProbeTimeout, Stop: ctx.Interrupted()}
	c.unlocked(func() {
		c.r.Traceroute(dst, o, func(ttl int, from netip.Addr, rtt time.Duration, mark byte) {
			if stopped(o.Stop) {
				return // the probe in flight when the user interrupted
			}
			if ttl != hop {
				if hop != 0 {
					ctx.Printf("\n")
				}
				hop, last = ttl, netip.Addr{}
				ctx.Printf("%3d ", ttl)
			}
			if mark == '*' {
				ctx.Printf(" * ")
				return
			}
			if from != last {
				if last.IsValid() {
					ctx.Printf("\n    ")
				}
				ctx.Printf("%s", from)
				last = from
			}
			if mark != 0 {
				ctx.Printf(" !%c", mark)
				return
			}
			ctx.Printf(" %d msec", int64(rtt/time.Millisecond))
		}, func() {})
	})
	if hop != 0 {
		ctx.Printf("\n")
	}
	return nil
}

// unlocked runs f without the config lock: probes take seconds, and other sessions may configure
// meanwhile. The lock is taken back even if f panics, so the session's own unlock stays balanced.
func (c *CLI) unlocked(f func()) {
	c.e.Unlock()
	defer c.e.Lock()
	f()
}
