package acl

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"time"

	"natlab/ios"
	"natlab/packet"
)

func TestLogFirstPacketThenSummaries(t *testing.T) {
	msgs := make(chan string, 16)
	l := newLogger(func(m string) { msgs <- m }, time.Hour)
	defer l.close()
	next := func() string {
		select {
		case m := <-msgs:
			return m
		case <-time.After(time.Second):
			return "(nothing)"
		}
	}
	quiet := func() {
		select {
		case m := <-msgs:
			t.Errorf("unexpected %q", m)
		case <-time.After(30 * time.Millisecond):
		}
	}
	e := mustEntry(t, Extended, "deny tcp any any log")
	f := flow(packet.ProtoTCP, "203.0.113.10", "203.0.113.100", 51515, 23)
	l.hit("OUTSIDE-IN", &e, &f, "GigabitEthernet0/1")
	if got, want := next(), "%SEC-6-IPACCESSLOGP: list OUTSIDE-IN denied tcp 203.0.113.10(51515) -> 203.0.113.100(23), 1 packet"; got != want {
		t.Errorf("first packet:\n got %q\nwant %q", got, want)
	}
	l.hit("OUTSIDE-IN", &e, &f, "GigabitEthernet0/1")
	l.hit("OUTSIDE-IN", &e, &f, "GigabitEthernet0/1")
	quiet()
	l.flush()
	if got, want := next(), "%SEC-6-IPACCESSLOGP: list OUTSIDE-IN denied tcp 203.0.113.10(51515) -> 203.0.113.100(23), 2 packets"; got != want {
		t.Errorf("summary:\n got %q\nwant %q", got, want)
	}
	l.flush() // a quiet interval forgets the flow
	quiet()
	l.hit("OUTSIDE-IN", &e, &f, "GigabitEthernet0/1")
	if got := next(); got != "%SEC-6-IPACCESSLOGP: list OUTSIDE-IN denied tcp 203.0.113.10(51515) -> 203.0.113.100(23), 1 packet" {
		t.Errorf("after a quiet interval: %q", got)
	}
}

func TestLogMessages(t *testing.T) {
	icmp := flow(packet.ProtoICMP, "203.0.113.10", "192.168.1.10", 0, 0)
	icmp.ICMPType = 8
	gre := flow(packet.ProtoGRE, "203.0.113.10", "203.0.113.1", 0, 0)
	tests := []struct {
		kind  Kind
		entry string
		f     packet.Parsed
		want  string
	}{
		{Extended, "deny icmp any any log-input", icmp, "%SEC-6-IPACCESSLOGDP: list OUTSIDE-IN denied icmp 203.0.113.10 (GigabitEthernet0/1) -> 192.168.1.10 (8/0), 1 packet"},
		{Extended, "deny ip any any log", icmp, "%SEC-6-IPACCESSLOGDP: list OUTSIDE-IN denied icmp 203.0.113.10 -> 192.168.1.10 (8/0), 1 packet"},
		{Extended, "deny ip any any log", gre, "%SEC-6-IPACCESSLOGNP: list OUTSIDE-IN denied 47 203.0.113.10 -> 203.0.113.1, 1 packet"},
		{Extended, "permit udp any any log-input", flow(packet.ProtoUDP, "203.0.113.10", "192.168.1.10", 53, 5353), "%SEC-6-IPACCESSLOGP: list OUTSIDE-IN permitted udp 203.0.113.10(53) (GigabitEthernet0/1) -> 192.168.1.10(5353), 1 packet"},
		{Standard, "deny any log", icmp, "%SEC-6-IPACCESSLOGS: list OUTSIDE-IN denied 203.0.113.10 1 packet"},
	}
	for _, tt := range tests {
		msgs := make(chan string, 1)
		l := newLogger(func(m string) { msgs <- m }, time.Hour)
		e := mustEntry(t, tt.kind, tt.entry)
		l.hit("OUTSIDE-IN", &e, &tt.f, "GigabitEthernet0/1")
		if got := <-msgs; got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.entry, got, tt.want)
		}
		l.close()
	}
	_ = netip.Addr{}
}

// TestShowLoggingDropped: the messages the bounded log buffer overwrote
// are the dropped count of show logging, not a constant.
func TestShowLoggingDropped(t *testing.T) {
	e := ios.NewEngine()
	a := Register(e, nil)
	defer a.Close()
	dropped := func() string {
		var out strings.Builder
		s := e.NewSession(&out)
		s.Execute("enable")
		s.Execute("show logging")
		line, _, _ := strings.Cut(out.String()[strings.Index(out.String(), "Syslog logging"):], "\n")
		return line
	}
	if got := dropped(); !strings.Contains(got, "(0 messages dropped,") {
		t.Fatalf("a fresh buffer: %q", got)
	}
	for i := 0; i < 200; i++ {
		e.Log(fmt.Sprintf("%%SYS-5-CONFIG_I: Configured from console by console (%d)", i))
	}
	want := fmt.Sprintf("(%d messages dropped,", e.LogStats().Overwritten)
	if e.LogStats().Overwritten == 0 || !strings.Contains(dropped(), want) {
		t.Errorf("after 200 messages into 4096 bytes: %q, want %q", dropped(), want)
	}
}
