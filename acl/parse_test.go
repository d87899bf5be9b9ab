package acl

import (
	"strings"
	"testing"
)

func TestParseEntryRender(t *testing.T) {
	tests := []struct {
		kind      Kind
		in        string
		config    string // "" = same as in
		show      string // "" = same as config for extended
		wantErrAt int    // -1: no error
	}{
		{Standard, "permit 192.168.1.0 0.0.0.255", "", "permit 192.168.1.0, wildcard bits 0.0.0.255", -1},
		{Standard, "permit 192.168.1.5 0.0.0.255", "permit 192.168.1.0 0.0.0.255", "permit 192.168.1.0, wildcard bits 0.0.0.255", -1},
		{Standard, "permit host 192.168.1.10", "permit 192.168.1.10", "permit 192.168.1.10", -1},
		{Standard, "permit 192.168.1.10", "", "permit 192.168.1.10", -1},
		{Standard, "permit 192.168.1.10 0.0.0.0", "permit 192.168.1.10", "permit 192.168.1.10", -1},
		{Standard, "deny any log", "deny   any log", "deny   any log", -1},
		{Standard, "deny 0.0.0.0 255.255.255.255", "deny   any", "deny   any", -1},
		{Standard, "d 10.0.0.0 0.255.0.255 l", "deny   10.0.0.0 0.255.0.255 log", "deny   10.0.0.0, wildcard bits 0.255.0.255 log", -1},
		{Standard, "permit", "", "", 1},
		{Standard, "permit 300.1.1.1", "", "", 1},
		{Standard, "permit any any", "", "", 2},
		{Standard, "allow any", "", "", 0},
		{Extended, "permit tcp any host 203.0.113.100 eq ftp", "", "", -1},
		{Extended, "permit tcp any host 203.0.113.100 eq 21", "permit tcp any host 203.0.113.100 eq ftp", "", -1},
		{Extended, "deny ip any any log", "deny   ip any any log", "deny ip any any log", -1},
		{Extended, "permit icmp any any echo-reply", "", "", -1},
		{Extended, "permit icmp any any 0", "permit icmp any any echo-reply", "", -1},
		{Extended, "permit icmp any any 3 13", "permit icmp any any administratively-prohibited", "", -1},
		{Extended, "permit icmp any any 8 1", "", "", -1},
		{Extended, "permit icmp any any 99", "", "", -1},
		{Extended, "permit icmp any any unreachable log-input", "", "", -1},
		{Extended, "permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 eq ftp", "", "", -1},
		{Extended, "permit tcp 172.22.34.96 0.0.0.15 host 172.22.34.62 eq www", "", "", -1},
		{Extended, "permit tcp any any established", "", "", -1},
		{Extended, "permit tcp any eq 80 any gt 1023 established log", "permit tcp any eq www any gt 1023 established log", "", -1},
		{Extended, "permit udp any any eq 69", "permit udp any any eq tftp", "", -1},
		{Extended, "permit tcp any any eq 69", "", "", -1},
		{Extended, "permit tcp any any eq 514", "permit tcp any any eq cmd", "", -1},
		{Extended, "permit tcp any any eq syslog", "permit tcp any any eq cmd", "", -1},
		{Extended, "permit udp any any eq 514", "permit udp any any eq syslog", "", -1},
		{Extended, "permit tcp any any range 135 139", "permit tcp any any range msrpc 139", "", -1},
		{Extended, "permit udp any any range netbios-ns netbios-ss", "", "", -1},
		{Extended, "permit tcp any any neq 22", "", "", -1},
		{Extended, "permit tcp any any lt 1024", "", "", -1},
		{Extended, "permit tcp any any eq 443", "", "", -1},
		{Extended, "permit 47 any any", "permit gre any any", "", -1},
		{Extended, "deny 53 any any", "deny   53 any any", "deny 53 any any", -1},
		{Extended, "permit 6 any any", "permit tcp any any", "", -1},
		{Extended, "permit esp host 1.1.1.1 host 2.2.2.2", "", "", -1},
		{Extended, "permit ospf any any", "", "", -1},
		{Extended, "permit eigrp any any", "", "", -1},
		{Extended, "permit pim any any", "", "", -1},
		{Extended, "permit igmp any any", "", "", -1},
		{Extended, "permit ahp any any", "", "", -1},
		{Extended, "deny ip any any fragments", "deny   ip any any fragments", "deny ip any any fragments", -1},
		{Extended, "p t a h 1.2.3.4 e ftp-d", "permit tcp any host 1.2.3.4 eq ftp-data", "", -1},
		{Extended, "permit ip 10.1.2.5 0.255.0.255 any", "permit ip 10.0.2.0 0.255.0.255 any", "", -1},
		{Extended, "permit tcp any any range 139 135", "", "", 6},
		{Extended, "permit tcp any any eq 65536", "", "", 5},
		{Extended, "permit tcp any any eq", "", "", 5},
		{Extended, "permit udp any any eq telnet", "", "", 5},
		{Extended, "permit ip any any eq 80", "", "", 4},
		{Extended, "permit udp any any established", "", "", 4},
		{Extended, "permit tcp any any log log-input", "", "", 5},
		{Extended, "permit tcp any any eq 80 fragments", "", "", 6},
		{Extended, "permit tcp any", "", "", 3},
		{Extended, "permit tcp 10.0.0.0 any", "", "", 3},
		{Extended, "permit 256 any any", "", "", 1},
		{Extended, "permit tcp host any any", "", "", 3},
	}
	for _, tt := range tests {
		e, err := ParseEntry(tt.kind, strings.Fields(tt.in))
		if tt.wantErrAt >= 0 {
			pe, ok := err.(*ParseError)
			if !ok {
				t.Errorf("%q: got %v (%+v), want a ParseError at word %d", tt.in, err, e, tt.wantErrAt)
				continue
			}
			if pe.Word != tt.wantErrAt {
				t.Errorf("%q: error %v at word %d, want %d", tt.in, pe, pe.Word, tt.wantErrAt)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		wantConfig := tt.config
		if wantConfig == "" {
			wantConfig = tt.in
		}
		if got := e.ConfigText(); got != wantConfig {
			t.Errorf("%q: config %q, want %q", tt.in, got, wantConfig)
		}
		wantShow := tt.show
		if wantShow == "" {
			wantShow = wantConfig
		}
		if got := e.ShowText(); got != wantShow {
			t.Errorf("%q: show %q, want %q", tt.in, got, wantShow)
		}
		// Round trip: the rendering parses back to the same entry.
		back, err := ParseEntry(tt.kind, strings.Fields(e.ConfigText()))
		if err != nil || back != e {
			t.Errorf("%q: round trip of %q gave %+v, %v", tt.in, e.ConfigText(), back, err)
		}
	}
}

func FuzzParseEntry(f *testing.F) {
	for _, s := range []string{
		"permit tcp any host 203.0.113.100 eq ftp",
		"deny ip any any log",
		"permit icmp any any echo-reply",
		"permit udp 10.0.0.0 0.0.0.255 eq domain any range 1024 65535 log-input",
		"permit 192.168.1.0 0.0.0.255",
		"deny host 1.2.3.4 log",
		"permit tcp any any established fragments",
		"permit icmp any any 3 13",
	} {
		f.Add(true, s)
		f.Add(false, s)
	}
	f.Fuzz(func(t *testing.T, extended bool, line string) {
		kind := Standard
		if extended {
			kind = Extended
		}
		e, err := ParseEntry(kind, strings.Fields(line))
		if err != nil {
			return
		}
		// Whatever parses renders to text that parses back to the same entry.
		text := e.ConfigText()
		back, err := ParseEntry(kind, strings.Fields(text))
		if err != nil {
			t.Fatalf("%q rendered as %q which fails: %v", line, text, err)
		}
		if back != e {
			t.Fatalf("%q -> %q -> %+v, want %+v", line, text, back, e)
		}
		_ = e.ShowText()
	})
}
