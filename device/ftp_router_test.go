package device

import (
	"net/netip"
	"testing"

	"natlab/packet"
)

// newRouterLab is lab E5 whose FTP fixup opens pinholes without an
// inspection rule (every control connection inspected, as the engine does
// on its own), so the data connections meet the deny-all inbound ACL with
// their pinholes.
func newRouterLab(t *testing.T) *ftpLab {
	t.Helper()
	l := newE5Lab(t, e5Config)
	l.d.FTP.SetNATPinholes(true)
	return l
}

// Active FTP from pc1 behind PAT: the PORT leaves with the global address,
// and the server's data connection passes the deny-all inbound ACL through
// the pinhole, translated to pc1 (§9 cases 1, 46, 48).
func TestRouterActiveFTP(t *testing.T) {
	l := newRouterLab(t)
	const pc1, isp = "192.168.1.10:40000", "203.0.113.10:21"
	if p, _ := l.exchange(t, l.pc1, l.isp, pc1, isp, 999, 0, packet.TCPSyn, ""); p == nil || p.Src != netip.MustParseAddr("203.0.113.1") {
		t.Fatalf("SYN not translated: %v", p)
	}
	gcli := "203.0.113.1:40000"
	if p, _ := l.exchange(t, l.isp, l.pc1, isp, gcli, 4999, 1000, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("SYN-ACK lost")
	}
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck, "")
	p, b := l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PORT 192,168,1,10,195,80\r\n")
	if p == nil {
		t.Fatal("PORT lost")
	}
	if got := string(b[p.PayloadOff:]); got != "PORT 203,0,113,1,195,80\r\n" {
		t.Fatalf("isp received %q", got)
	}
	// The isp's ACK of the line (one byte shorter now) maps back for pc1.
	p, b = l.exchange(t, l.isp, l.pc1, isp, gcli, 5000, 1025, packet.TCPAck, "")
	if p == nil || packet.TCP(b[p.L4Off:]).Ack() != 1026 {
		t.Fatalf("ACK not mapped: %v", p)
	}
	// The data connection from the isp's port 20.
	p, _ = l.exchange(t, l.isp, l.pc1, "203.0.113.10:20", "203.0.113.1:50000", 77, 0, packet.TCPSyn, "")
	if p == nil || p.Dst != netip.MustParseAddr("192.168.1.10") || p.DstPort != 50000 {
		t.Fatalf("data SYN not passed to pc1: %v", p)
	}
	// Its reply goes out translated, and a second connection is refused.
	if p, _ := l.exchange(t, l.pc1, l.isp, "192.168.1.10:50000", "203.0.113.10:20", 1, 78, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("data SYN-ACK lost")
	}
	if !l.refused(t, l.isp, l.pc1, "203.0.113.10:21000", "203.0.113.1:50000") {
		t.Fatal("second data connection through a used pinhole")
	}
}

// Passive FTP to the server behind static NAT: the 227 leaves with the
// global address and the client's data connection gets through (§9 case 3).
func TestRouterPassiveFTP(t *testing.T) {
	l := newRouterLab(t)
	const cli, gsrv, srv = "203.0.113.10:45000", "203.0.113.100:21", "192.168.2.10:21"
	if p, _ := l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("control SYN refused")
	}
	l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	p, b := l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
	if p == nil {
		t.Fatal("227 lost")
	}
	if got := string(b[p.PayloadOff:]); got != "227 Entering Passive Mode (203,0,113,100,156,64)\r\n" {
		t.Fatalf("client received %q", got)
	}
	p, _ = l.exchange(t, l.isp, l.srv, "203.0.113.10:45001", "203.0.113.100:40000", 77, 0, packet.TCPSyn, "")
	if p == nil || p.Dst != netip.MustParseAddr("192.168.2.10") || p.DstPort != 40000 {
		t.Fatalf("data SYN not passed to the server: %v", p)
	}
	// Without the pinhole the ACL denies it.
	if !l.refused(t, l.isp, l.srv, "203.0.113.10:45002", "203.0.113.100:40001") {
		t.Fatal("unexpected data connection passed the ACL")
	}
}

// §9 case 38, hairpin: pc1 reaches the server by its global address. The
// two directions are in different views after NAT's hairpin step, so the
// 227 is passed as the server sent it; its inside address is reachable
// from pc1 directly, so passive mode works (README: known limits).
func TestRouterHairpinPassive(t *testing.T) {
	l := newRouterLab(t)
	const pc1, gsrv = "192.168.1.10:40000", "203.0.113.100:21"
	p, _ := l.exchange(t, l.pc1, l.srv, pc1, gsrv, 999, 0, packet.TCPSyn, "")
	if p == nil {
		t.Fatal("hairpin SYN lost")
	}
	gcli := netip.AddrPortFrom(p.Src, p.SrcPort).String()
	if p, _ := l.exchange(t, l.srv, l.pc1, "192.168.2.10:21", gcli, 4999, 1000, packet.TCPSyn|packet.TCPAck, ""); p == nil {
		t.Fatal("hairpin SYN-ACK lost")
	}
	l.exchange(t, l.pc1, l.srv, pc1, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	p, b := l.exchange(t, l.srv, l.pc1, "192.168.2.10:21", gcli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n")
	if p == nil {
		t.Fatal("227 lost")
	}
	if got := string(b[p.PayloadOff:]); got != "227 Entering Passive Mode (192,168,2,10,156,64)\r\n" {
		t.Errorf("pc1 received %q (the hairpin 227 is passed as sent)", got)
	}
	if p, _ := l.exchange(t, l.pc1, l.srv, "192.168.1.10:40001", "192.168.2.10:40000", 1, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("data connection to the server's inside address refused")
	}
}
