package device

import (
	"strings"
	"testing"
	"time"

	"natlab/packet"
)

// TestAbandonedDataSessionIdlesOut: a passive data connection that stops
// without a FIN or RST (a client killed mid-transfer) leaves after the ftp
// rule's idle time, which follows ip inspect tcp idle-time, as its control
// connection does; not after an hour.
func TestAbandonedDataSessionIdlesOut(t *testing.T) {
	l := newE5Lab(t, e5Config)
	if failed := l.run("configure terminal\nip inspect tcp idle-time 120\nend\n" + inspectFW); failed != 0 {
		t.Fatalf("configuration failed:\n%s", l.out.String())
	}
	const pc1, isp, gpc1 = "192.168.1.10:40000", "203.0.113.10:21", "203.0.113.1:40000"
	l.exchange(t, l.pc1, l.isp, pc1, isp, 999, 0, packet.TCPSyn, "")
	l.exchange(t, l.isp, l.pc1, isp, gpc1, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck, "")
	const r227 = "227 Entering Passive Mode (203,0,113,10,156,64)\r\n"
	l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	l.exchange(t, l.isp, l.pc1, isp, gpc1, 5000, 1006, packet.TCPAck|packet.TCPPsh, r227)

	const pdata, gpdata, sdata = "192.168.1.10:40001", "203.0.113.1:40001", "203.0.113.10:40000"
	if p, _ := l.exchange(t, l.pc1, l.isp, pdata, sdata, 1, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("data SYN refused")
	}
	l.exchange(t, l.isp, l.pc1, sdata, gpdata, 1000, 2, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.pc1, l.isp, pdata, sdata, 2, 1001, packet.TCPAck, "")
	l.exchange(t, l.isp, l.pc1, sdata, gpdata, 1001, 2, packet.TCPAck|packet.TCPPsh, strings.Repeat("x", 1000))

	l.clock.Advance(100 * time.Second)
	if s := l.show("show ip inspect sessions"); !strings.Contains(s, "ftp-data") {
		t.Fatalf("100 s into a 120 s idle time the data session is gone:\n%s", s)
	}
	l.clock.Advance(25 * time.Second)
	if s := l.show("show ip inspect sessions"); strings.Contains(s, "ftp-data") {
		t.Errorf("125 s after its last packet, with ip inspect tcp idle-time 120, the data session remains:\n%s", s)
	}
}
