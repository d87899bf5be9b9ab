package l2switch

import "sync/atomic"

// Stats are one port's counters.
type Stats struct {
	Name                string
	InFrames, InBytes   uint64 // frames read, whatever became of them
	OutFrames, OutBytes uint64 // frames written
	Flooded             uint64 // frames from this port flooded (unknown unicast, broadcast, multicast)
	Runts               uint64 // in: shorter than their Ethernet header and tag
	Giants              uint64 // in or out: longer than the port's MTU allows
	TaggedOnAccess      uint64 // in: tagged frames on an access port
	VLANDenied          uint64 // in: tagged with a VLAN the trunk does not carry
	Filtered            uint64 // in: to a station on the port they came from
	OutErrors           uint64 // frames the device refused to send
	ReadErrors          uint64 // failed reads of the device
}

// counters are the live form of Stats.
type counters struct {
	inFrames, inBytes, outFrames, outBytes, flooded     atomic.Uint64
	runts, giants, taggedOnAccess, vlanDenied, filtered atomic.Uint64
	outErrors, readErrors                               atomic.Uint64
}

// batchCounts is what one reader counts over a batch before it adds it to
// its port's counters in one go.
type batchCounts struct {
	inFrames, inBytes, flooded, runts, giants, taggedOnAccess, vlanDenied, filtered uint64
}

func (c *counters) add(b *batchCounts) {
	for _, f := range [...]struct {
		c *atomic.Uint64
		v uint64
	}{
		{&c.inFrames, b.inFrames}, {&c.inBytes, b.inBytes}, {&c.flooded, b.flooded}, {&c.runts, b.runts},
		{&c.giants, b.giants}, {&c.taggedOnAccess, b.taggedOnAccess}, {&c.vlanDenied, b.vlanDenied}, {&c.filtered, b.filtered},
	} {
		if f.v != 0 {
			f.c.Add(f.v)
		}
	}
	*b = batchCounts{}
}

func (c *counters) snapshot(name string) Stats {
	return Stats{
		Name: name, InFrames: c.inFrames.Load(), InBytes: c.inBytes.Load(), OutFrames: c.outFrames.Load(), OutBytes: c.outBytes.Load(),
		Flooded: c.flooded.Load(), Runts: c.runts.Load(), Giants: c.giants.Load(), TaggedOnAccess: c.taggedOnAccess.Load(),
		VLANDenied: c.vlanDenied.Load(), Filtered: c.filtered.Load(), OutErrors: c.outErrors.Load(), ReadErrors: c.readErrors.Load(),
	}
}
