package nat

import (
	"net/netip"

	"natlab/packet"
)

// Limits on the number of dynamic translations (IOS "Rate Limiting NAT
// Translation"): the whole table (`max-entries N`), and each inside local
// host (`max-entries host A.B.C.D N`, `max-entries list ACL N` for each
// host the list permits, `max-entries all-host N` for every other host).
// A host's entries are its sessions and its dynamic address binding.
// When a limit is reached, the oldest unestablished translation under it
// is evicted to make room (evict.go); only when there is none is the new
// translation refused and counted as missed.

// limitKind says which form of `ip nat translation max-entries` a
// per-host limit is.
type limitKind uint8

const (
	limitHost limitKind = iota
	limitList
	limitAllHost
)

// limitRule is one per-host limit.
type limitRule struct {
	kind   limitKind
	addr   [4]byte // limitHost
	list   string  // limitList
	max    int
	missed uint64 // translations refused under it (under NAT.mu)
}

// limits are the per-host limits; guarded by NAT.mu.
type limits struct {
	hosts   map[[4]byte]*limitRule
	hostSeq [][4]byte // host rules in configuration order
	lists   []*limitRule
	allHost *limitRule
}

// hostEntry counts one inside local host's dynamic entries and queues its
// sessions for eviction. It exists while the host has entries.
type hostEntry struct {
	addr  [4]byte
	count int
	lim   *limitRule // the limit its entries were last admitted under
	cand  queue
}

// limited reports whether any limit is configured. Caller holds mu.
func (n *NAT) limited() bool {
	l := &n.cfg.limits
	return n.cfg.timeouts.MaxEntries > 0 || l.allHost != nil || len(l.hosts) > 0 || len(l.lists) > 0
}

// limitFor is the per-host limit of an inside local host: its own, else
// that of the first list that permits the packet (evaluated with the host
// as its source), else all-host; nil when none applies. Caller holds mu.
func (n *NAT) limitFor(p *packet.Parsed, host [4]byte) *limitRule {
	l := &n.cfg.limits
	if r := l.hosts[host]; r != nil {
		return r
	}
	if len(l.lists) > 0 && n.lists != nil {
		n.listPkt = *p
		n.listPkt.Src = netip.AddrFrom4(host)
		for _, r := range l.lists {
			if ok, found := n.lists.Evaluate(r.list, &n.listPkt); ok && found {
				return r
			}
		}
	}
	return l.allHost
}

// room makes space for need new entries of an inside local host under its
// own limit and under max-entries, evicting unestablished translations,
// and reports the cause when it cannot. Caller holds mu.
func (n *NAT) room(p *packet.Parsed, host [4]byte, need int, now int64) (dropCause, bool) {
	n.admitting = nil
	if r := n.limitFor(p, host); r != nil {
		n.admitting = r
		for {
			he := n.hosts[host]
			if he == nil {
				if need <= r.max {
					break
				}
				r.missed++
				return dropHostLimit, false
			}
			if he.count+need <= r.max {
				break
			}
			he.lim = r
			if !n.evictFrom(&he.cand, qHost, now) {
				r.missed++
				return dropHostLimit, false
			}
		}
	}
	if max := n.cfg.timeouts.MaxEntries; max > 0 {
		for n.sessions+need > max {
			if !n.evictFrom(&n.cand, qAll, now) {
				n.drops.maxEntryMissed.Add(1)
				return dropMaxEntries, false
			}
		}
	}
	return 0, true
}

// hostAdd counts d entries more (or fewer) for an inside local host.
// Caller holds mu.
func (n *NAT) hostAdd(host [4]byte, d int) {
	he := n.hosts[host]
	if he == nil {
		if d <= 0 {
			return
		}
		he = &hostEntry{addr: host}
		n.hosts[host] = he
	}
	if d > 0 && n.admitting != nil {
		he.lim = n.admitting
	}
	if he.count += d; he.count <= 0 {
		delete(n.hosts, host)
	}
}

// SetHostLimit sets `ip nat translation max-entries host A.B.C.D N`.
func (n *NAT) SetHostLimit(host netip.Addr, max int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	a, l := addr4(host), &n.cfg.limits
	if r := l.hosts[a]; r != nil {
		r.max = max
		return
	}
	l.hosts[a] = &limitRule{kind: limitHost, addr: a, max: max}
	l.hostSeq = append(l.hostSeq, a)
}

// RemoveHostLimit is the `no` form; it reports whether the host had one.
func (n *NAT) RemoveHostLimit(host netip.Addr) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	a, l := addr4(host), &n.cfg.limits
	if l.hosts[a] == nil {
		return false
	}
	delete(l.hosts, a)
	for i, h := range l.hostSeq {
		if h == a {
			l.hostSeq = append(l.hostSeq[:i], l.hostSeq[i+1:]...)
			break
		}
	}
	return true
}

// SetListLimit sets `ip nat translation max-entries list ACL N`.
func (n *NAT) SetListLimit(list string, max int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.cfg.limits.lists {
		if r.list == list {
			r.max = max
			return
		}
	}
	n.cfg.limits.lists = append(n.cfg.limits.lists, &limitRule{kind: limitList, list: list, max: max})
}

// RemoveListLimit is the `no` form; it reports whether the list had one.
func (n *NAT) RemoveListLimit(list string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	l := &n.cfg.limits
	for i, r := range l.lists {
		if r.list == list {
			l.lists = append(l.lists[:i], l.lists[i+1:]...)
			return true
		}
	}
	return false
}

// SetAllHostLimit sets `ip nat translation max-entries all-host N` (0
// removes it).
func (n *NAT) SetAllHostLimit(max int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	l := &n.cfg.limits
	switch {
	case max <= 0:
		l.allHost = nil
	case l.allHost != nil:
		l.allHost.max = max
	default:
		l.allHost = &limitRule{kind: limitAllHost, max: max}
	}
}
