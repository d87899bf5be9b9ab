package ftpinspect

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/packet"
	"natlab/router"
)

// cbacLab is a session table with an outbound tcp, udp and icmp rule on
// Gi0/1, a clock the test moves and the log it writes.
type cbacLab struct {
	t        testing.TB
	cb       *cbac
	in0, in1 *router.Interface
	now      time.Time
	log      []string
}

func newCBACLab(t testing.TB) *cbacLab {
	r := router.New(router.Options{Interfaces: 2})
	t.Cleanup(func() { r.Close() })
	l := &cbacLab{t: t, cb: &cbac{}, in0: r.Interface("GigabitEthernet0/0"), in1: r.Interface("GigabitEthernet0/1"),
		now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l.cb.init(func() time.Time { return l.now })
	l.cb.log = func(m string) { l.log = append(l.log, m) }
	rules := &ruleSet{protos: []*rule{{proto: "tcp", timeout: 3600}, {proto: "udp", timeout: 30}, {proto: "icmp", timeout: 10}}}
	l.cb.snap.Store(&cbacSnap{in: map[int]*ruleSet{}, out: map[int]*ruleSet{l.in1.Index(): rules}})
	return l
}

// seg sends a TCP segment through the stage its direction runs at (out:
// from Gi0/0 out of Gi0/1, StageInspect; back: return traffic,
// StageInspectReturn) and returns the verdict and whether it was marked.
func (l *cbacLab) seg(out bool, src, dst string, seq, ack uint32, flags uint8, payload string) (router.Verdict, bool) {
	b, n := buildSeg(netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst), seq, ack, flags, []byte(payload), nil)
	return l.send(out, b[:n])
}

// send passes a packet through the stage its direction runs at.
func (l *cbacLab) send(out bool, b []byte) (router.Verdict, bool) {
	p := &router.Packet{Buf: b, In: l.in0, Out: l.in1}
	if !out {
		p.In, p.Out = l.in1, l.in0
	}
	if p.P.Decode(p.Buf) != packet.OK {
		l.t.Fatal("bad packet")
	}
	if out {
		return l.cb.create(p), false
	}
	v := l.cb.ret(p)
	return v, p.Mark&router.MarkPermit != 0
}

// TestCBACTableFullEvictsHalfOpen: a full table makes room by evicting its
// oldest half-open session (conntrack's early drop); full of established
// sessions, it drops the new flow; both are counted.
func TestCBACTableFullEvictsHalfOpen(t *testing.T) {
	l := newCBACLab(t)
	l.cb.max = 3
	// Two established sessions, one half-open.
	for i := 0; i < 2; i++ {
		src := fmt.Sprintf("203.0.113.1:%d", 41000+i)
		l.seg(true, src, "198.51.100.1:80", 1, 0, packet.TCPSyn, "")
		if _, ok := l.seg(false, "198.51.100.1:80", src, 100, 2, packet.TCPSyn|packet.TCPAck, ""); !ok {
			t.Fatal("SYN-ACK not return traffic")
		}
	}
	l.seg(true, "203.0.113.1:42000", "198.51.100.1:80", 1, 0, packet.TCPSyn, "")
	if v, _ := l.seg(true, "203.0.113.1:42001", "198.51.100.1:80", 1, 0, packet.TCPSyn, ""); v != router.Accept {
		t.Fatal("new flow dropped though a half-open session could go")
	}
	if _, ok := l.seg(false, "198.51.100.1:80", "203.0.113.1:42000", 100, 2, packet.TCPSyn|packet.TCPAck, ""); ok {
		t.Error("the evicted half-open session still matches")
	}
	l.seg(false, "198.51.100.1:80", "203.0.113.1:42001", 100, 2, packet.TCPSyn|packet.TCPAck, "")
	if v, _ := l.seg(true, "203.0.113.1:42002", "198.51.100.1:80", 1, 0, packet.TCPSyn, ""); v != router.Drop {
		t.Error("new flow accepted into a table full of established sessions")
	}
	if st := l.cb.stats(); st.evicted != 1 || st.tableFull != 1 || st.total != 3 {
		t.Errorf("stats %+v", st)
	}
}

// TestCBACWindowCheck: segments far outside the receiver's window are
// dropped, counted and logged at most once a second; in-window data,
// retransmissions, keepalives and a scaled window pass.
func TestCBACWindowCheck(t *testing.T) {
	l := newCBACLab(t)
	const c, s = "203.0.113.1:41000", "198.51.100.1:80"
	l.seg(true, c, s, 1000, 0, packet.TCPSyn, "")
	l.seg(false, s, c, 5000, 1001, packet.TCPSyn|packet.TCPAck, "")
	tests := []struct {
		name     string
		out      bool
		seq, ack uint32
		flags    uint8
		payload  string
		pass     bool
	}{
		{"ack", true, 1001, 5001, packet.TCPAck, "", true},
		{"data", true, 1001, 5001, packet.TCPAck | packet.TCPPsh, "GET / HTTP/1.0\r\n\r\n", true},
		{"retransmission", true, 1001, 5001, packet.TCPAck | packet.TCPPsh, "GET / HTTP/1.0\r\n\r\n", true},
		{"keepalive", true, 1018, 5001, packet.TCPAck, "", true},
		{"reply", false, 5001, 1019, packet.TCPAck | packet.TCPPsh, strings.Repeat("x", 1000), true},
		{"far ahead", true, 1019 + 1<<20, 5001, packet.TCPAck, "x", false},
		{"far behind", false, 5001 + 1<<31, 1019, packet.TCPAck, "x", false},
		{"far ahead again", true, 1019 + 1<<24, 5001, packet.TCPAck, "x", false},
		{"after", true, 1019, 6001, packet.TCPAck, "", true},
	}
	for _, tt := range tests {
		src, dst := c, s
		if !tt.out {
			src, dst = s, c
		}
		v, _ := l.seg(tt.out, src, dst, tt.seq, tt.ack, tt.flags, tt.payload)
		if (v == router.Accept) != tt.pass {
			t.Errorf("%s: verdict %v, want pass %v", tt.name, v, tt.pass)
		}
	}
	if st := l.cb.stats(); st.outOfWindow != 3 {
		t.Errorf("%d segments counted out of window, want 3", st.outOfWindow)
	}
	if len(l.log) != 1 || !strings.HasPrefix(l.log[0], "%FW-6-DROP_PKT: Dropping tcp pkt 203.0.113.1:41000 => 198.51.100.1:80 due to Out-Of-Window segment") {
		t.Errorf("log %q", l.log)
	}
}

// TestSynWindowScale: the window scale option of a SYN.
func TestSynWindowScale(t *testing.T) {
	hdr := func(opts ...byte) []byte { return append(make([]byte, 20), opts...) }
	tests := []struct {
		hdr  []byte
		want int8
	}{
		{hdr(), -1},
		{hdr(2, 4, 5, 180, 1, 3, 3, 7), 7},
		{hdr(3, 3, 20, 0), 14},
		{hdr(1, 1, 0, 3, 3, 7), -1},
		{hdr(2, 0), -1},
		{hdr(3, 3), -1},
	}
	for _, tt := range tests {
		if got := synWindowScale(tt.hdr); got != tt.want {
			t.Errorf("%v: %d, want %d", tt.hdr[20:], got, tt.want)
		}
	}
}
