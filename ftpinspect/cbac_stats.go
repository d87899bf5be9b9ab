package ftpinspect

// protoNames are the CBAC session protocols, in show order.
var protoNames = [...]string{"tcp", "udp", "icmp", "ftp"}

func protoIndex(proto string) uint8 {
	for i, n := range protoNames {
		if n == proto {
			return uint8(i)
		}
	}
	return 0
}

// cbacCounters are the session table's counters (show ip inspect
// statistics).
type cbacCounters struct {
	created      [len(protoNames)]uint64 // sessions started
	startPackets [len(protoNames)]uint64 // packets that started a session (IOS: process switched)
	packets      [len(protoNames)]uint64 // packets of sessions

	maxOpen, maxHalf, maxTerm int   // highest counts
	maxRate                   int   // highest one-minute rate
	lastCreated               int64 // unix ns; 0: never

	tableFull         uint64 // new sessions dropped: table full of established sessions
	evicted           uint64 // half-open sessions evicted from a full table
	aggressiveDeleted uint64 // half-open sessions deleted in aggressive mode
	hostDeleted       uint64 // half-open sessions deleted by the per-host limit
	hostBlocks        uint64 // hosts blocked
	blockedDrops      uint64 // new connections to a blocked host dropped
	outOfWindow       uint64 // segments dropped by the TCP state check
}

// cbacStats is a snapshot for show.
type cbacStats struct {
	cbacCounters
	total, half, term, rate int
	aggressive              bool
}

func (cb *cbac) stats() cbacStats {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	now := cb.clock().UnixNano()
	cb.sweepLocked(now) // the counts are of live sessions
	return cbacStats{cbacCounters: cb.ctr, total: len(cb.sessions), half: cb.nHalf, term: cb.nTerm,
		rate: cb.oneMinute(now), aggressive: cb.aggressive}
}
