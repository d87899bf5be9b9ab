package nat

import (
	"fmt"
	"io"
	"net/netip"
)

// LimitStats is one limit's line in `show ip nat statistics`: its
// maximum, the entries it counts and the translations it refused.
type LimitStats struct {
	Name   string // "max entry", "all-host", "host A.B.C.D", "list ACL"
	Max    int    // 0: no limit (max entry only)
	Used   int
	Missed uint64
}

// DropStats are the packets NAT dropped: by direction, by cause, and the
// unestablished translations evicted to make room.
type DropStats struct {
	InToOut, OutToIn uint64
	ByCause          [dropCauses]uint64
	Evicted          uint64
}

// limitStats lists the limits: the table's first, then all-host, host
// and list limits in configuration order. Caller holds mu.
func (n *NAT) limitStats() []LimitStats {
	out := []LimitStats{{Name: "max entry", Max: n.cfg.timeouts.MaxEntries, Used: n.sessions, Missed: n.drops.maxEntryMissed.Load()}}
	used := func(r *limitRule) int {
		u := 0
		for _, he := range n.hosts {
			if he.lim == r {
				u += he.count
			}
		}
		return u
	}
	l := &n.cfg.limits
	if r := l.allHost; r != nil {
		out = append(out, LimitStats{Name: "all-host", Max: r.max, Used: used(r), Missed: r.missed})
	}
	for _, a := range l.hostSeq {
		r, u := l.hosts[a], 0
		if he := n.hosts[a]; he != nil {
			u = he.count
		}
		out = append(out, LimitStats{Name: "host " + netip.AddrFrom4(a).String(), Max: r.max, Used: u, Missed: r.missed})
	}
	for _, r := range l.lists {
		out = append(out, LimitStats{Name: "list " + r.list, Max: r.max, Used: used(r), Missed: r.missed})
	}
	return out
}

// dropStats reads the drop counters.
func (n *NAT) dropStats() DropStats {
	d := DropStats{InToOut: n.drops.inOut.Load(), OutToIn: n.drops.outIn.Load(), Evicted: n.drops.evicted.Load()}
	for i := range d.ByCause {
		d.ByCause[i] = n.drops.cause[i].Load()
	}
	return d
}

// writeLimits writes the limits and drops of `show ip nat statistics`:
// the IOS lines (nat-limit statistics, drops by direction, pool and
// mapping drops, limit failures), then the evictions and the drops by
// cause, which IOS does not show.
func writeLimits(w io.Writer, st *Statistics) {
	io.WriteString(w, "nat-limit statistics:\n")
	for _, l := range st.Limits {
		fmt.Fprintf(w, " %s: max allowed %d, used %d, missed %d\n", l.Name, l.Max, l.Used, l.Missed)
	}
	d := &st.Drops
	c := &d.ByCause
	fmt.Fprintf(w, "In-to-out drops: %d  Out-to-in drops: %d\n", d.InToOut, d.OutToIn)
	fmt.Fprintf(w, "Pool stats drop: %d  Mapping stats drop: %d\n", c[dropPoolExhausted], c[dropNoTranslation]+c[dropPATNoPorts])
	fmt.Fprintf(w, "Limit entry add fail: %d\n", c[dropMaxEntries]+c[dropHostLimit])
	fmt.Fprintf(w, "Unestablished translations evicted: %d\n", d.Evicted)
	io.WriteString(w, "Drops by cause:")
	for i, name := range dropNames {
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(w, "%s %s %d", sep, name, c[i])
	}
	io.WriteString(w, "\n")
}
