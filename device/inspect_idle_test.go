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
	openPASV(t, l)
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
