package ether

import "sync/atomic"

// Stats are a port's Ethernet and ARP counters.
type Stats struct {
	InBroadcasts    uint64 // frames to ff:ff:ff:ff:ff:ff (ARP included)
	InMulticasts    uint64 // frames to other group addresses
	UnknownProtocol uint64 // frames neither IPv4 nor ARP
	RxDrops         uint64 // IPv4 packets dropped: Read fell behind, or the subinterface is shut
	TxDrops         uint64 // packets not sent: too short or long, or the subinterface is shut

	ARPRequestsIn  uint64
	ARPRepliesIn   uint64
	ARPRequestsOut uint64 // resolution and gratuitous
	ARPRepliesOut  uint64
	ARPMalformed   uint64 // not IPv4-over-Ethernet request or reply
	ARPConflicts   uint64 // ARP from another station with our address

	CacheFull  uint64 // entries refused because the cache held MaxEntries
	QueueDrops uint64 // packets dropped while resolving: queue full or no entry
	Unresolved uint64 // packets given to Host.Unresolved after the last retry

	// Link-wide counters, reported by the main port only.
	UnknownVLAN uint64 // tagged frames for a VLAN no subinterface has
	OtherHost   uint64 // unicast frames for another MAC (promiscuous device)
	Runts       uint64 // frames shorter than their header
	ReadErrors  uint64 // device read errors other than close
}

type counters struct {
	inBroadcasts, inMulticasts, unknownProtocol, rxDrops, txDrops atomic.Uint64

	arpRequestsIn, arpRepliesIn, arpRequestsOut, arpRepliesOut atomic.Uint64
	arpMalformed, arpConflicts                                 atomic.Uint64

	cacheFull, queueDrops, unresolved atomic.Uint64

	unknownVLAN, otherHost, runts, readErrors atomic.Uint64
}

// Stats returns the port's counters.
func (p *Port) Stats() Stats {
	c := &p.st
	return Stats{
		InBroadcasts: c.inBroadcasts.Load(), InMulticasts: c.inMulticasts.Load(),
		UnknownProtocol: c.unknownProtocol.Load(), RxDrops: c.rxDrops.Load(), TxDrops: c.txDrops.Load(),
		ARPRequestsIn: c.arpRequestsIn.Load(), ARPRepliesIn: c.arpRepliesIn.Load(),
		ARPRequestsOut: c.arpRequestsOut.Load(), ARPRepliesOut: c.arpRepliesOut.Load(),
		ARPMalformed: c.arpMalformed.Load(), ARPConflicts: c.arpConflicts.Load(),
		CacheFull: c.cacheFull.Load(), QueueDrops: c.queueDrops.Load(), Unresolved: c.unresolved.Load(),
		UnknownVLAN: c.unknownVLAN.Load(), OtherHost: c.otherHost.Load(),
		Runts: c.runts.Load(), ReadErrors: c.readErrors.Load(),
	}
}

// LinkBroadcasts is what show interfaces counts as received broadcasts
// and multicasts: frames, ARP included.
func (p *Port) LinkBroadcasts() (broadcasts, multicasts uint64) {
	return p.st.inBroadcasts.Load(), p.st.inMulticasts.Load()
}
