package nat

import (
	"slices"
	"time"

	"natlab/packet"
)

// Timeouts are the `ip nat translation ...` timers. A negative duration is
// `never`.
type Timeouts struct {
	Timeout    time.Duration // dynamic simple (non-overload) bindings
	TCP        time.Duration // established TCP
	UDP        time.Duration
	DNS        time.Duration // UDP to or from port 53
	FinRst     time.Duration // TCP after RST or FIN in both directions
	ICMP       time.Duration
	Syn        time.Duration // TCP before the handshake completes
	MaxEntries int           // 0: no limit
}

// Never is the timeout value of `never`.
const Never time.Duration = -1

// DefaultTimeouts are the IOS 15 defaults.
var DefaultTimeouts = Timeouts{
	Timeout: 86400 * time.Second,
	TCP:     86400 * time.Second,
	UDP:     300 * time.Second,
	DNS:     60 * time.Second,
	FinRst:  60 * time.Second,
	ICMP:    60 * time.Second,
	Syn:     60 * time.Second,
}

// timerNames lists the `ip nat translation` timers in running-config order.
var timerNames = [...]string{"timeout", "tcp-timeout", "udp-timeout", "finrst-timeout", "syn-timeout", "dns-timeout", "icmp-timeout"}

// fields are the timers of t in the order of timerNames.
func (t *Timeouts) fields() [len(timerNames)]*time.Duration {
	return [...]*time.Duration{&t.Timeout, &t.TCP, &t.UDP, &t.FinRst, &t.Syn, &t.DNS, &t.ICMP}
}

// field is the timer named by its keyword, or nil.
func (t *Timeouts) field(name string) *time.Duration {
	if i := slices.Index(timerNames[:], name); i >= 0 {
		return t.fields()[i]
	}
	return nil
}

// TCP state bits kept per session. The machine is the IOS one reduced to
// what chooses a timer: SYN phase (syn-timeout), established (tcp-timeout),
// closing after RST or FIN both ways (finrst-timeout).
const (
	tcpOrigSyn uint32 = 1 << iota
	tcpReplySyn
	tcpOrigFin
	tcpReplyFin
	tcpSawRst
	tcpEstablished
)

// nextTCPState returns the state after a segment with flags seen from the
// originator (orig) or the responder.
func nextTCPState(st uint32, flags uint8, orig bool) uint32 {
	if flags&packet.TCPRst != 0 {
		return st | tcpSawRst
	}
	if flags&packet.TCPSyn != 0 {
		if orig {
			st |= tcpOrigSyn
		} else {
			st |= tcpReplySyn
		}
	} else if flags&packet.TCPAck != 0 && st&(tcpOrigSyn|tcpReplySyn) == tcpOrigSyn|tcpReplySyn {
		st |= tcpEstablished
	}
	if flags&packet.TCPFin != 0 {
		if orig {
			st |= tcpOrigFin
		} else {
			st |= tcpReplyFin
		}
	}
	return st
}

// initialTCPState is the state of a session created by a segment: one that
// starts without SYN (after a clear, or a reload) is taken as established so
// a long-lived connection keeps its long timer.
func initialTCPState(flags uint8) uint32 {
	var st uint32
	if flags&(packet.TCPSyn|packet.TCPRst) == 0 {
		st = tcpEstablished | tcpOrigSyn | tcpReplySyn
	}
	return nextTCPState(st, flags, true)
}

// tcpTimeout picks the timer for a TCP state.
func (t *Timeouts) tcpTimeout(st uint32) time.Duration {
	switch {
	case st&tcpSawRst != 0, st&(tcpOrigFin|tcpReplyFin) == tcpOrigFin|tcpReplyFin:
		return t.FinRst
	case st&tcpEstablished != 0:
		return t.TCP
	default:
		return t.Syn
	}
}
