package acl

import (
	"strings"
	"sync"
	"testing"

	"natlab/ios"
)

// typist types access-list entries as a user does: each into the
// sub-mode of a fresh list of its kind, so that ios matches the words and
// the handlers build the entry.
type typist struct {
	mu  sync.Mutex
	a   *ACLs
	s   *ios.Session
	out strings.Builder
}

var (
	sharedTypist     *typist
	sharedTypistOnce sync.Once
)

// typeEntries is the package's typist (one engine for every test).
func typeEntries() *typist {
	sharedTypistOnce.Do(func() {
		e := ios.NewEngine()
		ty := &typist{a: Register(e, nil)}
		ty.s = e.NewSession(&ty.out)
		ty.s.SetMode(ios.Config)
		sharedTypist = ty
	})
	return sharedTypist
}

// entry types line into a new list of that kind. ok says whether the line
// made an entry; out is what the router printed and prompt the prompt it
// was typed at (for the caret column).
func (ty *typist) entry(kind Kind, line string) (e Entry, ok bool, out, prompt string) {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	ty.s.SetMode(ios.Config)
	ty.s.Execute("ip access-list " + kind.String() + " TYPED")
	mode := ty.s.Mode()
	prompt = ty.s.Prompt()
	ty.out.Reset()
	ty.s.Execute(line)
	out = ty.out.String()
	// A line the sub-mode does not take may run in configuration mode
	// (IOS walks up): it made no entry of this list.
	if l := ty.a.List("TYPED"); l != nil && len(l.Rules) == 1 && ty.s.Mode() == mode {
		e, ok = l.Rules[0].Entry, true
	}
	ty.s.SetMode(ios.Config)
	ty.s.Execute("no ip access-list " + kind.String() + " TYPED")
	return e, ok, out, prompt
}

// mustEntry is the entry a line makes when typed in a named list.
func mustEntry(t testing.TB, kind Kind, line string) Entry {
	t.Helper()
	e, ok, out, _ := typeEntries().entry(kind, line)
	if !ok || out != "" {
		t.Fatalf("%q: %s", line, out)
	}
	return e
}

// refusedAt is the index of the word a refused line is refused at: the
// word under the caret, or len(words) for `% Incomplete command.`; -1
// when the output is neither.
func refusedAt(line, out, prompt string) int {
	if strings.HasPrefix(out, "% Incomplete command.") {
		return len(strings.Fields(line))
	}
	caret, _, found := strings.Cut(out, "^\n% Invalid input detected at '^' marker.")
	if !found || strings.TrimLeft(caret, " ") != "" {
		return -1
	}
	col := len(caret) - len(prompt)
	word := -1
	for i := 0; i < len(line) && i <= col; i++ {
		if line[i] != ' ' && (i == 0 || line[i-1] == ' ') {
			word++
		}
	}
	return word
}

func TestEntryRender(t *testing.T) {
	tests := []struct {
		kind      Kind
		in        string
		config    string // "" = same as in
		show      string // "" = same as config for extended
		wantErrAt int    // word under the caret (len(words): incomplete); -1: no error
	}{
		{Standard, "permit 192.168.1.0 0.0.0.255", "", "permit 192.168.1.0, wildcard bits 0.0.0.255", -1},
		{Standard, "permit 192.168.1.5 0.0.0.255", "permit 192.168.1.0 0.0.0.255", "permit 192.168.1.0, wildcard bits 0.0.0.255", -1},
		{Standard, "permit host 192.168.1.10", "permit 192.168.1.10", "permit 192.168.1.10", -1},
		{Standard, "permit 192.168.1.10", "", "permit 192.168.1.10", -1},
		{Standard, "permit 192.168.1.10 0.0.0.0", "permit 192.168.1.10", "permit 192.168.1.10", -1},
		{Standard, "deny any log", "deny   any log", "deny   any log", -1},
		{Standard, "deny 0.0.0.0 255.255.255.255", "deny   any", "deny   any", -1},
		// `d` alone is ambiguous in the sub-mode (default, deny, do).
		{Standard, "den 10.0.0.0 0.255.0.255 l", "deny   10.0.0.0 0.255.0.255 log", "deny   10.0.0.0, wildcard bits 0.255.0.255 log", -1},
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
		// `e` alone is ambiguous after the destination (eq, established).
		{Extended, "p t a h 1.2.3.4 eq ftp-d", "permit tcp any host 1.2.3.4 eq ftp-data", "", -1},
		{Extended, "permit ip 10.1.2.5 0.255.0.255 any", "permit ip 10.0.2.0 0.255.0.255 any", "", -1},
		{Extended, "permit tcp any any range 139 135", "", "", 6},
		{Extended, "permit tcp any any eq 65536", "", "", 5},
		{Extended, "permit tcp any any eq", "", "", 5},
		{Extended, "permit udp any any eq telnet", "", "", 5},
		{Extended, "permit ip any any eq 80", "", "", 4},
		{Extended, "permit udp any any established", "", "", 4},
		{Extended, "permit tcp any any log log-input", "", "", 5},
		{Extended, "permit tcp any any eq 80 fragments", "", "", 6},
		{Extended, "permit tcp any any fragments established", "", "", 5},
		{Extended, "permit tcp any any fragments established log", "", "", 6},
		{Extended, "permit icmp any any echo fragments", "", "", 5},
		{Extended, "permit tcp any", "", "", 3},
		{Extended, "permit tcp 10.0.0.0 any", "", "", 3},
		{Extended, "permit 256 any any", "", "", 1},
		{Extended, "permit tcp host any any", "", "", 3},
	}
	ty := typeEntries()
	for _, tt := range tests {
		e, ok, out, prompt := ty.entry(tt.kind, tt.in)
		if tt.wantErrAt >= 0 {
			if ok {
				t.Errorf("%q: made %+v, want it refused at word %d", tt.in, e, tt.wantErrAt)
			} else if at := refusedAt(tt.in, out, prompt); at != tt.wantErrAt {
				t.Errorf("%q: refused at word %d, want %d:\n%s", tt.in, at, tt.wantErrAt, out)
			}
			continue
		}
		if !ok || out != "" {
			t.Errorf("%q: %s", tt.in, out)
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
		// Round trip: the rendering types back to the same entry.
		if back, ok, out, _ := ty.entry(tt.kind, e.ConfigText()); !ok || back != e {
			t.Errorf("%q: round trip of %q gave %+v, %s", tt.in, e.ConfigText(), back, out)
		}
	}
}

func FuzzEntryRoundTrip(f *testing.F) {
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
	ty := typeEntries()
	f.Fuzz(func(t *testing.T, extended bool, line string) {
		kind := Standard
		if extended {
			kind = Extended
		}
		if strings.ContainsAny(line, "\r\n\x1a?\t") {
			return // one line, no help or Ctrl-Z
		}
		e, ok, _, _ := ty.entry(kind, line)
		if !ok {
			return
		}
		// Whatever is accepted renders to text that types back to the same entry.
		text := e.ConfigText()
		back, ok, out, _ := ty.entry(kind, text)
		if !ok {
			t.Fatalf("%q rendered as %q which fails: %s", line, text, out)
		}
		if back != e {
			t.Fatalf("%q -> %q -> %+v, want %+v", line, text, back, e)
		}
		_ = e.ShowText()
	})
}
