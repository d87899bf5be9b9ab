package nat

import (
	"net/netip"
	"time"
)

// ClearStatistics is `clear ip nat statistics`.
func (n *NAT) ClearStatistics() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hits.Store(0)
	n.misses.Store(0)
	n.expired = 0
	n.peak = n.activeLocked()
	n.peakAt = n.nowNano()
	for _, p := range n.cfg.pools {
		p.misses = 0
	}
	n.drops.clear()
	for _, r := range n.cfg.limits.hosts {
		r.missed = 0
	}
	for _, r := range n.cfg.limits.lists {
		r.missed = 0
	}
	if r := n.cfg.limits.allHost; r != nil {
		r.missed = 0
	}
}

// activeLocked is the number of translations `show ip nat statistics`
// calls active. Caller holds mu.
func (n *NAT) activeLocked() int {
	return len(n.cfg.statics.rules) + len(n.cfg.outside.rules) + n.sessions
}

// notePeak records a new peak. Caller holds mu.
func (n *NAT) notePeak(now int64) {
	if a := n.activeLocked(); a > n.peak {
		n.peak, n.peakAt = a, now
	}
}

// PoolStats is one pool's line in `show ip nat statistics`.
type PoolStats struct {
	Name      string
	PrefixLen int
	Start     netip.Addr
	End       netip.Addr
	Total     int
	Allocated int
	Misses    uint64
}

// MappingStats is one dynamic mapping in `show ip nat statistics`.
type MappingStats struct {
	Mapping
	Refcount int
	Pool     *PoolStats
}

// Statistics is what `show ip nat statistics` prints.
type Statistics struct {
	Active, Static, Dynamic, Extended int
	Peak                              int
	PeakAt                            time.Time
	Hits, Misses                      uint64
	Expired                           uint64
	Inside, Outside                   []string
	Mappings                          []MappingStats
	Pools                             []PoolStats
	Limits                            []LimitStats
	Drops                             DropStats
}

// Statistics returns the counters and mappings.
func (n *NAT) Statistics() Statistics {
	n.mu.Lock()
	defer n.mu.Unlock()
	st := Statistics{
		Active:  n.activeLocked(),
		Static:  len(n.cfg.statics.rules) + len(n.cfg.outside.rules),
		Dynamic: n.sessions,
		Hits:    n.hits.Load(),
		Misses:  n.misses.Load(),
		Expired: n.expired,
		Peak:    n.peak,
	}
	if n.peakAt != 0 {
		st.PeakAt = time.Unix(0, n.peakAt)
	}
	st.Limits = n.limitStats()
	st.Drops = n.dropStats()
	st.Extended = n.in.count()
	for _, r := range n.cfg.statics.rules {
		if r.Proto != 0 {
			st.Extended++
		}
	}
	for name, r := range n.roles {
		if r == RoleInside {
			st.Inside = append(st.Inside, name)
		} else {
			st.Outside = append(st.Outside, name)
		}
	}
	for _, p := range n.cfg.pools {
		ps := PoolStats{Name: p.Name, PrefixLen: p.PrefixLen, Start: p.Start, End: p.End, Total: int(p.end-p.start) + 1, Misses: p.misses}
		for a := p.start; a <= p.end && a >= p.start; a++ {
			if n.addressTaken(from32(a)) {
				ps.Allocated++
			}
		}
		st.Pools = append(st.Pools, ps)
	}
	for _, m := range n.cfg.mappings {
		ms := MappingStats{Mapping: m.Mapping, Refcount: m.refs}
		for i := range st.Pools {
			if st.Pools[i].Name == m.Pool {
				ms.Pool = &st.Pools[i]
			}
		}
		st.Mappings = append(st.Mappings, ms)
	}
	return st
}
