package main

import (
	"strings"
	"testing"

	"natlab/labs"
)

func TestInventoryTopology(t *testing.T) {
	t.Setenv(labs.RunDirEnv, t.TempDir()) // no lab is running
	for _, tc := range []struct{ arg, lab, err string }{
		{"", "", "no lab is running"},
		{"ftp-nat", "ftp-nat", ""},
		{"../../labs/testdata/inventory.yml", "inv", ""},
		{"no-such-lab", "", "no-such-lab"},
	} {
		top, configs, err := inventoryTopology(tc.arg)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want %q", tc.arg, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.arg, err)
		case top.Name != tc.lab || configs != nil:
			t.Errorf("%q: lab %s, configs %v", tc.arg, top.Name, configs)
		}
	}
}

func TestInventoryArgs(t *testing.T) {
	t.Setenv(labs.RunDirEnv, t.TempDir())
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--ansible", "--nornir", "ftp-nat"}, "not both"},
		{[]string{"a", "b"}, "at most one lab"},
		{[]string{"--lab", "a", "b"}, "at most one lab"},
		{[]string{"--from", "r1", "ftp-nat"}, "not a host"},
		{[]string{"--from", "isp", "--nornir", "ftp-nat"}, ""},
	} {
		err := cmdInventory(tc.args)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.err)
		}
	}
}
