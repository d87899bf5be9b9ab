package device

import (
	"net"
	"path/filepath"
	"testing"
	"time"

	"natlab/console"
	"natlab/packet"
	"natlab/pktevent"
)

// A passive FTP transfer through static NAT, watched on the console
// socket's events mode: the stream carries the new translation, the ACL
// line that let the control connection in, and the 227 before and after
// its rewrite with the port arithmetic.
func TestEventsOnConsole(t *testing.T) {
	l := newRouterLab(t)
	sock := filepath.Join(t.TempDir(), "console")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go console.ServeWith(ln, l.d.Engine, console.Options{Events: l.d.Events})
	ev, err := console.DialEvents(sock, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()

	const cli, gsrv, srv = "203.0.113.10:45000", "203.0.113.100:21", "192.168.2.10:21"
	if p, _ := l.exchange(t, l.isp, l.srv, cli, gsrv, 999, 0, packet.TCPSyn, ""); p == nil {
		t.Fatal("control SYN refused")
	}
	l.exchange(t, l.srv, l.isp, srv, cli, 4999, 1000, packet.TCPSyn|packet.TCPAck, "")
	l.exchange(t, l.isp, l.srv, cli, gsrv, 1000, 5000, packet.TCPAck|packet.TCPPsh, "PASV\r\n")
	if p, _ := l.exchange(t, l.srv, l.isp, srv, cli, 5000, 1006, packet.TCPAck|packet.TCPPsh, "227 Entering Passive Mode (192,168,2,10,156,64)\r\n"); p == nil {
		t.Fatal("227 lost")
	}

	var nat, acl, ftp *pktevent.Event
	ev.SetDeadline(time.Now().Add(5 * time.Second))
	for nat == nil || acl == nil || ftp == nil {
		e, err := ev.Next()
		if err != nil {
			t.Fatalf("events so far: nat %v acl %v ftp %v: %v", nat, acl, ftp, err)
		}
		switch {
		case e.Kind == pktevent.KindNAT && e.Created && nat == nil:
			nat = &e
		case e.Kind == pktevent.KindACL && acl == nil:
			acl = &e
		case e.Kind == pktevent.KindFTP:
			ftp = &e
		}
	}
	if nat.Dst.String() != gsrv || nat.NewDst.String() != srv || nat.In != "GigabitEthernet0/1" {
		t.Errorf("nat event %+v", *nat)
	}
	if acl.List != "OUTSIDE_IN" || acl.Dir != "in" || acl.Action != "permit" || acl.Rule != "permit tcp any host 203.0.113.100 eq ftp" || acl.Src.String() != cli {
		t.Errorf("acl event %+v", *acl)
	}
	want := pktevent.Event{Before: "227 Entering Passive Mode (192,168,2,10,156,64)",
		After: "227 Entering Passive Mode (203,0,113,100,156,64)", Arith: "port 156*256+64 = 40000"}
	if ftp.Before != want.Before || ftp.After != want.After || ftp.Arith != want.Arith || ftp.Src.String() != srv {
		t.Errorf("ftp event %+v, want %+v", *ftp, want)
	}
}

// With nobody watching, the router's packet path publishes nothing.
func TestEventsIdle(t *testing.T) {
	l := newRouterLab(t)
	l.exchange(t, l.isp, l.srv, "203.0.113.10:45000", "203.0.113.100:21", 999, 0, packet.TCPSyn, "")
	if st := l.d.Events.Stats(); st != (pktevent.Stats{}) {
		t.Fatalf("stats with nobody subscribed: %+v", st)
	}
}
