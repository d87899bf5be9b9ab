package main

import (
	"reflect"
	"testing"

	"natlab/l2switch"
)

func TestParseSwitchPorts(t *testing.T) {
	for _, c := range []struct {
		name  string
		specs []string
		vlans string
		want  []switchPort // nil: an error
	}{
		{"access and trunk, all VLANs", []string{"p1=trunk", "p2=access:10", "p3=access"}, "",
			[]switchPort{{name: "p1", mode: l2switch.Trunk, vlan: 1}, {name: "p2", vlan: 10}, {name: "p3", vlan: 1}}},
		{"trunks carry the listed and the access VLANs", []string{"up=trunk", "p2=access:30"}, "20,10",
			[]switchPort{{name: "up", mode: l2switch.Trunk, vlan: 1, allowed: []uint16{10, 20, 30}}, {name: "p2", vlan: 30}}},
		{"ranges", []string{"t=trunk"}, "5-7,6",
			[]switchPort{{name: "t", mode: l2switch.Trunk, vlan: 1, allowed: []uint16{5, 6, 7}}}},
		{"VLAN 0", []string{"p=access:0"}, "", nil},
		{"VLAN 4095", []string{"p=access:4095"}, "", nil},
		{"not a number", []string{"p=access:x"}, "", nil},
		{"trunk with an argument", []string{"p=trunk:10"}, "", nil},
		{"unknown mode", []string{"p=hybrid"}, "", nil},
		{"no mode", []string{"p"}, "", nil},
		{"no name", []string{"=trunk"}, "", nil},
		{"long name", []string{"abcdefghijklmnop=trunk"}, "", nil},
		{"twice", []string{"p=trunk", "p=access"}, "", nil},
		{"bad range", []string{"p=trunk"}, "9-3", nil},
		{"empty list item", []string{"p=trunk"}, "10,", nil},
	} {
		got, err := parseSwitchPorts(c.specs, c.vlans)
		switch {
		case c.want == nil && err == nil:
			t.Errorf("%s: accepted: %+v", c.name, got)
		case c.want != nil && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != nil && !reflect.DeepEqual(got, c.want):
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

// FuzzSwitchPorts: any --port and --vlans either fail or give ports a switch takes.
func FuzzSwitchPorts(f *testing.F) {
	f.Add("p1=trunk", "p2=access:10", "10,20-22")
	f.Add("x=access", "y=access:4094", "")
	f.Add("a=trunk:1", "=", "-,")
	f.Fuzz(func(t *testing.T, a, b, vlans string) {
		ports, err := parseSwitchPorts([]string{a, b}, vlans)
		if err != nil {
			return
		}
		for _, p := range ports {
			if p.name == "" || len(p.name) > 15 || p.vlan < 1 || p.vlan > l2switch.MaxVLAN {
				t.Fatalf("%+v", p)
			}
			for _, v := range p.allowed {
				if v < 1 || v > l2switch.MaxVLAN {
					t.Fatalf("%+v allows VLAN %d", p, v)
				}
			}
		}
	})
}
