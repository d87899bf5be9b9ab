package nat

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
)

// jsonNATLab is the E5 lab with every kind of entry: PAT flows (TCP, UDP,
// ICMP), a pool's address binding, statics (address and port) and an
// outside static, with ages that differ.
func jsonNATLab(t *testing.T) *cliLab {
	t.Helper()
	l := newCLILab(t)
	l.script(t, insideRoles+`interface gi0/1
 ip nat outside
 exit
access-list 1 permit 192.168.1.0 0.0.0.255
access-list 2 permit 192.168.2.0 0.0.0.255
ip nat pool PUBLIC 203.0.113.50 203.0.113.60 netmask 255.255.255.0
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip nat inside source list 2 pool PUBLIC
ip nat inside source static 192.168.2.10 203.0.113.100
ip nat inside source static tcp 192.168.2.11 21 203.0.113.101 2121 extendable
ip nat outside source static 198.51.100.5 10.0.0.5
end
`)
	l.through(echoPkt(8, "192.168.1.10", "203.0.113.10", 1), "GigabitEthernet0/0", "GigabitEthernet0/1")
	l.clock.Advance(3 * time.Second)
	l.through(tcpPkt("192.168.1.10", 49732, "203.0.113.10", 21, syn), "GigabitEthernet0/0", "GigabitEthernet0/1")
	l.through(udpPkt("192.168.2.20", 5353, "203.0.113.10", 53), "GigabitEthernet0/2", "GigabitEthernet0/1")
	l.clock.Advance(20 * time.Second)
	l.through(udpPkt("192.168.1.11", 49732, "203.0.113.10", 53), "GigabitEthernet0/0", "GigabitEthernet0/1")
	l.clock.Advance(2 * time.Second)
	if strings.Contains(l.out.String(), "% ") {
		t.Fatalf("configuration failed:\n%s", l.out.String())
	}
	return l
}

// show runs one line and returns what it printed.
func (l *cliLab) show(line string) string {
	l.out.Reset()
	l.s.Execute(line)
	return l.out.String()
}

// showBoth runs cmd and cmd | json, checks the document against
// testdata/json/NAME.json and decodes it into doc.
func (l *cliLab) showBoth(t *testing.T, cmd, name string, doc any) string {
	t.Helper()
	text := l.show(cmd)
	js := l.show(cmd + " | json")
	golden.Compare(t, filepath.Join("testdata", "json", name+".json"), js)
	if err := json.Unmarshal([]byte(js), doc); err != nil {
		t.Fatalf("%s | json: %v\n%s", cmd, err, js)
	}
	return text
}

// column is an endpoint as the text prints it.
func column(addr string, port uint16, ports bool) string {
	switch {
	case addr == "":
		return "---"
	case ports:
		return addr + ":" + strconv.Itoa(int(port))
	}
	return addr
}

func TestShowTranslationsJSON(t *testing.T) {
	l := jsonNATLab(t)
	for _, tc := range []struct{ cmd, name string }{
		{"show ip nat translations", "translations"},
		{"show ip nat translations verbose", "translations_verbose"},
		{"show ip nat translations udp", "translations_udp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var doc TranslationsJSON
			text := l.showBoth(t, tc.cmd, tc.name, &doc)
			var rows, verbose []string
			for _, line := range strings.Split(text, "\n")[1:] {
				switch {
				case strings.HasPrefix(line, "  create "):
					verbose = append(verbose, line)
				case line == "" || strings.HasPrefix(line, "  flags:") || strings.Contains(line, "use_count:"):
				default:
					rows = append(rows, line)
				}
			}
			if len(rows) != len(doc.Translations) || len(rows) < 2 {
				t.Fatalf("%d text rows, %d JSON rows:\n%s", len(rows), len(doc.Translations), text)
			}
			v := 0
			for k, j := range doc.Translations {
				ports := j.Protocol != ""
				proto := j.Protocol
				if proto == "" {
					proto = "---"
				}
				want := []string{proto, column(j.InsideGlobal, j.InsideGlobalPort, ports), column(j.InsideLocal, j.InsideLocalPort, ports),
					column(j.OutsideLocal, j.OutsideLocalPort, ports), column(j.OutsideGlobal, j.OutsideGlobalPort, ports)}
				if got := strings.Fields(rows[k]); strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("row %d: text %q, JSON %q", k, got, want)
				}
				if j.Verbose == nil {
					continue
				}
				w := fmt.Sprintf("  create %s, use %s, ", age(time.Duration(j.Verbose.CreateSeconds)*time.Second), age(time.Duration(j.Verbose.UseSeconds)*time.Second))
				if j.Verbose.TimeoutMs > 0 {
					w += fmt.Sprintf("timeout:%d, left %s, Map-Id(In): %d, ", j.Verbose.TimeoutMs, age(time.Duration(j.Verbose.LeftSeconds)*time.Second), j.Verbose.MapID)
				}
				if v >= len(verbose) || verbose[v] != w {
					t.Errorf("row %d: verbose text lacks %q", k, w)
				}
				v++
				if !strings.Contains(text, fmt.Sprintf("%s, use_count: %d, entry-id: %d,", j.Verbose.Flags, j.Verbose.UseCount, j.Verbose.EntryID)) {
					t.Errorf("row %d: no flags line for %+v", k, j.Verbose)
				}
			}
			if v != len(verbose) {
				t.Errorf("%d verbose blocks in the text, %d in JSON", len(verbose), v)
			}
		})
	}
}

func TestShowNATStatisticsJSON(t *testing.T) {
	l := jsonNATLab(t)
	var j StatisticsJSON
	text := l.showBoth(t, "show ip nat statistics", "statistics", &j)
	want := []string{
		fmt.Sprintf("Total active translations: %d (%d static, %d dynamic; %d extended)\n", j.ActiveTranslations, j.Static, j.Dynamic, j.Extended),
		fmt.Sprintf("Peak translations: %d, occurred %s ago\n", j.PeakTranslations, age(time.Duration(j.PeakAgeSeconds)*time.Second)),
		"Outside interfaces:\n  " + strings.Join(j.OutsideInterfaces, ", ") + "\n",
		"Inside interfaces: \n  " + strings.Join(j.InsideInterfaces, ", ") + "\n",
		fmt.Sprintf("Hits: %d  Misses: %d\n", j.Hits, j.Misses),
		fmt.Sprintf("Expired translations: %d\n", j.ExpiredTranslation),
		fmt.Sprintf("In-to-out drops: %d  Out-to-in drops: %d\n", j.InToOutDrops, j.OutToInDrops),
		fmt.Sprintf("Unestablished translations evicted: %d\n", j.Evicted),
		fmt.Sprintf("Appl doors: %d\n", j.ApplDoors),
	}
	for _, m := range j.Mappings {
		target := "pool " + m.Pool
		if m.Interface != "" {
			target = "interface " + m.Interface
		}
		want = append(want, fmt.Sprintf("[Id: %d] access-list %s %s refcount %d\n", m.ID, m.AccessList, target, m.Refcount))
		if p := m.PoolStats; p != nil {
			want = append(want, fmt.Sprintf(" pool %s: netmask %s\n\tstart %s end %s\n\ttype generic, total addresses %d, allocated %d", m.Pool, p.Netmask, p.Start, p.End, p.TotalAddresses, p.Allocated))
		}
	}
	for _, lim := range j.Limits {
		want = append(want, fmt.Sprintf(" %s: max allowed %d, used %d, missed %d\n", lim.Name, lim.Max, lim.Used, lim.Missed))
	}
	for _, d := range j.DropsByCause {
		want = append(want, fmt.Sprintf(" %s %d", d.Cause, d.Count))
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}
	if len(j.Mappings) != 2 || j.Mappings[1].PoolStats == nil || j.Dynamic == 0 || j.Misses == 0 {
		t.Errorf("state not shown: %+v", j)
	}
}

// TestNATJSONEmpty: an unconfigured NAT gives empty lists, never null.
func TestNATJSONEmpty(t *testing.T) {
	l := newCLILab(t)
	for _, cmd := range []string{"show ip nat translations | json", "show ip nat statistics | json"} {
		got := l.show(cmd)
		if strings.Contains(got, "null") || !json.Valid([]byte(got)) {
			t.Errorf("%s:\n%s", cmd, got)
		}
	}
}
