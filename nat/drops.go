package nat

import "sync/atomic"

// dropCause is why NAT refused to forward a packet. Every Drop the packet
// path returns is counted under one cause and one direction, for `show ip
// nat statistics`.
type dropCause uint8

const (
	dropNoTranslation dropCause = iota // a rule applies but gives nothing: interface without address, missing pool, a clashing flow
	dropPoolExhausted                  // no free global address (pool) or port (PAT)
	dropMaxEntries                     // ip nat translation max-entries N
	dropHostLimit                      // a per-host limit: host, list or all-host
	dropPATNoPorts                     // PAT cannot carry a packet without ports
	dropMalformed                      // an undecodable packet, or an ICMP error that fails RFC 5508's checks
	dropCauses
)

// dropNames are the causes as `show ip nat statistics` names them.
var dropNames = [dropCauses]string{
	dropNoTranslation: "no translation",
	dropPoolExhausted: "pool exhausted",
	dropMaxEntries:    "max-entries",
	dropHostLimit:     "host limit",
	dropPATNoPorts:    "PAT without ports",
	dropMalformed:     "malformed",
}

// dropCounters are the drop counters; the packet path adds to them
// without a lock.
type dropCounters struct {
	cause          [dropCauses]atomic.Uint64
	inOut, outIn   atomic.Uint64 // by direction: from the inside, from the outside
	evicted        atomic.Uint64 // unestablished translations removed to make room
	maxEntryMissed atomic.Uint64 // translations max-entries refused
}

// dropped counts a packet NAT drops and returns Drop.
func (n *NAT) dropped(c dropCause, fromInside bool) Result {
	n.drops.cause[c].Add(1)
	if fromInside {
		n.drops.inOut.Add(1)
	} else {
		n.drops.outIn.Add(1)
	}
	return Drop
}

// clear resets the counters (clear ip nat statistics).
func (d *dropCounters) clear() {
	for i := range d.cause {
		d.cause[i].Store(0)
	}
	d.inOut.Store(0)
	d.outIn.Store(0)
	d.evicted.Store(0)
	d.maxEntryMissed.Store(0)
}
