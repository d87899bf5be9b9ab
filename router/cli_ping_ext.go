package router

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"natlab/ios"
)

// Extended ping: privileged `ping` with no argument asks IOS 15's questions, one input line each
// (ios.Context.AskLines), so a terminal and a script answer alike; Return takes the default in
// brackets. Answers with an effect: protocol (ip only), target, repeat count, datagram size, timeout,
// source address or interface, type of service, DF bit and the sweep of sizes. Ingress ping, reply
// validation, the data pattern and the IP options are accepted and have no effect.

// pingStep is one question of the dialogue. answer takes what was typed: a message and again=true
// print the message and ask the same question again; a message and again=false end the dialogue.
type pingStep struct {
	question string
	when     func(p *extPing) bool // nil: always asked
	answer   func(p *extPing, s string) (msg string, again bool)
}

// extPing is one dialogue's answers so far.
type extPing struct {
	c                             *CLI
	ctx                           *ios.Context
	dst                           netip.Addr
	o                             PingOptions
	extended, sweep               bool
	sweepMin, sweepMax, sweepStep int
}

func isExtended(p *extPing) bool { return p.extended }
func isSweep(p *extPing) bool    { return p.sweep }

var pingSteps = []pingStep{
	{question: "Protocol [ip]: ", answer: func(p *extPing, s string) (string, bool) {
		if s == "" || strings.HasPrefix("ip", strings.ToLower(s)) {
			return "", false
		}
		return fmt.Sprintf("%% Unknown protocol - \"%s\", type \"ping ?\" for help", ios.Printable(s)), false
	}},
	{question: "Target IP address: ", answer: func(p *extPing, s string) (string, bool) {
		if s == "" {
			return "% Bad IP address", false
		}
		a, ok := p.c.lookupHost(p.ctx, s)
		if !ok {
			return "% Unrecognized host or address, or protocol not running.\n", false
		}
		p.dst = a
		return "", false
	}},
	{question: "Repeat count [5]: ", answer: number(1, 2147483647, func(p *extPing, n int) { p.o.Count = n })},
	{question: "Datagram size [100]: ", answer: number(36, 18024, func(p *extPing, n int) { p.o.Size = n })},
	{question: "Timeout in seconds [2]: ", answer: number(0, 3600, func(p *extPing, n int) {
		p.o.Timeout = time.Duration(n) * time.Second
		if n == 0 {
			p.o.Timeout = time.Millisecond // no wait; PingOptions reads 0 as the default
		}
	})},
	{question: "Extended commands [n]: ", answer: yesNo(func(p *extPing, y bool) { p.extended = y })},
	{question: "Ingress ping [n]: ", when: isExtended, answer: yesNo(func(*extPing, bool) {})},
	{question: "Source address or interface: ", when: isExtended, answer: func(p *extPing, s string) (string, bool) {
		if s == "" {
			return "", false
		}
		a, ok := p.c.sourceOf(s)
		if !ok {
			return "% Invalid source address- IP address not on any of our up interfaces", true
		}
		p.o.Source = a
		return "", false
	}},
	{question: "Type of service [0]: ", when: isExtended, answer: number(0, 255, func(p *extPing, n int) { p.o.TOS = uint8(n) })},
	{question: "Set DF bit in IP header? [no]: ", when: isExtended, answer: yesNo(func(p *extPing, y bool) { p.o.DF = y })},
	{question: "Validate reply data? [no]: ", when: isExtended, answer: yesNo(func(*extPing, bool) {})},
	{question: "Data pattern [0x0000ABCD]: ", when: isExtended, answer: func(p *extPing, s string) (string, bool) {
		if _, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 32); s != "" && err != nil {
			return "% Invalid pattern", true
		}
		return "", false
	}},
	{question: "Loose, Strict, Record, Timestamp, Verbose[none]: ", when: isExtended, answer: func(*extPing, string) (string, bool) { return "", false }},
	{question: "Sweep range of sizes [n]: ", answer: yesNo(func(p *extPing, y bool) { p.sweep = y })},
	{question: "Sweep min size [36]: ", when: isSweep, answer: number(36, 18024, func(p *extPing, n int) { p.sweepMin = n })},
	{question: "Sweep max size [18024]: ", when: isSweep, answer: number(36, 18024, func(p *extPing, n int) { p.sweepMax = n })},
	{question: "Sweep interval [1]: ", when: isSweep, answer: number(1, 18024, func(p *extPing, n int) { p.sweepStep = n })},
}

// number reads a decimal in [lo, hi]; Return keeps the default already in place.
func number(lo, hi int, set func(p *extPing, n int)) func(p *extPing, s string) (string, bool) {
	return func(p *extPing, s string) (string, bool) {
		if s == "" {
			return "", false
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return fmt.Sprintf("%% A decimal number between %d and %d.", lo, hi), true
		}
		set(p, n)
		return "", false
	}
}

// yesNo reads y, yes, n or no; Return keeps the default.
func yesNo(set func(p *extPing, y bool)) func(p *extPing, s string) (string, bool) {
	return func(p *extPing, s string) (string, bool) {
		switch strings.ToLower(s) {
		case "":
		case "y", "ye", "yes":
			set(p, true)
		case "n", "no":
			set(p, false)
		default:
			return "% Please answer 'yes' or 'no'.", true
		}
		return "", false
	}
}

// cmdExtendedPing starts the dialogue; the ping runs once the last question is answered.
func (c *CLI) cmdExtendedPing(ctx *ios.Context, _ ios.Args) error {
	p := &extPing{c: c, ctx: ctx, sweepMin: 36, sweepMax: 18024, sweepStep: 1,
		o: PingOptions{Count: defaultPingCount, Size: defaultPingSize, Timeout: defaultPingTimeout * time.Second}}
	step := 0
	ctx.AskLines(pingSteps[0].question, func(answer string) string {
		msg, again := pingSteps[step].answer(p, strings.TrimSpace(answer))
		if msg != "" {
			ctx.Printf("%s\n", msg)
			if !again {
				return ""
			}
			return pingSteps[step].question
		}
		for step++; step < len(pingSteps); step++ {
			if w := pingSteps[step].when; w == nil || w(p) {
				return pingSteps[step].question
			}
		}
		p.run()
		return ""
	})
	return nil
}

// run pings with the answers given.
func (p *extPing) run() {
	var sizes []int
	if p.sweep {
		for n := p.sweepMin; n <= p.sweepMax; n += p.sweepStep {
			sizes = append(sizes, n)
		}
		if len(sizes) == 0 {
			sizes = []int{p.sweepMin}
		}
	}
	p.c.runPing(p.ctx, p.dst, p.o, sizes)
}

// lookupHost reads a target typed in the dialogue: an address, or a name from `ip host`.
func (c *CLI) lookupHost(ctx *ios.Context, s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil && a.Is4() {
		return a, true
	}
	c.mu.Lock()
	h, ok := c.hosts[strings.ToLower(s)]
	c.mu.Unlock()
	if ok {
		return h.addr, true
	}
	if c.e.DomainLookup() {
		ctx.Printf("Translating \"%s\"...domain server (255.255.255.255)\n", ios.Printable(s))
	}
	return netip.Addr{}, false
}

// sourceOf reads the source answer: one of the router's addresses on an up interface, or the name of
// an up interface with an address.
func (c *CLI) sourceOf(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		for _, i := range c.r.Interfaces() {
			if i.Address().IsValid() && i.Address().Addr() == a && c.lineUp(i) {
				return a, true
			}
		}
		return netip.Addr{}, false
	}
	i := c.interfaceNamed(s)
	if i == nil || !i.Address().IsValid() || !c.lineUp(i) {
		return netip.Addr{}, false
	}
	return i.Address().Addr(), true
}

// interfaceNamed finds an interface by a name as typed: its type abbreviated, in any case ("gi0/1").
func (c *CLI) interfaceNamed(s string) *Interface {
	typ, num := splitName(s)
	if typ == "" || num == "" {
		return nil
	}
	for _, i := range c.r.Interfaces() {
		it, in := splitName(i.Name())
		if in == num && strings.HasPrefix(strings.ToLower(it), strings.ToLower(typ)) {
			return i
		}
	}
	return nil
}

// splitName splits an interface name into its type and its number ("GigabitEthernet", "0/1").
func splitName(s string) (typ, num string) {
	i := strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return s, ""
	}
	return strings.TrimSpace(s[:i]), s[i:]
}
