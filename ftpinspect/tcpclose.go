package ftpinspect

import "natlab/packet"

// tcpClose follows the close of an inspected TCP connection (a CBAC
// session, an FTP data connection): bit 0 is a FIN from the side that
// opened it, bit 1 a FIN from the other side.
type tcpClose uint8

// closeStep is what a segment did to a connection's close.
type closeStep uint8

const (
	// stillOpen: no close yet, or one side's FIN; the idle timer restarts.
	stillOpen closeStep = iota
	// reset: a RST ended the connection; it leaves at once.
	reset
	// bothClosed: this segment carried the second FIN; the finwait linger
	// starts.
	bothClosed
	// lingering: both FINs were seen before; the linger runs out whatever
	// follows, so retransmitted last ACKs cannot keep a closed connection.
	lingering
)

// step takes a segment with flags from side (0 the opener, 1 the other).
func (c *tcpClose) step(flags uint8, side int) closeStep {
	if *c == 3 {
		return lingering
	}
	switch {
	case flags&packet.TCPRst != 0:
		return reset
	case flags&packet.TCPFin != 0:
		*c |= 1 << side
		if *c == 3 {
			return bothClosed
		}
	}
	return stillOpen
}

// closing reports whether either side has sent a FIN.
func (c tcpClose) closing() bool { return c != 0 }
