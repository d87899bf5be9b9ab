package nat

import (
	"net/netip"
	"slices"
	"testing"
)

// The oldest entry that shares a new entry's local or global side decides
// what IOS answers, even when an identical (extendable) entry exists.
func TestStaticChecksOldestEntryDecides(t *testing.T) {
	cases := []struct {
		name  string
		setup []StaticRule
		add   StaticRule
		want  string
	}{
		{"identical entry", []StaticRule{{Local: ip("10.0.0.1"), Global: ip("198.51.100.1")}},
			StaticRule{Local: ip("10.0.0.1"), Global: ip("198.51.100.1")}, ""},
		{"an older entry maps the local address elsewhere",
			[]StaticRule{{Local: ip("10.0.0.1"), Global: ip("198.51.100.1"), Extendable: true}, {Local: ip("10.0.0.1"), Global: ip("198.51.100.2"), Extendable: true}},
			StaticRule{Local: ip("10.0.0.1"), Global: ip("198.51.100.2")}, "% 10.0.0.1 already mapped (10.0.0.1 -> 198.51.100.1)"},
		{"an older entry has the global address",
			[]StaticRule{{Local: ip("10.0.0.9"), Global: ip("198.51.100.2"), Extendable: true}, {Local: ip("10.0.0.1"), Global: ip("198.51.100.2"), Extendable: true}},
			StaticRule{Local: ip("10.0.0.1"), Global: ip("198.51.100.2")}, "% similar static entry (10.0.0.1 -> 198.51.100.2) already exists"},
		{"extendable: only an identical entry matters",
			[]StaticRule{{Local: ip("10.0.0.1"), Global: ip("198.51.100.1")}},
			StaticRule{Local: ip("10.0.0.1"), Global: ip("198.51.100.2"), Extendable: true}, ""},
		{"ports of another protocol do not clash",
			[]StaticRule{{Proto: 6, Local: ip("10.0.0.1"), LocalPort: 53, Global: ip("198.51.100.1"), GlobalPort: 53}},
			StaticRule{Proto: 17, Local: ip("10.0.0.1"), LocalPort: 53, Global: ip("198.51.100.1"), GlobalPort: 53}, ""},
		{"the same interface and port",
			[]StaticRule{{Proto: 6, Local: ip("10.0.0.1"), LocalPort: 22, Interface: "GigabitEthernet0/1", GlobalPort: 2222}},
			StaticRule{Proto: 6, Local: ip("10.0.0.2"), LocalPort: 22, Interface: "GigabitEthernet0/1", GlobalPort: 2222}, "% similar static entry (10.0.0.2 -> GigabitEthernet0/1) already exists"},
	}
	for _, c := range cases {
		l := newLab(t)
		for _, r := range c.setup {
			must(t, l.AddStatic(r))
		}
		got := ""
		if err := l.AddStatic(c.add); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestOutsideChecksOldestEntryDecides(t *testing.T) {
	l := newLab(t)
	must(t, l.AddOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5"), Extendable: true}))
	must(t, l.AddOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.6"), Extendable: true}))
	for _, c := range []struct {
		add  OutsideStatic
		want string
	}{
		{OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.6")}, "% 198.51.100.5 already mapped (198.51.100.5 -> 10.0.0.5)"},
		{OutsideStatic{Global: ip("198.51.100.7"), Local: ip("10.0.0.6")}, "% similar static entry (198.51.100.7 -> 10.0.0.6) already exists"},
		{OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.6"), Extendable: true}, ""},
	} {
		got := ""
		if err := l.AddOutsideStatic(c.add); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%+v: got %q, want %q", c.add, got, c.want)
		}
	}
	must(t, l.RemoveOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5")}))
	if err := l.RemoveOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5")}); err != ErrNotFound {
		t.Fatalf("removed twice: %v", err)
	}
}

// A rule may name an interface before it exists: it translates nothing
// until the interface is there, then follows its address; a removed
// interface's index is never used for another.
func TestInterfaceNamedBeforeItExists(t *testing.T) {
	l := newLab(t)
	ifaces := append(slices.Clone(labInterfaces), "")
	l.NAT.ifIndex = func(name string) int { return slices.Index(ifaces, name) }
	l.NAT.ifAddress = func(i int) netip.Addr { return l.ifs[ifaces[i]] }
	must(t, l.AddMapping(Mapping{List: "1", Interface: "Loopback0", Overload: true}))
	l.run(t, []step{{"no such interface yet", "out", udpPkt("192.168.1.10", 1000, "203.0.113.10", 53), Drop, "", 0, "", 0}})
	ifaces[3] = "Loopback0"
	l.ifs["Loopback0"] = ip("198.51.100.1")
	l.run(t, []step{{"created since", "out", udpPkt("192.168.1.10", 1000, "203.0.113.10", 53), Created, "198.51.100.1", 1000, "203.0.113.10", 53}})
	l.ClearAll()
	ifaces[3] = "Loopback1" // Loopback0 removed, Loopback1 takes its index
	l.ifs["Loopback1"] = ip("198.51.100.2")
	l.RemoveInterface("Loopback0")
	l.run(t, []step{{"removed", "out", udpPkt("192.168.1.10", 1001, "203.0.113.10", 53), Drop, "", 0, "", 0}})
}
