package device

import (
	"testing"
	"time"

	"natlab/ftpinspect"
	"natlab/packet"
)

// TestFTPUnusedMappingReleased: pc1 behind PAT announces PORT
// 192.168.1.10:50000 (global 203.0.113.1:50000) and no data connection
// comes. When its pinhole closes unused (the server refuses the command,
// newer pinholes evict it, the control connection ends, it expires), NAT's
// mapping goes with it: another inside host announcing the same port then
// gets that global port, where a mapping still held would make NAT pick
// another (1024) and the line be rewritten with it.
func TestFTPUnusedMappingReleased(t *testing.T) {
	const pc1, isp, gpc1 = "192.168.1.10:40000", "203.0.113.10:21", "203.0.113.1:40000"
	tests := []struct {
		name     string
		after    func(t *testing.T, l *ftpLab) // after the PORT left as 203,0,113,1,195,80
		released bool
	}{
		{"pinhole pending: the port stays taken", func(t *testing.T, l *ftpLab) {}, false},
		{"server refuses the PORT", func(t *testing.T, l *ftpLab) {
			if p, _ := l.exchange(t, l.isp, l.pc1, isp, gpc1, 5000, 1025, packet.TCPAck|packet.TCPPsh, "500 Illegal PORT command.\r\n"); p == nil {
				t.Fatal("500 reply lost")
			}
		}, true},
		{"newer pinholes evict it", func(t *testing.T, l *ftpLab) {
			for i, line := range []string{"PORT 192,168,1,10,195,81\r\n", "PORT 192,168,1,10,195,82\r\n",
				"PORT 192,168,1,10,195,83\r\n", "PORT 192,168,1,10,195,84\r\n"} {
				if p, _ := l.exchange(t, l.pc1, l.isp, pc1, isp, 1026+uint32(26*i), 5000, packet.TCPAck|packet.TCPPsh, line); p == nil {
					t.Fatalf("%q lost", line)
				}
			}
			if st := l.d.FTP.In.Stats(); st.Evictions != 1 {
				t.Fatalf("evictions %d, want 1", st.Evictions)
			}
		}, true},
		{"control connection closes", func(t *testing.T, l *ftpLab) {
			l.exchange(t, l.pc1, l.isp, pc1, isp, 1026, 5000, packet.TCPFin|packet.TCPAck, "")
			if p, _ := l.exchange(t, l.isp, l.pc1, isp, gpc1, 5000, 1026, packet.TCPFin|packet.TCPAck, ""); p == nil {
				t.Fatal("server's FIN lost")
			}
		}, true},
		{"pinhole expires", func(t *testing.T, l *ftpLab) {
			// The inspector runs on the lab's clock, NAT on the wall
			// clock: NAT's own hold has not run out, so only the
			// inspector can give the port back.
			l.clock.Advance(ftpinspect.DefaultPinholeTimeout + time.Second)
			l.d.FTP.In.Sweep()
			if st := l.d.FTP.In.Stats(); st.PinholesExpired != 1 {
				t.Fatalf("pinholes expired %d, want 1", st.PinholesExpired)
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newE5Lab(t, e5Config+"configure terminal\nip inspect name FW ftp\ninterface GigabitEthernet0/1\n ip inspect FW out\nend\n")
			l.exchange(t, l.pc1, l.isp, pc1, isp, 999, 0, packet.TCPSyn, "")
			l.exchange(t, l.isp, l.pc1, isp, gpc1, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
			p, b := l.exchange(t, l.pc1, l.isp, pc1, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PORT 192,168,1,10,195,80\r\n")
			if p == nil || payload(p, b) != "PORT 203,0,113,1,195,80\r\n" {
				t.Fatalf("pc1's PORT left as %v", p)
			}
			tt.after(t, l)

			const pc2, gpc2 = "192.168.1.11:40001", "203.0.113.1:40001"
			l.exchange(t, l.pc1, l.isp, pc2, isp, 999, 0, packet.TCPSyn, "")
			l.exchange(t, l.isp, l.pc1, isp, gpc2, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
			p, b = l.exchange(t, l.pc1, l.isp, pc2, isp, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PORT 192,168,1,11,195,80\r\n")
			if p == nil {
				t.Fatal("pc2's PORT lost")
			}
			want := "PORT 203,0,113,1,4,0\r\n" // 1024: 50000 is still pc1's
			if tt.released {
				want = "PORT 203,0,113,1,195,80\r\n"
			}
			if got := payload(p, b); got != want {
				t.Errorf("pc2's PORT left as %q, want %q", got, want)
			}
		})
	}
}
