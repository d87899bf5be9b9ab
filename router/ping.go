package router

import (
	"encoding/binary"
	"net/netip"
	"time"

	"natlab/packet"
)

// PingOptions are the knobs of IOS `ping` (extended ping asks for them).
type PingOptions struct {
	Count    int           // repeat count; 0 means 5
	Size     int           // datagram size in bytes, IP header included; 0 means 100
	Timeout  time.Duration // per echo; 0 means 2 s
	Source   netip.Addr    // one of the router's addresses; zero: the outgoing interface's
	Interval time.Duration // pause between echoes after an answer or timeout
	DF       bool          // set Don't Fragment (`df-bit`)
	TOS      uint8         // the IP header's type of service (extended ping)
	// Stop, when closed, ends the ping early (the IOS escape sequence);
	// the probe in flight is reported as a timeout.
	Stop <-chan struct{}
}

// Ping mark characters, as IOS prints them.
const (
	MarkReply       = '!'
	MarkTimeout     = '.'
	MarkUnreachable = 'U'
	MarkQuench      = 'Q'
	MarkFragNeeded  = 'M'
	MarkTTLExceeded = '&'
	MarkUnknown     = '?'
)

// Ping sends echo requests to dst one at a time through the output path
// (post-routing and output hooks run for them) and calls result for each as
// it completes: '!' reply (with the round-trip time), '.' timeout, 'U'
// unreachable, 'M' fragmentation needed, 'Q' source quench, '&' TTL
// exceeded, '?' anything else. A destination without a route times out, as
// on IOS. Ping blocks until all echoes are done.
func (r *Router) Ping(dst netip.Addr, o PingOptions, result func(seq int, mark byte, rtt time.Duration)) {
	if o.Count <= 0 {
		o.Count = 5
	}
	if o.Size <= 0 {
		o.Size = 100
	}
	o.Size = max(o.Size, packet.IPv4MinimumSize+packet.ICMPv4MinimumSize)
	o.Size = min(o.Size, 0xffff)
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	id := uint16(r.echoID.Add(1))
	key := waitKey{packet.ProtoICMP, id}
	ch := r.listen(key)
	defer r.unlisten(key)
	buf := make([]byte, o.Size)
	dataLen := o.Size - packet.IPv4MinimumSize - packet.ICMPv4MinimumSize
	for seq := 0; seq < o.Count && !stopped(o.Stop); seq++ {
		if seq > 0 && o.Interval > 0 {
			sleep(o.Interval, o.Stop)
		}
		src := o.Source
		if !src.IsValid() {
			src = r.sourceFor(r.snap.Load(), dst)
		}
		start := r.clock()
		if src.IsValid() {
			n := packet.BuildEcho(buf, packet.ICMPEcho, src, dst, id, uint16(seq), r.nextIPID(), packet.IPv4DefaultTTL, dataLen, nil)
			if o.DF || o.TOS != 0 {
				setFlags(buf[:n], o.DF, o.TOS)
			}
			r.originate(buf[:n])
		}
		ev, ok := waitFor(ch, uint16(seq), o.Timeout, o.Stop)
		if !ok {
			result(seq, MarkTimeout, 0)
			continue
		}
		result(seq, pingMark(ev), ev.at.Sub(start))
	}
}

func setDF(b []byte) { setFlags(b, true, packet.IPv4(b).TOS()) }

// setFlags sets Don't Fragment and the type of service of a built echo.
func setFlags(b []byte, df bool, tos uint8) {
	ip := packet.IPv4(b)
	if df {
		fo := binary.BigEndian.Uint16(b[6:]) | packet.IPv4FlagDontFragment
		binary.BigEndian.PutUint16(b[6:], fo)
	}
	b[1] = tos
	ip.UpdateChecksum()
}

func pingMark(ev localEvent) byte {
	switch ev.typ {
	case packet.ICMPEchoReply:
		return MarkReply
	case packet.ICMPDestUnreachable:
		if ev.code == packet.ICMPFragNeeded {
			return MarkFragNeeded
		}
		return MarkUnreachable
	case packet.ICMPSourceQuench:
		return MarkQuench
	case packet.ICMPTimeExceeded:
		return MarkTTLExceeded
	}
	return MarkUnknown
}

// waitFor waits for the event answering probe seq, skipping late answers
// to earlier probes, until the timeout or stop.
func waitFor(ch chan localEvent, seq uint16, timeout time.Duration, stop <-chan struct{}) (localEvent, bool) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		select {
		case ev := <-ch:
			if ev.seq == seq {
				return ev, true
			}
		case <-t.C:
			return localEvent{}, false
		case <-stop:
			return localEvent{}, false
		}
	}
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

func sleep(d time.Duration, stop <-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	}
}

// TraceOptions are the knobs of IOS `traceroute`.
type TraceOptions struct {
	MinTTL  int           // first TTL; 0 means 1
	MaxTTL  int           // last TTL; 0 means 30
	Probes  int           // probes per TTL; 0 means 3
	Timeout time.Duration // per probe; 0 means 3 s
	Source  netip.Addr    // zero: the outgoing interface's address
	Port    int           // first UDP destination port; 0 means 33434
	// Stop, when closed, ends the traceroute after the probe in flight
	// (reported as '*'); done is still called.
	Stop <-chan struct{}
}

// Traceroute marks for probe.
const (
	TraceOK          = 0   // an answer: time exceeded, or port unreachable from the destination
	TraceTimeout     = '*' // no answer
	TraceHost        = 'H' // !H host unreachable
	TraceNet         = 'N' // !N network unreachable
	TraceAdmin       = 'A' // !A administratively prohibited
	TraceProto       = 'P' // !P protocol unreachable
	TraceFragNeeded  = 'F' // !F fragmentation needed
	TraceUnreachable = 'U' // another unreachable code
)

// Traceroute sends UDP probes to ports 33434 and up with TTL MinTTL..MaxTTL,
// Probes per TTL, through the output path, and calls probe for each: the
// answering address and round-trip time with mark 0, or a mark ('*' for a
// timeout; 'H', 'N', 'A', 'P', 'F', 'U' for unreachables, printed by IOS as
// !H and so on). It stops after the TTL at which the destination answered
// (port unreachable) or an unreachable arrived, then calls done (if not
// nil). Traceroute blocks until then.
func (r *Router) Traceroute(dst netip.Addr, o TraceOptions, probe func(ttl int, from netip.Addr, rtt time.Duration, mark byte), done func()) {
	if o.MinTTL <= 0 {
		o.MinTTL = 1
	}
	if o.MaxTTL <= 0 {
		o.MaxTTL = 30
	}
	o.MaxTTL = min(o.MaxTTL, 255)
	if o.Probes <= 0 {
		o.Probes = 3
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Second
	}
	if o.Port <= 0 {
		o.Port = 33434
	}
	// A source port per run keeps concurrent traceroutes apart (IOS picks
	// ports from 49152 up as well).
	sport := uint16(49152 + r.tracePort.Add(1)%16384)
	key := waitKey{packet.ProtoUDP, sport}
	ch := r.listen(key)
	defer r.unlisten(key)
	buf := make([]byte, packet.IPv4MinimumSize+packet.UDPSize)
	dport := o.Port
	for ttl := o.MinTTL; ttl <= o.MaxTTL && !stopped(o.Stop); ttl++ {
		stop := false
		for k := 0; k < o.Probes && !stopped(o.Stop); k++ {
			dp := uint16(dport)
			dport++
			src := o.Source
			if !src.IsValid() {
				src = r.sourceFor(r.snap.Load(), dst)
			}
			start := r.clock()
			if src.IsValid() {
				n := packet.BuildUDP(buf, src, dst, sport, dp, r.nextIPID(), uint8(ttl), 0, nil)
				r.originate(buf[:n])
			}
			ev, ok := waitFor(ch, dp, o.Timeout, o.Stop)
			if !ok {
				probe(ttl, netip.Addr{}, 0, TraceTimeout)
				continue
			}
			mark := traceMark(ev)
			if ev.typ == packet.ICMPDestUnreachable || ev.from == dst {
				stop = true
			}
			probe(ttl, ev.from, ev.at.Sub(start), mark)
		}
		if stop {
			break
		}
	}
	if done != nil {
		done()
	}
}

func traceMark(ev localEvent) byte {
	if ev.typ != packet.ICMPDestUnreachable {
		return TraceOK
	}
	switch ev.code {
	case packet.ICMPPortUnreachable:
		return TraceOK
	case packet.ICMPHostUnreachable:
		return TraceHost
	case packet.ICMPNetUnreachable:
		return TraceNet
	case packet.ICMPAdminProhibited, packet.ICMPNetProhibited, packet.ICMPHostProhibited:
		return TraceAdmin
	case packet.ICMPProtoUnreachable:
		return TraceProto
	case packet.ICMPFragNeeded:
		return TraceFragNeeded
	}
	return TraceUnreachable
}
