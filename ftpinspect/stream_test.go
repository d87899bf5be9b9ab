package ftpinspect

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"natlab/packet"
)

// §9 case 1 and §1.7: PORT from C behind PAT grows by 2 bytes, a pinhole
// R:* -> G:50000 opens (case 42: any source port), is used once (case 40)
// and only by R (case 41).
func TestPORTBehindPAT(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	out := h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	if got, want := string(out.payload), "PORT 203,0,113,1,195,80\r\n"; got != want {
		t.Fatalf("payload %q, want %q", got, want)
	}
	if out.seq != 1000 {
		t.Errorf("seq %d, want 1000", out.seq)
	}
	if s := h.in.Stats(); s.Pinholes != 1 || s.Rewrites != 1 {
		t.Fatalf("stats %+v", s)
	}
	g := netip.AddrPortFrom(addrG, 50000)
	if h.dataSYN(netip.MustParseAddrPort("198.51.100.99:20"), g) {
		t.Error("pinhole accepted a host that is not the control peer")
	}
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:40001"), g) {
		t.Fatal("pinhole refused the control peer from port 40001")
	}
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:40001"), g) {
		t.Error("retransmitted data SYN not related")
	}
	if h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), g) {
		t.Error("pinhole used twice")
	}
	if s := h.in.Stats(); s.PinholesUsed != 1 || s.Pinholes != 0 || s.DataFlows != 1 {
		t.Errorf("stats %+v", s)
	}
}

// §9 case 23 and §3.8's worked example: +2 at client seq 1000; later seq,
// acks and (case 25) SACK blocks are mapped; older acks are not.
func TestSeqAckSACKAdjust(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,0,10,195,80\r\n") // 23 bytes at 1000 -> 25
	if out := h.data(0, 23, "NOOP\r\nX\n"); out.seq != 1025 {
		t.Errorf("next client seq %d, want 1025", out.seq)
	}
	out := h.packet(1, 5000, 1000, packet.TCPAck, nil, [][2]uint32{{1025, 1033}, {900, 950}})
	if want := [][2]uint32{{1023, 1031}, {900, 950}}; !slices.Equal(out.sack, want) {
		t.Errorf("SACK %v, want %v", out.sack, want)
	}
	// Acknowledgments before, inside and after the rewritten text.
	for _, tc := range []struct{ in, want uint32 }{{1000, 1000}, {1005, 1005}, {1010, 1005}, {1025, 1023}, {1033, 1031}} {
		out := h.packet(1, 5000, tc.in, packet.TCPAck, nil, nil)
		if out.ack != tc.want {
			t.Errorf("server ack %d -> %d, want %d", tc.in, out.ack, tc.want)
		}
	}
}

// §9 case 24: a shrinking rewrite (192.168.100.200 -> 1.2.3.4, -8 bytes).
func TestShrinkingRewrite(t *testing.T) {
	cli := netip.MustParseAddrPort("192.168.100.200:40000")
	h := openHarness(t, Config{}, cli, srvR, newFakeNAT())
	out := h.data(0, 0, "PORT 192,168,100,200,195,80\r\n")
	if got := string(out.payload); got != "PORT 1,2,3,4,195,80\r\n" {
		t.Fatalf("payload %q", got)
	}
	if out := h.data(0, 29, "NOOP\r\n"); out.seq != 1029-8 {
		t.Errorf("seq %d, want %d", out.seq, 1029-8)
	}
	if out := h.packet(1, 5000, 1021+6, packet.TCPAck, nil, nil); out.ack != 1035 {
		t.Errorf("ack %d, want 1035", out.ack)
	}
}

// §9 cases 3-6: 227 forms from S behind static NAT, answering PASV.
func Test227StaticNAT(t *testing.T) {
	for _, tc := range []struct{ reply, want string }{
		{"227 Entering Passive Mode (10,0,0,20,156,64)\r\n", "227 Entering Passive Mode (203,0,113,20,156,64)\r\n"},
		{"227 Entering passive mode. 10,0,0,20,156,64\r\n", "227 Entering passive mode. 203,0,113,20,156,64\r\n"},
		{"227 10,0,0,20,156,64\r\n", "227 203,0,113,20,156,64\r\n"},
		{"227 Data transfer will passively listen to 10,0,0,20,156,64\r\n", "227 Data transfer will passively listen to 203,0,113,20,156,64\r\n"},
		{"227 Entering Passive Mode (10,0,0,20,156,64).\n", "227 Entering Passive Mode (203,0,113,20,156,64).\n"},
	} {
		h := openHarness(t, Config{}, cliR, srvS, newFakeNAT())
		h.data(0, 0, "PASV\r\n")
		out := h.data(1, 0, tc.reply)
		if string(out.payload) != tc.want {
			t.Errorf("%q -> %q, want %q", tc.reply, out.payload, tc.want)
			continue
		}
		if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:45001"), netip.MustParseAddrPort("203.0.113.20:40000")) {
			t.Errorf("%q: no pinhole to Sg:40000", tc.reply)
		}
	}
}

// §9 case 22 and 16: a 227 that answers no PASV opens nothing, including
// one arranged by echo injection (CVE-2002-1978).
func TestUnpaired227(t *testing.T) {
	h := openHarness(t, Config{}, cliR, srvS, newFakeNAT())
	h.data(0, 0, "XYZ \r\n")
	reply := "227 Entering Passive Mode (10,0,0,20,0,25)\r\n"
	out := h.data(1, 0, reply)
	if string(out.payload) != reply {
		t.Errorf("unpaired 227 changed: %q", out.payload)
	}
	if h.in.Stats().Pinholes != 0 || !h.hasEvent(EvUnpairedReply) {
		t.Errorf("pinholes %d events %v", h.in.Stats().Pinholes, h.eventKinds())
	}
	// A 227 as the inner line of a multi-line error reply is text.
	h.data(0, 6, "PASV\r\n")
	multi := "500-'XYZ': unknown\r\n227 Entering Passive Mode (10,0,0,20,156,64)\r\n500 end\r\n"
	out = h.data(1, len(reply), multi)
	if string(out.payload) != multi || h.in.Stats().Pinholes != 0 {
		t.Errorf("multi-line reply: %q, pinholes %d", out.payload, h.in.Stats().Pinholes)
	}
}

// §9 case 7: "227 Logout." is passed on, not dropped, no pinhole.
func Test227NoNumbers(t *testing.T) {
	h := openHarness(t, Config{}, cliR, srvS, newFakeNAT())
	h.data(0, 0, "PASV\r\n")
	out := h.data(1, 0, "227 Logout.\r\n")
	if out.drop || string(out.payload) != "227 Logout.\r\n" || !h.hasEvent(EvMalformed) {
		t.Errorf("out %+v events %v", out, h.eventKinds())
	}
	fin := h.packet(1, 5013, h.acked(0), packet.TCPFin|packet.TCPAck, nil, nil)
	if fin.drop || fin.flags&packet.TCPFin == 0 {
		t.Errorf("FIN after 227 Logout: %+v", fin)
	}
}

// §9 cases 8, 9, 35: 229 is unchanged while the global port is free; on a
// collision it is rewritten to the allocated port with its delimiter kept.
func Test229(t *testing.T) {
	nat := newFakeNAT()
	h := openHarness(t, Config{}, cliR, srvS, nat)
	h.data(0, 0, "EPSV\r\n")
	reply := "229 Entering Extended Passive Mode (|||40000|)\r\n"
	if out := h.data(1, 0, reply); string(out.payload) != reply {
		t.Errorf("229 changed: %q", out.payload)
	}
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:45001"), netip.MustParseAddrPort("203.0.113.20:40000")) {
		t.Error("no pinhole for 229")
	}
	// A second server behind the same global address offers 40000 too.
	s2 := netip.MustParseAddrPort("10.0.0.21:21")
	h2 := openHarness(t, Config{}, cliR, s2, nat)
	h2.data(0, 0, "EPSV\r\n")
	out := h2.data(1, 0, "229 Entering Extended Passive Mode (!!!40000!).\r\n")
	if got, want := string(out.payload), "229 Entering Extended Passive Mode (!!!1024!).\r\n"; got != want {
		t.Errorf("collision: %q, want %q", got, want)
	}
	if next := h2.packet(1, 5000+uint32(len("229 Entering Extended Passive Mode (!!!40000!).\r\n")), h2.acked(0), packet.TCPAck, nil, nil); next.seq != 5000+48 {
		t.Errorf("seq after -1 byte rewrite %d", next.seq)
	}
}

// §9 case 10: EPRT |1| behind PAT, +2 bytes.
func TestEPRT(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	out := h.data(0, 0, "EPRT |1|10.0.0.10|50000|\r\n")
	if got := string(out.payload); got != "EPRT |1|203.0.113.1|50000|\r\n" {
		t.Fatalf("payload %q", got)
	}
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Error("no pinhole for EPRT")
	}
}

// §9 cases 11, 12, 14, 15, 17, 18, 20, 21: refused announcements pass
// unchanged, open nothing and are logged.
func TestRefusedAnnouncements(t *testing.T) {
	for _, tc := range []struct {
		name   string
		dir    int
		before string // a client command first (for replies)
		line   string
		event  EventKind
	}{
		{"bounce", 0, "", "PORT 198,51,100,99,0,25\r\n", EvAddressMismatch},
		{"bounce high port", 0, "", "PORT 198,51,100,99,195,80\r\n", EvAddressMismatch},
		{"privileged", 0, "", "PORT 10,0,0,10,0,25\r\n", EvPrivilegedPort},
		{"octet 300", 0, "", "PORT 10,0,0,300,195,80\r\n", EvMalformed},
		{"five fields", 0, "", "PORT 10,0,0,10,195\r\n", EvMalformed},
		{"seven fields", 0, "", "PORT 10,0,0,10,195,80,1\r\n", EvMalformed},
		{"eprt ipv6", 0, "", "EPRT |2|2001:db8::1|50000|\r\n", EvMalformed},
		{"lprt", 0, "", "LPRT 4,4,10,0,0,10,2,195,80\r\n", EvUnsupported},
		{"227 from client", 0, "", "227 Entering Passive Mode (10,0,0,10,195,80)\r\n", EvSpoofedReply},
		{"port from server", 1, "", "PORT 10,0,0,20,195,80\r\n", EvSpoofedCommand},
		{"227 third party", 1, "PASV\r\n", "227 Entering Passive Mode (10,0,0,99,156,64)\r\n", EvAddressMismatch},
		{"229 port 0", 1, "EPSV\r\n", "229 Entering Extended Passive Mode (|||0|)\r\n", EvMalformed},
		{"229 port 70000", 1, "EPSV\r\n", "229 Entering Extended Passive Mode (|||70000|)\r\n", EvMalformed},
		{"229 after PASV", 1, "PASV\r\n", "229 Entering Extended Passive Mode (|||40000|)\r\n", EvUnpairedReply},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli, srv := cliC, srvR
			if tc.dir == 1 {
				cli, srv = cliR, srvS
			}
			h := openHarness(t, Config{}, cli, srv, newFakeNAT())
			if tc.before != "" {
				h.data(0, 0, tc.before)
			}
			out := h.data(tc.dir, 0, tc.line)
			if string(out.payload) != tc.line {
				t.Errorf("line changed to %q", out.payload)
			}
			if s := h.in.Stats(); s.Pinholes != 0 {
				t.Errorf("%d pinholes", s.Pinholes)
			}
			if !h.hasEvent(tc.event) {
				t.Errorf("events %v, want %v", h.eventKinds(), tc.event)
			}
			if len(h.nat.used) != 0 {
				t.Errorf("NAT mappings left: %v", h.nat.used)
			}
		})
	}
}

// 227 replies that need no rewrite still open their pinhole:
//   - §9 case 19 (decided: accept, as OVS): a server that already announces
//     its global address (vsftpd pasv_address);
//   - §9 case 36: an outside server answering a PAT'd client (the sender is
//     not translated); the pinhole covers C -> R:port in the local view.
func Test227Unchanged(t *testing.T) {
	tests := []struct {
		name     string
		cli, srv netip.AddrPort
		reply    string
		dataSrc  string // the client's data connection
		dataDst  string
	}{
		{"already global", cliR, srvS, "227 Entering Passive Mode (203,0,113,20,156,64)\r\n", "198.51.100.50:45001", "203.0.113.20:40000"},
		{"from an outside server", cliC, srvR, "227 Entering Passive Mode (198,51,100,50,156,64)\r\n", "10.0.0.10:41000", "198.51.100.50:40000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := openHarness(t, Config{}, tt.cli, tt.srv, newFakeNAT())
			h.data(0, 0, "PASV\r\n")
			if out := h.data(1, 0, tt.reply); string(out.payload) != tt.reply {
				t.Errorf("changed: %q", out.payload)
			}
			if !h.dataSYN(netip.MustParseAddrPort(tt.dataSrc), netip.MustParseAddrPort(tt.dataDst)) {
				t.Error("no pinhole")
			}
		})
	}
}

// §9 case 13: pipelined commands in one segment; only PORT changes.
func TestPipelining(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	out := h.data(0, 0, "TYPE I\r\nPORT 10,0,0,10,195,80\r\nRETR f\r\n")
	if got, want := string(out.payload), "TYPE I\r\nPORT 203,0,113,1,195,80\r\nRETR f\r\n"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// §9 case 57: the first line of the connection is parsed.
func TestFirstLine(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	if out := h.data(0, 0, "PORT 10,0,0,10,195,80\r\n"); !strings.Contains(string(out.payload), "203,0,113,1") {
		t.Errorf("first line not rewritten: %q", out.payload)
	}
}

// §9 cases 29, 30: a line split across segments is rewritten whole in the
// segment that completes it; the earlier segment passes the bytes before
// the numbers and holds the rest back.
func TestSplitLine(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	first := h.data(0, 0, "PORT 10,0,")
	if string(first.payload) != "PORT " || first.drop {
		t.Fatalf("first part: %+v", first)
	}
	second := h.data(0, 10, "0,10,195,80\r\n")
	if string(second.payload) != "203,0,113,1,195,80\r\n" || second.seq != 1005 {
		t.Fatalf("second part: seq %d %q", second.seq, second.payload)
	}
	if got := h.rx[0].stream(); got != "PORT 203,0,113,1,195,80\r\n" {
		t.Errorf("server received %q", got)
	}

	h = openHarness(t, Config{}, cliR, srvS, newFakeNAT())
	h.data(0, 0, "PASV\r\n")
	h.data(1, 0, "227 Entering Passive Mode (10,0,")
	h.data(1, 32, "0,20,156,64)\r\n")
	if got := h.rx[1].stream(); got != "227 Entering Passive Mode (203,0,113,20,156,64)\r\n" {
		t.Errorf("client received %q", got)
	}
}

// §9 case 29 with the smallest MSS: 1-byte segments, no stall.
func TestOneByteSegments(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	stream := "USER a\r\nPORT 10,0,0,10,195,80\r\nEPRT |1|10.0.0.10|50001|\r\nQUIT\r\n"
	for i := 0; i < len(stream); i++ {
		if out := h.data(0, i, stream[i:i+1]); out.drop {
			t.Fatalf("byte %d dropped", i)
		}
	}
	want := "USER a\r\nPORT 203,0,113,1,195,80\r\nEPRT |1|203.0.113.1|50001|\r\nQUIT\r\n"
	if got := h.rx[0].stream(); got != want {
		t.Errorf("server received %q, want %q", got, want)
	}
	// The server's ack of everything maps back to the end of the input.
	if out := h.packet(1, 5000, h.acked(0), packet.TCPAck, nil, nil); out.ack != 1000+uint32(len(stream)) {
		t.Errorf("final ack %d, want %d", out.ack, 1000+len(stream))
	}
}

// §9 case 31: a zero-window probe of 1 byte at a line start is forwarded,
// and the full line that follows is rewritten.
func TestZeroWindowProbe(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	probe := h.data(0, 0, "P")
	if string(probe.payload) != "P" {
		t.Fatalf("probe: %+v", probe)
	}
	again := h.data(0, 0, "P") // the probe repeated
	if string(again.payload) != "P" {
		t.Fatalf("repeated probe: %+v", again)
	}
	out := h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	if got := h.rx[0].stream(); got != "PORT 203,0,113,1,195,80\r\n" {
		t.Errorf("server received %q (last %q)", got, out.payload)
	}
}

// §9 case 27: a retransmission in the same window is byte-identical, adds
// no second delta and no second pinhole.
func TestRetransmission(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	first := h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	again := h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	if string(again.payload) != string(first.payload) || again.seq != first.seq {
		t.Errorf("retransmission %d %q, first %d %q", again.seq, again.payload, first.seq, first.payload)
	}
	if out := h.data(0, 23, "NOOP\r\n"); out.seq != 1025 {
		t.Errorf("seq after retransmission %d, want 1025", out.seq)
	}
	if s := h.in.Stats(); s.Pinholes != 1 || s.PinholesOpened != 1 {
		t.Errorf("stats %+v", s)
	}
}

// §9 cases 26, 28: two rewrites in flight and a later line, then a late
// retransmission of the first: still rewritten identically, right seq.
func TestLateRetransmission(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	l1 := "PORT 10,0,0,10,195,80\r\n"
	l2 := "EPRT |1|10.0.0.10|50001|\r\n"
	l3 := "NOOP\r\n"
	first := h.data(0, 0, l1)
	h.data(0, len(l1), l2)
	h.data(0, len(l1)+len(l2), l3)
	h.data(0, len(l1)+len(l2)+len(l3), "NOOP\r\n")
	late := h.data(0, 0, l1)
	if late.seq != first.seq || string(late.payload) != string(first.payload) {
		t.Errorf("late retransmission %d %q, first %d %q", late.seq, late.payload, first.seq, first.payload)
	}
	second := h.data(0, len(l1), l2)
	if second.seq != 1000+uint32(len(l1))+2 || string(second.payload) != "EPRT |1|203.0.113.1|50001|\r\n" {
		t.Errorf("second retransmitted %d %q", second.seq, second.payload)
	}
	// A retransmission cut differently: from the middle of the first line
	// to the middle of the second. It is widened to whole edits.
	cut := h.packet(0, 1010, h.acked(1), packet.TCPAck, []byte((l1 + l2)[10:35]), nil)
	if cut.seq != 1005 || string(cut.payload) != "203,0,113,1,195,80\r\nEPRT |1|203.0.113.1|50001" {
		t.Errorf("cut retransmission %d %q", cut.seq, cut.payload)
	}
	// Acknowledged edits stay until their slots are needed: the server's ACK may be lost on its way to
	// the client, whose retransmission after it must still come out rewritten (byte-identical).
	h.packet(1, 5000, h.acked(0), packet.TCPAck, nil, nil)
	if n := h.in.conns[packet.TupleOf(packet.ProtoTCP, cliC, srvR)].h[0].adj.n; n != 2 {
		t.Errorf("%d edits kept after the full ack, want 2", n)
	}
	afterAck := h.data(0, 0, l1)
	if afterAck.seq != first.seq || string(afterAck.payload) != string(first.payload) {
		t.Errorf("retransmission after the ACK %d %q, first %d %q", afterAck.seq, afterAck.payload, first.seq, first.payload)
	}
}

// Decision: a retransmission of held bytes (the sender never got an ACK
// for them) passes them on unrewritten rather than stall.
func TestHeldRetransmissionReleased(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,")
	again := h.data(0, 0, "PORT 10,0,")
	if string(again.payload) != "PORT 10,0," || !h.hasEvent(EvReleased) {
		t.Fatalf("retransmission: %q events %v", again.payload, h.eventKinds())
	}
	h.data(0, 10, "0,10,195,80\r\n")
	if got := h.rx[0].stream(); got != "PORT 10,0,0,10,195,80\r\n" {
		t.Errorf("server received %q", got)
	}
	if h.in.Stats().Pinholes != 0 {
		t.Error("pinhole for a line that could not be rewritten")
	}
}

// A FIN in the middle of a line releases the held bytes with it.
func TestFINMidLine(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,")
	fin := h.packet(0, 1010, h.acked(1), packet.TCPFin|packet.TCPAck, nil, nil)
	if fin.flags&packet.TCPFin == 0 || string(fin.payload) != "10,0," || fin.seq != 1005 {
		t.Errorf("FIN segment %d %q flags %#x", fin.seq, fin.payload, fin.flags)
	}
}

// Segments beyond a gap are dropped (the sender resends them in order).
func TestOutOfOrderDropped(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	if out := h.data(0, 10, "0,10,195,80\r\n"); !out.drop {
		t.Fatal("segment beyond a gap passed")
	}
	// A pure ACK beyond the gap still passes (the other direction needs it).
	if out := h.packet(0, 1023, h.acked(1), packet.TCPAck, nil, nil); out.drop {
		t.Error("pure ACK dropped")
	}
	h.data(0, 0, "PORT 10,0,")
	h.data(0, 10, "0,10,195,80\r\n")
	if got := h.rx[0].stream(); got != "PORT 203,0,113,1,195,80\r\n" {
		t.Errorf("server received %q", got)
	}
	if h.in.Stats().OutOfOrder != 1 {
		t.Errorf("stats %+v", h.in.Stats())
	}
}

// §9 case 33: growth never makes a packet exceed MaxPacket; the segment
// is cut at a line end and the rest is resent by the sender.
func TestMaxPacket(t *testing.T) {
	stream := "PORT 10,0,0,10,195,80\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n"
	h := openHarness(t, Config{MaxPacket: 40 + len(stream)}, cliC, srvR, newFakeNAT())
	out := h.data(0, 0, stream)
	if 40+len(out.payload) > 40+len(stream) || len(out.payload) == len(stream)+2 {
		t.Fatalf("packet of %d bytes: not cut at a line end", 40+len(out.payload))
	}
	for off := 0; ; {
		got := h.rx[0].stream()
		_ = got
		sent := int(h.packet(1, 5000, h.acked(0), packet.TCPAck, nil, nil).ack - 1000)
		if sent >= len(stream) {
			break
		}
		if sent <= off {
			t.Fatalf("no progress at %d", sent)
		}
		off = sent
		h.data(0, off, stream[off:])
	}
	if got, want := h.rx[0].stream(), strings.Replace(stream, "10,0,0,10", "203,0,113,1", 1); got != want {
		t.Errorf("received %q, want %q", got, want)
	}
}

// §9 case 54, 55: after AUTH TLS + 234 nothing is parsed (ciphertext that
// happens to look like PORT opens nothing); after the TLS close before
// CCC's clear text, parsing resumes.
func TestAuthTLSAndCCC(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "AUTH TLS\r\n")
	h.data(1, 0, "234 Proceed with negotiation.\r\n")
	if !h.hasEvent(EvTLS) {
		t.Fatal("no TLS event")
	}
	// TLS records: a handshake record whose body contains "\r\nPORT ...".
	body := "\r\nPORT 10,0,0,10,195,80\r\n"
	rec := string([]byte{22, 3, 3, 0, byte(len(body))}) + body
	coff := 10
	if out := h.data(0, coff, rec); string(out.payload) != rec {
		t.Fatalf("TLS record changed: %q", out.payload)
	}
	coff += len(rec)
	if h.in.Stats().Pinholes != 0 {
		t.Fatal("pinhole from ciphertext")
	}
	// CCC and its 200 travel encrypted; then each side sends close_notify
	// (an alert record) and the clear text follows.
	alert := string([]byte{21, 3, 3, 0, 2, 1, 0})
	h.data(0, coff, alert)
	coff += len(alert)
	soff := 31
	h.data(1, soff, alert)
	soff += len(alert)
	if !h.hasEvent(EvTLS) {
		t.Fatal("events")
	}
	out := h.data(0, coff, "PORT 10,0,0,10,195,80\r\n")
	if string(out.payload) != "PORT 203,0,113,1,195,80\r\n" {
		t.Errorf("after CCC: %q", out.payload)
	}
}

// A connection picked up mid-stream (no SYN seen) is parsed from the
// first line end on.
func TestPickup(t *testing.T) {
	h := newHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.rx[0].base = 1000
	line := "ORT 10,0,0,10,195,80\r\n" // the tail of a line: not parsed
	if out := h.packet(0, 1000, 5000, packet.TCPAck, []byte(line), nil); string(out.payload) != line {
		t.Errorf("mid-line data changed: %q", out.payload)
	}
	out := h.packet(0, 1000+uint32(len(line)), 5000, packet.TCPAck, []byte("PORT 10,0,0,10,195,80\r\n"), nil)
	if string(out.payload) != "PORT 203,0,113,1,195,80\r\n" {
		t.Errorf("after pickup: %q", out.payload)
	}
}

// A full-size segment of lines that cannot grow (a long multi-line reply)
// is never cut short.
func TestFullSegmentNotCut(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "STAT\r\n")
	var b strings.Builder
	b.WriteString("211-status\r\n")
	for b.Len() < 1448 {
		b.WriteString(" drwxr-xr-x 2 0 0 4096 Jan 01 00:00 dir\r\n")
	}
	reply := b.String()[:1448]
	if out := h.data(1, 0, reply); len(out.payload) != len(reply) {
		t.Errorf("a %d-byte segment left with %d bytes", len(reply), len(out.payload))
	}
}
