package system

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"natlab/internal/golden"
	"natlab/ios"
)

// TestShowIPARPJSON: learned and own entries, an incomplete one, and the
// address and interface filters; the text rebuilt from the JSON is the
// text.
func TestShowIPARPJSON(t *testing.T) {
	e, s := newTestSystem()
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	s.SetARPSource(func() []ARPEntry {
		return []ARPEntry{
			{Addr: netip.MustParseAddr("203.0.113.1"), AgeMin: -1, MAC: "5254.0012.3402", Interface: "GigabitEthernet0/1"},
			{Addr: netip.MustParseAddr("192.168.1.10"), AgeMin: 3, MAC: "0200.0000.0a01", Interface: "GigabitEthernet0/0"},
			{Addr: netip.MustParseAddr("192.168.1.1"), AgeMin: -1, MAC: "5254.0012.3401", Interface: "GigabitEthernet0/0"},
			{Addr: netip.MustParseAddr("203.0.113.9"), AgeMin: 0, MAC: "Incomplete", Interface: "GigabitEthernet0/1"},
		}
	})
	var out strings.Builder
	sess := e.NewSession(&out)
	sess.SetMode(ios.Exec)
	run := func(line string) string {
		out.Reset()
		sess.Execute(line)
		return out.String()
	}
	for _, tc := range []struct {
		cmd, name string
		n         int
	}{
		{"show ip arp", "ip_arp", 4},
		{"show ip arp 192.168.1.10", "ip_arp_addr", 1},
		{"show ip arp GigabitEthernet0/1", "ip_arp_if", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := run(tc.cmd)
			js := run(tc.cmd + " | json")
			golden.Compare(t, filepath.Join("testdata", "json", tc.name+".json"), js)
			var doc ARPJSON
			if err := json.Unmarshal([]byte(js), &doc); err != nil {
				t.Fatalf("%v\n%s", err, js)
			}
			if len(doc.Entries) != tc.n {
				t.Fatalf("%d entries:\n%s", len(doc.Entries), js)
			}
			var b strings.Builder
			b.WriteString("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n")
			for _, j := range doc.Entries {
				age := "-"
				if j.AgeMinutes >= 0 {
					age = fmt.Sprint(j.AgeMinutes)
				}
				fmt.Fprintf(&b, "%-8s  %-16s %8s   %-14s  %-4s   %s\n", j.Protocol, j.Address, age, j.MACAddress, j.Type, j.Interface)
			}
			if b.String() != text {
				t.Errorf("JSON says:\n%s\ntext says:\n%s", b.String(), text)
			}
		})
	}
}
