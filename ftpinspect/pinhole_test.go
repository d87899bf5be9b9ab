package ftpinspect

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"natlab/packet"
)

// Case 42: the data connection from port 20 (RFC 959's L-1 default).
func TestPinholeSourcePort20(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Fatal("pinhole refused source port 20")
	}
	// The local view (after NAT's DNAT) is related too.
	if !h.related(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrC, 50000), 78, 1, packet.TCPAck, "data") {
		t.Error("data packet in the local view not related")
	}
}

// §9 case 61: a fragmented control segment is never inspected piecewise.
func TestFragmentDropped(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	b, n := buildSeg(cliC, srvR, 1000, 5000, packet.TCPAck, []byte("PORT 10,0,0,10,195,80\r\n"), nil)
	b[6] |= 0x20 // more fragments
	b[10], b[11] = 0, 0
	sum := checksumIP(b[:20])
	b[10], b[11] = byte(sum>>8), byte(sum)
	if r := h.in.ProcessIPv4(b, n); !r.Drop {
		t.Error("first fragment of a control segment passed")
	}
}

func checksumIP(hdr []byte) uint16 {
	var s uint32
	for i := 0; i < len(hdr); i += 2 {
		s += uint32(hdr[i])<<8 | uint32(hdr[i+1])
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

// §9 case 51: no inspection on a port that is not configured; case 52's
// mechanism: the configured port set.
func TestPorts(t *testing.T) {
	srv2121 := netip.MustParseAddrPort("198.51.100.50:2121")
	h := openHarness(t, Config{}, cliC, srv2121, newFakeNAT())
	line := "PORT 10,0,0,10,195,80\r\n"
	if out := h.data(0, 0, line); string(out.payload) != line {
		t.Errorf("port 2121 inspected by default: %q", out.payload)
	}
	h = openHarness(t, Config{Ports: []uint16{21, 2121}}, cliC, srv2121, newFakeNAT())
	if out := h.data(0, 0, line); string(out.payload) == line {
		t.Error("configured port 2121 not inspected")
	}
}

// §9 case 56: EPSV ALL, then a PORT the server refuses: its pinhole and NAT
// mapping go away with the 5xx reply.
func TestRefusedPORTClosesPinhole(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "EPSV ALL\r\n")
	h.data(1, 0, "200 EPSV ALL ok.\r\n")
	h.data(0, 10, "PORT 10,0,0,10,195,80\r\n")
	if h.in.Stats().Pinholes != 1 {
		t.Fatal("no pinhole after PORT")
	}
	h.data(1, 18, "520 PORT not allowed after EPSV ALL.\r\n")
	if s := h.in.Stats(); s.Pinholes != 0 || len(h.nat.used) != 0 || len(h.nat.unmapped) != 1 {
		t.Errorf("after 5xx: stats %+v nat %v", s, h.nat.used)
	}
}

// §9 case 34: two inside clients announce the same port to R: the second
// gets another global port, and its PORT is rewritten with it.
func TestPortCollision(t *testing.T) {
	nat := newFakeNAT()
	h1 := openHarness(t, Config{}, cliC, srvR, nat)
	h1.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	h2 := openHarness(t, Config{}, netip.MustParseAddrPort("10.0.0.11:40000"), srvR, nat)
	out := h2.data(0, 0, "PORT 10,0,0,11,195,80\r\n")
	if got := string(out.payload); got != "PORT 203,0,113,1,4,0\r\n" { // 1024
		t.Errorf("second client: %q", got)
	}
	if !h2.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 1024)) {
		t.Error("no pinhole on the allocated port")
	}
}

// NAT without a free port: no rewrite, no pinhole, logged.
func TestNATFailure(t *testing.T) {
	nat := newFakeNAT()
	nat.fail = true
	h := openHarness(t, Config{}, cliC, srvR, nat)
	line := "PORT 10,0,0,10,195,80\r\n"
	if out := h.data(0, 0, line); string(out.payload) != line || !h.hasEvent(EvNATFailure) {
		t.Errorf("%q %v", out.payload, h.eventKinds())
	}
}

// Without NAT nothing is rewritten and the pinhole still opens.
func TestNoNAT(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, nil)
	line := "PORT 10,0,0,10,195,80\r\n"
	if out := h.data(0, 0, line); string(out.payload) != line {
		t.Errorf("changed without NAT: %q", out.payload)
	}
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrC, 50000)) {
		t.Error("no pinhole without NAT")
	}
}

// §9 case 43: the pinhole expires (fake clock) and its NAT mapping is
// given back.
func TestPinholeTimeout(t *testing.T) {
	h := openHarness(t, Config{PinholeTimeout: 30 * time.Second}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	h.now = h.now.Add(29 * time.Second)
	if !h.in.Expected(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Fatal("pinhole gone before its timeout")
	}
	h.now = h.now.Add(2 * time.Second)
	if h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Error("expired pinhole accepted a SYN")
	}
	h.in.Sweep()
	if s := h.in.Stats(); s.Pinholes != 0 || s.PinholesExpired != 1 || len(h.nat.unmapped) != 1 {
		t.Errorf("after sweep: %+v unmapped %v", s, h.nat.unmapped)
	}
}

// §9 case 44 (decided: cap per connection, default 4, oldest evicted) and
// case 45 (global cap: counted, no pinhole, line unchanged).
func TestPinholeCaps(t *testing.T) {
	h := openHarness(t, Config{MaxPinholesPerConn: 2, MaxPinholes: 3}, cliC, srvR, newFakeNAT())
	off := 0
	for _, p := range []string{"195,80", "195,81", "195,82"} {
		l := "PORT 10,0,0,10," + p + "\r\n"
		h.data(0, off, l)
		off += len(l)
	}
	if s := h.in.Stats(); s.Pinholes != 2 || s.Evictions != 1 {
		t.Fatalf("per-connection cap: %+v", s)
	}
	if h.in.Expected(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Error("oldest pinhole not evicted")
	}
	h2 := newHarness(t, Config{}, netip.MustParseAddrPort("10.0.0.10:40001"), srvR, h.nat)
	h2.in = h.in
	h2.open()
	h2.data(0, 0, "PORT 10,0,0,10,195,90\r\n")
	h3 := newHarness(t, Config{}, netip.MustParseAddrPort("10.0.0.10:40002"), srvR, h.nat)
	h3.in = h.in
	h3.events = nil
	h3.open()
	line := "PORT 10,0,0,10,195,91\r\n"
	if out := h3.data(0, 0, line); string(out.payload) != line {
		t.Errorf("line rewritten without a pinhole: %q", out.payload)
	}
	if s := h.in.Stats(); s.Pinholes != 3 || s.TableFull != 1 {
		t.Errorf("global cap: %+v", s)
	}
}

// §9 case 49, 50: a RST on the control connection removes its pending
// pinholes; an open data connection is not affected.
func TestControlRST(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,0,10,195,80\r\nPORT 10,0,0,10,195,81\r\n")
	if !h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Fatal("no pinhole")
	}
	h.packet(0, 1048, h.acked(1), packet.TCPRst|packet.TCPAck, nil, nil)
	s := h.in.Stats()
	if s.Pinholes != 0 || s.Conns != 0 || s.DataFlows != 1 {
		t.Errorf("after RST: %+v", s)
	}
	if !h.related(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000), 78, 1, packet.TCPAck, "x") {
		t.Error("data connection lost with its control connection")
	}
}

// Debug output: ftp-cmd and ftp-tokens lines, off by default.
func TestDebugOutput(t *testing.T) {
	h := openHarness(t, Config{}, cliR, srvS, newFakeNAT())
	h.data(0, 0, "PASV\r\n")
	if len(h.debug) != 0 {
		t.Fatalf("debug output while off: %q", h.debug)
	}
	h.in.SetDebug(true, true)
	h.data(0, 6, "PASV\r\n")
	h.data(1, 0, "227 Entering Passive Mode (10,0,0,20,156,64)\r\n")
	want := []string{
		`CBAC FTP: cmd 198.51.100.50:45000 => 10.0.0.20:21 "PASV"`,
		`CBAC FTP: reply 10.0.0.20:21 => 198.51.100.50:45000 "227 Entering Passive Mode (10,0,0,20,156,64)"`,
		"CBAC FTP: tokens 227: ip 10,0,0,20 = 10.0.0.20",
		"CBAC FTP: tokens 227: port 156*256+64 = 40000",
	}
	if !slices.Equal(h.debug, want) {
		t.Errorf("debug\n%q\nwant\n%q", h.debug, want)
	}
}

// Events render as IOS syslog messages.
func TestEventMessage(t *testing.T) {
	e := Event{Kind: EvPrivilegedPort, Client: cliC, Server: srvR, What: "PORT", Addr: addrC, Port: 25}
	if got, want := e.Message(), "%FW-3-FTP_PRIV_PORT: Privileged port 25 used in PORT -- FTP client 10.0.0.10 FTP server 198.51.100.50"; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
	e = Event{Kind: EvAddressMismatch, Client: cliC, Server: srvR, What: "PORT", Addr: netip.MustParseAddr("198.51.100.99")}
	if got, want := e.Message(), "%FW-3-FTP_NON_MATCHING_IP_ADDR: Non-matching address 198.51.100.99 used in PORT -- FTP client 10.0.0.10 FTP server 198.51.100.50"; got != want {
		t.Errorf("%s\nwant %s", got, want)
	}
}

// §9 case 60: an ICMP error quoting a segment sent after a rewrite carries
// the receiver's numbering; it is mapped back for the sender.
func TestICMPErrorSeq(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	b, n := buildSeg(cliC, srvR, 1025, 5000, packet.TCPAck, []byte("NOOP\r\n"), nil) // as the server saw it
	e := make([]byte, 2048)
	en := packet.BuildICMPError(e, packet.ICMPDestUnreachable, packet.ICMPFragNeeded, netip.MustParseAddr("198.51.100.1"), b[:n], 576, 9)
	h.in.ProcessIPv4(e, en)
	var p packet.Parsed
	if p.Decode(e[:en]) != packet.OK || packet.Checksum(e[p.L4Off:en], 0) != 0xffff {
		t.Fatal("ICMP checksum wrong after the mapping")
	}
	if got := packet.TCP(e[p.PayloadOff+20:]).Seq(); got != 1023 {
		t.Errorf("quoted seq %d, want 1023", got)
	}
}

// The audit trail: start and stop of the control connection and of the
// data connection that used its pinhole, with the bytes each side sent.
func TestAuditTrail(t *testing.T) {
	var got []string
	h := openHarness(t, Config{Audit: func(e SessionEvent) { got = append(got, e.AuditMessage()) }}, cliC, srvR, newFakeNAT())
	h.data(0, 0, "PORT 10,0,0,10,195,80\r\n")
	h.data(1, 0, "200 PORT command successful.\r\n")
	h.dataSYN(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000))
	b, n := buildSeg(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000), 78, 1, packet.TCPRst|packet.TCPAck, []byte("xyz"), nil)
	h.in.ProcessIPv4(b, n)
	h.packet(0, 1023, h.acked(1), packet.TCPRst|packet.TCPAck, nil, nil)
	want := []string{
		"%FW-6-SESS_AUDIT_TRAIL_START: Start ftp session: initiator (10.0.0.10:40000) -- responder (198.51.100.50:21)",
		"%FW-6-SESS_AUDIT_TRAIL_START: Start ftp-data session: initiator (198.51.100.50:20) -- responder (10.0.0.10:50000)",
		"%FW-6-SESS_AUDIT_TRAIL: Stop ftp-data session: initiator (198.51.100.50:20) sent 3 bytes -- responder (10.0.0.10:50000) sent 0 bytes",
		"%FW-6-SESS_AUDIT_TRAIL: Stop ftp session: initiator (10.0.0.10:40000) sent 23 bytes -- responder (198.51.100.50:21) sent 30 bytes",
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit trail\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// §9 case 27: a retransmission of the rewritten line refreshes its
// pinhole (without a second one).
func TestRetransmissionRefreshesPinhole(t *testing.T) {
	h := openHarness(t, Config{PinholeTimeout: 300 * time.Second}, cliC, srvR, newFakeNAT())
	line := "PORT 10,0,0,10,195,80\r\n"
	h.data(0, 0, line)
	h.now = h.now.Add(200 * time.Second)
	h.data(0, 0, line)
	h.now = h.now.Add(200 * time.Second)
	if !h.in.Expected(netip.MustParseAddrPort("198.51.100.50:20"), netip.AddrPortFrom(addrG, 50000)) {
		t.Error("pinhole not refreshed by the retransmission")
	}
	if s := h.in.Stats(); s.PinholesOpened != 1 {
		t.Errorf("stats %+v", s)
	}
}

// More unacknowledged rewrites than the edit list holds: the extra line
// passes unrewritten and is logged; the stream stays consistent.
func TestEditListFull(t *testing.T) {
	h := openHarness(t, Config{MaxPinholesPerConn: 16, MaxPinholes: 64}, cliC, srvR, newFakeNAT())
	off := 0
	for i := 0; i <= maxEdits; i++ {
		l := "PORT 10,0,0,10,195," + strconv.Itoa(80+i) + "\r\n"
		h.data(0, off, l)
		off += len(l)
	}
	if !h.hasEvent(EvNotRewritable) {
		t.Errorf("events %v", h.eventKinds())
	}
	got := h.rx[0].stream()
	if n := strings.Count(got, "203,0,113,1"); n != maxEdits {
		t.Errorf("%d lines rewritten, want %d:\n%s", n, maxEdits, got)
	}
	// Once acknowledged, rewriting resumes.
	h.packet(1, 5000, h.acked(0), packet.TCPAck, nil, nil)
	if out := h.data(0, off, "PORT 10,0,0,10,196,1\r\n"); !strings.Contains(string(out.payload), "203,0,113,1") {
		t.Errorf("after the ACK: %q", out.payload)
	}
}

// TestThousandConnectionsLeaveNothing: 1,000 control connections each announce a data endpoint; once
// the pinholes and the idle control connections time out, a sweep leaves no state and gives every NAT
// data mapping back.
func TestThousandConnectionsLeaveNothing(t *testing.T) {
	nat := newFakeNAT()
	first := newHarness(t, Config{PinholeTimeout: 300 * time.Second, ConnIdle: time.Hour}, cliC, srvR, nat)
	for c := 0; c < 1000; c++ {
		h := first
		if c > 0 {
			h = &harness{t: t, nat: nat, in: first.in, now: first.now, cli: netip.AddrPortFrom(addrC, uint16(20000+c)), srv: srvR,
				isn: [2]uint32{999, 4999}, rx: [2]*reasm{{base: 1000}, {base: 5000}}}
		}
		h.open()
		h.data(0, 0, "PORT 10,0,0,10,"+itoa(100+c/256)+","+itoa(c%256)+"\r\n")
	}
	if s := first.in.Stats(); s.Conns != 1000 || s.Pinholes != 1000 {
		t.Fatalf("after 1,000 announcements: %+v", s)
	}
	first.now = first.now.Add(301 * time.Second)
	first.in.Sweep()
	if s := first.in.Stats(); s.Pinholes != 0 || s.PinholesExpired != 1000 {
		t.Fatalf("after the pinhole timeout: %+v", s)
	}
	first.now = first.now.Add(time.Hour)
	first.in.Sweep()
	if s := first.in.Stats(); s.Conns != 0 || s.Pinholes != 0 || s.DataFlows != 0 {
		t.Fatalf("after the idle timeout: %+v", s)
	}
	if len(nat.unmapped) != 1000 {
		t.Errorf("NAT data mappings given back: %d, want 1000", len(nat.unmapped))
	}
}
