package ftpinspect

import (
	"net/netip"
	"time"

	"natlab/packet"
)

// TCP state checks for inspected sessions: a segment whose sequence
// numbers lie far outside what its receiver can accept is dropped, counted
// and logged, as conntrack's tcp_in_window and the ASA's normaliser do. The
// acceptable range is deliberately wide, so that retransmissions, keepalives
// and window probes always pass:
//
//	end of segment >= highest sequence sent - receiver's largest window
//	sequence       <= right edge the receiver allowed + receiver's largest window
//
// Windows are scaled once both SYNs carried the option (RFC 7323).

// tcpSide is what one side of a session has sent and been allowed.
type tcpSide struct {
	end    uint32 // highest sequence number sent, plus one
	maxend uint32 // highest right edge (ack + window) the peer allowed
	maxwin uint32 // largest window this side advertised, scaled
	wscale int8   // window scale it offered on its SYN; -1 none
	init   bool
}

// maxWindow caps a scaled window (RFC 7323 allows up to 1 GiB).
const maxWindow = 1 << 30

// before reports a < b in sequence space.
func before(a, b uint32) bool { return int32(a-b) < 0 }

func seqMax(a, b uint32) uint32 {
	if before(a, b) {
		return b
	}
	return a
}

// inWindow checks and records a segment of s from side (0 initiator, 1
// responder); false means drop it.
func (s *cbacSession) inWindow(buf []byte, p *packet.Parsed, side int) bool {
	if p.L4Off+20 > len(buf) || p.PayloadOff > p.TotalLen {
		return true // not a full header: nothing to check against
	}
	tcp := packet.TCP(buf[p.L4Off:])
	seq, ack, win := tcp.Seq(), tcp.Ack(), uint32(tcp.Window())
	end := seq + uint32(p.TotalLen-p.PayloadOff)
	if p.TCPFlags&packet.TCPSyn != 0 {
		end++
	}
	if p.TCPFlags&packet.TCPFin != 0 {
		end++
	}
	snd, rcv := &s.tcp[side], &s.tcp[1-side]
	if p.TCPFlags&packet.TCPSyn != 0 {
		snd.wscale = synWindowScale(buf[p.L4Off:p.PayloadOff])
		if !snd.init || before(snd.end, end) {
			snd.init, snd.end, snd.maxwin = true, end, max(win, 1)
			snd.maxend = end
			if rcv.init {
				snd.maxend = end + rcv.maxwin
			}
		}
	} else if snd.init && rcv.init && !acceptable(snd, rcv, seq, end) {
		return false
	} else if !snd.init { // a session picked up without this side's SYN
		snd.init, snd.end, snd.maxwin, snd.wscale = true, end, max(win, 1), -1
		snd.maxend = end + rcv.maxwin
	}
	if p.TCPFlags&packet.TCPSyn == 0 && snd.wscale > 0 && rcv.wscale >= 0 {
		win <<= uint(snd.wscale)
	}
	win = min(win, maxWindow)
	snd.end = seqMax(snd.end, end)
	snd.maxwin = max(snd.maxwin, win)
	if p.TCPFlags&packet.TCPAck != 0 {
		rcv.maxend = seqMax(rcv.maxend, ack+win)
	}
	return true
}

// acceptable is the range check of a segment [seq, end) from snd to rcv.
func acceptable(snd, rcv *tcpSide, seq, end uint32) bool {
	lowest := snd.end - rcv.maxwin
	highest := snd.maxend + rcv.maxwin
	return !before(end, lowest) && !before(highest, seq)
}

// synWindowScale returns the window scale option of a SYN's TCP header, or
// -1 (RFC 7323 §2.2; shifts above 14 are taken as 14).
func synWindowScale(hdr []byte) int8 {
	for i := 20; i < len(hdr); {
		switch kind := hdr[i]; kind {
		case 0:
			return -1
		case 1:
			i++
			continue
		case 3:
			if i+2 < len(hdr) && hdr[i+1] == 3 {
				return int8(min(hdr[i+2], 14))
			}
			return -1
		}
		if i+1 >= len(hdr) || hdr[i+1] < 2 {
			return -1
		}
		i += int(hdr[i+1])
	}
	return -1
}

// dropOutOfWindow counts a dropped segment and logs it, at most once a
// second (the count says how many). Caller holds cb.mu.
func (cb *cbac) dropOutOfWindow(p *packet.Parsed, now int64) {
	cb.ctr.outOfWindow++
	cb.oowSince++
	if now-cb.lastOOWLog < int64(time.Second) && cb.lastOOWLog != 0 {
		return
	}
	cb.lastOOWLog = now
	cb.logf("%%FW-6-DROP_PKT: Dropping tcp pkt %s => %s due to Out-Of-Window segment (%d since last message)",
		netip.AddrPortFrom(p.Src, p.SrcPort), netip.AddrPortFrom(p.Dst, p.DstPort), cb.oowSince)
	cb.oowSince = 0
}
