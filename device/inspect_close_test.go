package device

import (
	"strings"
	"testing"
	"time"

	"natlab/packet"
	"natlab/port"
)

// inspectFW is lab E5 with ftp inspection outbound on the outside
// interface: pc1's control connections are inspected and open pinholes.
const inspectFW = `
configure terminal
ip inspect name FW ftp
interface GigabitEthernet0/1
 ip inspect FW out
 end
`

// TestInspectSessionsEndAfterClose: a passive and an active transfer from
// pc1 end with both FINs and the last ACK (then a late retransmitted ACK);
// 45 s later show ip inspect sessions lists no data session, only the
// control connection still open; once that closes too it is gone after the
// finwait time whatever packets follow. A RST ends a session at once.
func TestInspectSessionsEndAfterClose(t *testing.T) {
	l := newE5Lab(t, e5Config)
	if failed := l.run(inspectFW); failed != 0 {
		t.Fatalf("configuration failed:\n%s", l.out.String())
	}
	// Passive: PASV, 227, pc1 connects to the announced endpoint.
	srvSeq := openPASV(t, l)
	transfer(t, l, l.pc1, l.isp, pdata, sdata, sdata, gpdata)

	// Active: PORT (rewritten one byte shorter), the server connects from port 20.
	const port = "PORT 192,168,1,10,11,185\r\n"
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1006, srvSeq, packet.TCPAck|packet.TCPPsh, port)
	const adata, gadata, ladata = "203.0.113.10:20", "203.0.113.1:3001", "192.168.1.10:3001"
	transfer(t, l, l.isp, l.pc1, adata, gadata, ladata, adata)

	if s := l.show("show ip inspect sessions"); strings.Count(s, "ftp-data") != 2 {
		t.Fatalf("data sessions during the linger:\n%s", s)
	}
	l.clock.Advance(2 * time.Second)
	// A retransmitted last ACK of each does not bring them back to life.
	l.exchange(t, l.isp, l.pc1, sdata, gpdata, 2002, 3, packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, ladata, adata, 2002, 3, packet.TCPAck, "")
	l.clock.Advance(43 * time.Second)
	s := l.show("show ip inspect sessions")
	if strings.Contains(s, "ftp-data") {
		t.Errorf("45 s after both transfers ended, data sessions remain:\n%s", s)
	}
	if !strings.Contains(s, " ftp SIS_OPEN") {
		t.Errorf("the open control connection is not listed:\n%s", s)
	}

	// The control connection closes: gone after the 5 s finwait time,
	// although its last ACK is retransmitted 3 s later.
	cliFin := uint32(1006 + len(port))
	l.exchange(t, l.pc1, l.isp, pc1, isp, cliFin, srvSeq, packet.TCPAck|packet.TCPFin, "")
	l.exchange(t, l.isp, l.pc1, isp, gpc1, srvSeq, cliFin, packet.TCPAck|packet.TCPFin, "")
	l.exchange(t, l.pc1, l.isp, pc1, isp, cliFin+1, srvSeq+1, packet.TCPAck, "")
	l.clock.Advance(3 * time.Second)
	l.exchange(t, l.pc1, l.isp, pc1, isp, cliFin+1, srvSeq+1, packet.TCPAck, "")
	l.clock.Advance(3 * time.Second)
	if s := l.show("show ip inspect sessions"); strings.Contains(s, "Session ") {
		t.Errorf("6 s after the control connection closed:\n%s", s)
	}

	// A RST ends a session at once.
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:40100", isp, 1, 0, packet.TCPSyn, "")
	l.exchange(t, l.isp, l.pc1, isp, "203.0.113.1:40100", 9, 2, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, "192.168.1.10:40100", isp, 2, 10, packet.TCPRst|packet.TCPAck, "")
	if s := l.show("show ip inspect sessions"); strings.Contains(s, ":40100") {
		t.Errorf("a session listed after its RST:\n%s", s)
	}
}

// transfer runs a data connection that from opens (src to dst as sent)
// and to accepts (replying from rsrc to rdst as sent): the handshake, 1000
// bytes from the acceptor, both FINs and the acceptor's last ACK.
// The control connection pc1 -> isp:21 (global 203.0.113.1:40000) and the
// passive data endpoint isp's 227 announces, as pc1, its global address
// and the server see the data connection.
const (
	pc1, isp, gpc1       = "192.168.1.10:40000", "203.0.113.10:21", "203.0.113.1:40000"
	pdata, gpdata, sdata = "192.168.1.10:40001", "203.0.113.1:40001", "203.0.113.10:40000"
	r227                 = "227 Entering Passive Mode (203,0,113,10,156,64)\r\n"
)

// openPASV opens pc1's control connection and exchanges PASV and its 227
// (client sequence 1006 next); it returns the server's next sequence number.
func openPASV(t *testing.T, l *ftpLab) uint32 {
	t.Helper()
	l.exchange(t, l.pc1, l.isp, pc1, isp, 999, 0, packet.TCPSyn, "")
	l.exchange(t, l.isp, l.pc1, isp, gpc1, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	l.exchange(t, l.isp, l.pc1, isp, gpc1, 5000, 1006, packet.TCPAck|packet.TCPPsh, r227)
	return uint32(5000 + len(r227))
}

func transfer(t *testing.T, l *ftpLab, from, to *port.MemHost, src, dst, rsrc, rdst string) {
	t.Helper()
	if p, _ := l.exchange(t, from, to, src, dst, 1, 0, packet.TCPSyn, ""); p == nil {
		t.Fatalf("data SYN %s => %s refused", src, dst)
	}
	if p, _ := l.exchange(t, to, from, rsrc, rdst, 1000, 2, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatalf("data SYN-ACK %s => %s refused", rsrc, rdst)
	}
	l.exchange(t, from, to, src, dst, 2, 1001, packet.TCPAck, "")
	l.exchange(t, to, from, rsrc, rdst, 1001, 2, packet.TCPAck|packet.TCPPsh, strings.Repeat("x", 1000))
	l.exchange(t, from, to, src, dst, 2, 2001, packet.TCPAck, "")
	l.exchange(t, to, from, rsrc, rdst, 2001, 2, packet.TCPAck|packet.TCPFin, "")
	l.exchange(t, from, to, src, dst, 2, 2002, packet.TCPAck|packet.TCPFin, "")
	if p, _ := l.exchange(t, to, from, rsrc, rdst, 2002, 3, packet.TCPAck, ""); p == nil {
		t.Fatalf("last ACK %s => %s lost", rsrc, rdst)
	}
}
