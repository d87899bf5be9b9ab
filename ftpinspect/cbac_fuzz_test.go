package ftpinspect

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
)

// FuzzCBACSequence drives random packets of a few flows (TCP with any
// flags and sequence numbers in both directions, UDP, ICMP echo), random
// limits and clock steps through a small session table: it never panics,
// the table stays within its bound and its counts and lists agree.
func FuzzCBACSequence(f *testing.F) {
	f.Add([]byte{2, 1, 1, 0, 0, 0x02, 0, 0, 1, 0x12, 0, 0, 0, 0x10, 1, 0, 0, 0x11, 0, 0, 1, 0x11, 0, 6})
	f.Add([]byte{1, 2, 0, 1, 0, 0x02, 0, 0, 2, 0x02, 0, 0, 3, 0x02, 0, 0, 4, 0x02, 0, 0, 5, 0x02, 0, 70})
	f.Add([]byte{0, 0, 0, 5, 1, 0, 0, 0, 6, 0x02, 0, 0, 6, 0x04, 0xff, 0xff, 7, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 3 {
			return
		}
		l := newCBACLab(t)
		l.cb.max = 6
		l.cb.lim = limits{maxIncHigh: int(data[0] % 5), maxIncLow: int(data[0] % 3), oneMinHigh: int(data[1] % 9),
			oneMinLow: int(data[1] % 4), hostMax: int(data[2] % 3), blockMinutes: int(data[2] % 2)}
		var seq [16][2]uint32
		for ops := data[3:]; len(ops) >= 5; ops = ops[5:] {
			flow, flags := int(ops[0]%16), ops[1]
			back := ops[0]&0x80 != 0
			dir := 0
			if back {
				dir = 1
			}
			seq[flow][dir] += uint32(ops[2])<<8 | uint32(ops[3])
			payload := ""
			if ops[4]&1 != 0 {
				payload = "data"
			}
			l.now = l.now.Add(time.Duration(ops[4]>>1) * time.Second)
			cli := fmt.Sprintf("203.0.113.1:%d", 41000+flow)
			srv := fmt.Sprintf("198.51.100.%d:80", 1+flow%3)
			switch flow % 4 {
			case 3: // UDP and ICMP flows share the table
				l.other(back, flow, cli, srv)
			default:
				src, dst := cli, srv
				if back {
					src, dst = srv, cli
				}
				l.seg(!back, src, dst, seq[flow][dir], seq[flow][1-dir], flags&0x3f, payload)
			}
			if ops[4] == 0xff {
				l.cb.sweep()
			}
			checkCBAC(t, l.cb)
		}
		l.cb.stats()
		checkCBAC(t, l.cb)
	})
}

// other sends a UDP datagram or an ICMP echo (request out, reply back).
func (l *cbacLab) other(back bool, flow int, cli, srv string) {
	b := make([]byte, 128)
	c, s := parseAP(cli), parseAP(srv)
	var n int
	switch {
	case flow%2 == 1 && !back:
		n = packet.BuildUDP(b, c.Addr(), s.Addr(), c.Port(), 53, 1, 64, 8, nil)
	case flow%2 == 1:
		n = packet.BuildUDP(b, s.Addr(), c.Addr(), 53, c.Port(), 1, 64, 8, nil)
	case !back:
		n = packet.BuildEcho(b, packet.ICMPEcho, c.Addr(), s.Addr(), uint16(flow), 1, 1, 64, 8, nil)
	default:
		n = packet.BuildEcho(b, packet.ICMPEchoReply, s.Addr(), c.Addr(), uint16(flow), 1, 1, 64, 8, nil)
	}
	l.send(!back, b[:n])
}

// checkCBAC verifies the table's bound and that its counts and lists
// agree with its sessions.
func checkCBAC(t *testing.T, cb *cbac) {
	t.Helper()
	cb.mu.Lock()
	defer cb.mu.Unlock()
	if len(cb.sessions) > cb.max || int(cb.count.Load()) != len(cb.sessions) {
		t.Fatalf("%d sessions (count %d), bound %d", len(cb.sessions), cb.count.Load(), cb.max)
	}
	half, term, tcpHalf := 0, 0, map[[4]byte]int{}
	for _, s := range cb.sessions {
		if s.state != sessState(s) {
			t.Fatalf("session %v in state %d, is %d", s.key, s.state, sessState(s))
		}
		switch s.state {
		case stHalf:
			half++
			if s.key.Proto == packet.ProtoTCP {
				tcpHalf[s.key.Dst]++
			}
		case stTerm:
			term++
		}
	}
	n := 0
	for s := cb.halfOpen.head; s != nil; s = s.half.next {
		if n++; n > len(cb.sessions) || cb.sessions[s.key] != s {
			t.Fatalf("half-open list holds a session not in the table")
		}
	}
	if half != cb.nHalf || n != half || term != cb.nTerm {
		t.Fatalf("half-open %d (count %d, list %d), terminating %d (count %d)", half, cb.nHalf, n, term, cb.nTerm)
	}
	for dst, h := range cb.hosts {
		if h.n != tcpHalf[dst] {
			t.Fatalf("host %v: count %d, has %d half-open", dst, h.n, tcpHalf[dst])
		}
		if h.n == 0 && h.blockedUntil == 0 {
			t.Fatalf("host %v kept with nothing to hold", dst)
		}
	}
	if len(cb.hosts) > cb.max+len(tcpHalf) {
		t.Fatalf("%d hosts tracked", len(cb.hosts))
	}
}

func parseAP(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
