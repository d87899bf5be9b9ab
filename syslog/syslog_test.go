package syslog

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
)

type sent struct {
	src, dst netip.Addr
	payload  string
}

func setup(t *testing.T) (*ios.Engine, *ios.Session, *strings.Builder, *[]sent) {
	t.Helper()
	e := ios.NewEngine()
	e.Clock = func() time.Time { return time.Date(2002, 3, 1, 0, 0, 5, 123e6, time.UTC) }
	var got []sent
	Register(e, Options{
		Send: func(pkt []byte) bool {
			ip := packet.IPv4(pkt)
			if len(pkt) < 28 || pkt[9] != 17 || packet.UDP(pkt[20:]).DstPort() != Port {
				t.Errorf("bad datagram % x", pkt)
				return false
			}
			got = append(got, sent{ip.Src(), ip.Dst(), string(pkt[28:])})
			return true
		},
		Source: func(dst netip.Addr) netip.Addr { return netip.MustParseAddr("10.0.0.1") },
	})
	var out strings.Builder
	s := e.NewSession(&out)
	s.Execute("enable")
	s.Execute("configure terminal")
	return e, s, &out, &got
}

func TestHostsAndTrap(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		log   string
		want  []string // payloads, one per host
	}{
		{"config change to two hosts", []string{"logging host 192.0.2.10", "logging host 192.0.2.11"}, "%SYS-5-CONFIG_I: Configured from console by console",
			[]string{"<189>1: *Mar  1 00:00:05.123: %SYS-5-CONFIG_I: Configured from console by console", "<189>1: *Mar  1 00:00:05.123: %SYS-5-CONFIG_I: Configured from console by console"}},
		{"debug output stays under trap informational", []string{"logging host 192.0.2.10"}, "ICMP: echo reply sent", nil},
		{"trap warnings drops a notice", []string{"logging host 192.0.2.10", "logging trap warnings"}, "%SYS-5-CONFIG_I: x", nil},
		{"trap by number passes an error", []string{"logging host 192.0.2.10", "logging trap 4"}, "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up",
			[]string{"<187>1: *Mar  1 00:00:05.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up"}},
		{"no logging host removes it", []string{"logging host 192.0.2.10", "no logging host 192.0.2.10"}, "%SYS-5-CONFIG_I: x", nil},
		{"no logging trap sends nothing", []string{"logging host 192.0.2.10", "no logging trap"}, "%SYS-0-X: x", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, s, out, got := setup(t)
			for _, l := range tc.lines {
				s.Execute(l)
			}
			if strings.Contains(out.String(), "%") {
				t.Fatalf("config refused: %s", out)
			}
			e.Log(tc.log)
			if len(*got) != len(tc.want) {
				t.Fatalf("sent %d datagrams %v, want %d", len(*got), *got, len(tc.want))
			}
			for i, w := range tc.want {
				if (*got)[i].payload != w || (*got)[i].src != netip.MustParseAddr("10.0.0.1") {
					t.Errorf("datagram %d: %+v, want payload %q", i, (*got)[i], w)
				}
			}
		})
	}
}

func TestRenderAndShow(t *testing.T) {
	e, s, out, _ := setup(t)
	for _, l := range []string{"logging host 192.0.2.10", "logging trap debugging", "logging console warnings", "end"} {
		s.Execute(l)
	}
	run := e.RunningConfig()
	for _, w := range []string{"logging console warnings\n", "logging trap debugging\nlogging host 192.0.2.10\n"} {
		if !strings.Contains(run, w) {
			t.Errorf("running-config lacks %q:\n%s", w, run)
		}
	}
	out.Reset()
	s.Execute("show logging")
	for _, w := range []string{"Console logging: level warnings, 0 messages logged", "Trap logging: level debugging, 1 message lines logged",
		"Logging to 192.0.2.10  (udp port 514, audit disabled,\n              link up),\n              1 message lines logged"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("show logging lacks %q:\n%s", w, out)
		}
	}
}

func TestForwardAllocs(t *testing.T) {
	s := &Syslog{buf: make([]byte, 0, 1500), hosts: []*host{{addr: netip.MustParseAddr("192.0.2.1")}},
		o: Options{Send: func([]byte) bool { return true }, Source: func(netip.Addr) netip.Addr { return netip.MustParseAddr("10.0.0.1") }}}
	m := ios.LogMessage{Seq: 7, Severity: 5, Stamped: "*Mar  1 00:00:05.123: %SYS-5-CONFIG_I: Configured from console by console"}
	if n := testing.AllocsPerRun(100, func() { s.Forward(m) }); n != 0 {
		t.Errorf("Forward allocates %v times", n)
	}
}
