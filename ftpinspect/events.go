package ftpinspect

import (
	"fmt"
	"net/netip"
	"strconv"

	"natlab/pktevent"
)

// SetEvents makes the inspector publish every control line it rewrites to
// b: the line before and after, and the arithmetic of the announced port.
// Call it before traffic flows; nil publishes nothing.
func (in *Inspector) SetEvents(b *pktevent.Bus) { in.events = b }

// rewrote counts a rewrite of the announcement a (its numbers become text,
// announcing global) and publishes it. Caller holds in.mu.
func (in *Inspector) rewrote(c *conn, dir int, a *Announcement, global netip.AddrPort, text []byte) {
	in.stats.Rewrites++
	if !in.events.Active() {
		return
	}
	h := &c.h[dir]
	n := min(h.lineLen, maxLine)
	line := h.line[:n]
	for len(line) > 0 && (line[len(line)-1] == '\n' || line[len(line)-1] == '\r') {
		line = line[:len(line)-1]
	}
	if a.Start > a.End || a.End > len(line) {
		return // not the line in the buffer: nothing trustworthy to show
	}
	f := c.flow(dir)
	after := string(line[:a.Start]) + string(text) + string(line[a.End:])
	in.events.Publish(pktevent.Event{Kind: pktevent.KindFTP, Proto: "tcp",
		Src: f.SrcAddrPort(), Dst: f.DstAddrPort(),
		Before: string(line), After: after, Arith: portArith(a, global.Port())})
}

// portArith is how the announced port reads: p1*256+p2 for PORT and 227,
// the plain number for EPRT and 229, and what it became when NAT changed
// it.
//
//	port 11*256+185 = 3001
//	port 11*256+185 = 3001 → 4*256+1 = 1025
func portArith(a *Announcement, global uint16) string {
	decode := func(port uint16) string {
		if a.Kind == KindPORT || a.Kind == Kind227 {
			return fmt.Sprintf("%d*256+%d = %d", port>>8, port&0xff, port)
		}
		return strconv.Itoa(int(port))
	}
	s := "port " + decode(a.Port)
	if global != a.Port {
		s += " → " + decode(global)
	}
	return s
}
