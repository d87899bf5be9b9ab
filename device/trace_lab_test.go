package device

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/ios"
	"natlab/port"
)

// traceLab is the reference topology on in-memory ports: pc1 on Gi0/0
// (inside), the ISP on Gi0/1 (outside), the server on Gi0/2 (inside,
// static NAT 192.168.2.10 <-> 203.0.113.100); Gi0/3 is unbound.
type traceLab struct {
	d             *Device
	s             *ios.Session
	out           bytes.Buffer
	clock         *testclock.Clock
	pc1, isp, srv *port.MemHost
}

const traceLabConfig = `
configure terminal
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
 no shutdown
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
 ip access-group 101 in
 ip inspect FW out
 no shutdown
interface GigabitEthernet0/2
 ip address 192.168.2.1 255.255.255.0
 ip nat inside
 no shutdown
interface GigabitEthernet0/3
 ip address 10.9.9.1 255.255.255.0
 no shutdown
ip inspect name FW ftp
ip inspect name FW tcp
ip nat inside source static 192.168.2.10 203.0.113.100
ip nat inside source list 1 interface GigabitEthernet0/1 overload
access-list 1 permit 192.168.1.0 0.0.0.255
access-list 101 permit tcp any host 203.0.113.100 eq ftp
access-list 101 deny udp any any eq 53
ip route 0.0.0.0 0.0.0.0 203.0.113.10
ip route 172.16.0.0 255.255.0.0 10.9.9.2
end
`

func newTraceLab(t testing.TB) *traceLab {
	t.Helper()
	l := &traceLab{clock: testclock.New(time.Date(2026, 3, 1, 0, 12, 0, 0, time.UTC))}
	l.d = New(Options{Interfaces: 4, Clock: l.clock.Now})
	t.Cleanup(func() { l.d.Close() })
	hosts := []**port.MemHost{&l.pc1, &l.isp, &l.srv}
	for i, name := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"} {
		m, h := port.NewMem("tr"+name[len(name)-1:], 1500)
		*hosts[i] = h
		if err := l.d.Router.Bind(name, m); err != nil {
			t.Fatal(err)
		}
	}
	l.s = l.d.Engine.NewSession(&l.out)
	l.s.SetMode(ios.Exec)
	l.s.SetTerminalLength(0)
	if n := l.run(traceLabConfig); n != 0 {
		t.Fatalf("config: %d errors\n%s", n, l.out.String())
	}
	l.out.Reset()
	return l
}

// run types a script into the lab's session (its output goes to l.out)
// and returns how many lines failed.
func (l *traceLab) run(script string) int {
	return l.s.RunScript(strings.NewReader(strings.TrimLeft(script, "\n")))
}

// cli runs one command and returns its output.
func (l *traceLab) cli(t *testing.T, line string) string {
	t.Helper()
	l.out.Reset()
	l.run(line + "\n")
	return l.out.String()
}

// recvWait is how long a test waits for a forwarded packet.
const recvWait = time.Second
