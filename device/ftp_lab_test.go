package device

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/internal/testclock"
	"natlab/ios"
	"natlab/packet"
	"natlab/port"
)

// ftpLab is the whole router of lab E5 over in-memory ports: pc1
// (192.168.1.10) on Gi0/0 behind PAT, the ISP (203.0.113.10) on Gi0/1, the
// server (192.168.2.10, static NAT to 203.0.113.100) on Gi0/2, with a clock
// the test moves.
type ftpLab struct {
	d             *Device
	s             *ios.Session
	out           bytes.Buffer
	clock         *testclock.Clock
	pc1, isp, srv *port.MemHost
}

func newFTPLab(t *testing.T) *ftpLab {
	t.Helper()
	l := &ftpLab{clock: testclock.New(time.Date(2026, 3, 1, 0, 12, 0, 0, time.UTC))}
	l.d = New(Options{Interfaces: 3, Clock: l.clock.Now})
	t.Cleanup(func() { l.d.Close() })
	hosts := []**port.MemHost{&l.pc1, &l.isp, &l.srv}
	for i, name := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"} {
		m, h := port.NewMem("ftp"+name[len(name)-1:], 1500)
		*hosts[i] = h
		if err := l.d.Router.Bind(name, m); err != nil {
			t.Fatal(err)
		}
	}
	l.s = l.d.Engine.NewSession(&l.out)
	l.s.SetMode(ios.Exec)
	return l
}

// run types a script into the lab's session (its output goes to l.out).
func (l *ftpLab) run(script string) int {
	return l.s.RunScript(strings.NewReader(strings.TrimLeft(script, "\n")))
}

// e5Config is lab E5: PAT for pc1, static NAT for the server, an inbound
// ACL on the outside that admits only FTP control to the server and
// established traffic.
const e5Config = `
configure terminal
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
 no shutdown
interface GigabitEthernet0/2
 ip address 192.168.2.1 255.255.255.0
 ip nat inside
 no shutdown
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
 ip access-group OUTSIDE_IN in
 no shutdown
 exit
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source static 192.168.2.10 203.0.113.100
ip access-list extended OUTSIDE_IN
 permit tcp any host 203.0.113.100 eq ftp
 permit tcp any any established
 deny   ip any any
end
`

// e5DenyNew is lab E5 with an outside ACL that denies everything.
var e5DenyNew = strings.Replace(e5Config, " permit tcp any host 203.0.113.100 eq ftp\n permit tcp any any established\n", "", 1)

// newE5Lab is an ftpLab configured with config (lab E5 or a variant of
// it), its session output cleared.
func newE5Lab(t *testing.T, config string) *ftpLab {
	t.Helper()
	l := newFTPLab(t)
	if failed := l.run(config); failed != 0 {
		t.Fatalf("configuration failed:\n%s", l.out.String())
	}
	l.out.Reset()
	return l
}

// exchange injects a segment at from and returns the decoded segment that
// leaves at to (nil if none within a second) with its bytes.
func (l *ftpLab) exchange(t *testing.T, from, to *port.MemHost, src, dst string, seq, ack uint32, flags uint8, payload string) (*packet.Parsed, []byte) {
	t.Helper()
	return l.exchangeWait(t, from, to, src, dst, seq, ack, flags, payload, time.Second)
}

// refused reports whether a SYN from src to dst injected at from does not
// come out at to.
func (l *ftpLab) refused(t *testing.T, from, to *port.MemHost, src, dst string) bool {
	t.Helper()
	p, _ := l.exchangeWait(t, from, to, src, dst, 77, 0, packet.TCPSyn, "", 150*time.Millisecond)
	for from.TryRecv() != nil { // the ACL's admin-prohibited, if any
	}
	return p == nil
}

func (l *ftpLab) exchangeWait(t *testing.T, from, to *port.MemHost, src, dst string, seq, ack uint32, flags uint8, payload string, wait time.Duration) (*packet.Parsed, []byte) {
	t.Helper()
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	b := make([]byte, 4096)
	n := packet.BuildTCP(b, s.Addr(), d.Addr(), s.Port(), d.Port(), seq, ack, flags, 65535, 1, 64, []byte(payload))
	if err := from.Inject(b[:n]); err != nil {
		t.Fatal(err)
	}
	got := to.Recv(wait)
	if got == nil {
		return nil, nil
	}
	var p packet.Parsed
	if p.Decode(got) != packet.OK || !p.TransportChecksumOK(got) {
		t.Fatalf("bad packet out of the router: %x", got)
	}
	return &p, got
}

// payload is the TCP payload of a packet exchange returned.
func payload(p *packet.Parsed, b []byte) string { return string(b[p.PayloadOff:]) }

// ftpGolden compares got with testdata/ftp/NAME.golden.
func ftpGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Compare(t, filepath.Join("testdata", "ftp", name+".golden"), got)
}
