package main

import (
	"flag"
	"slices"
	"testing"
)

func TestParseFlagsAnywhere(t *testing.T) {
	tests := []struct {
		args []string
		pos  []string
		lab  string
		json bool
	}{
		{[]string{"pat", "--json"}, []string{"pat"}, "", true},
		{[]string{"--lab", "x", "a", "b"}, []string{"a", "b"}, "x", false},
		{[]string{"a", "--lab=y", "-json"}, []string{"a"}, "y", true},
		{[]string{"a", "--", "--json"}, []string{"a", "--", "--json"}, "", false},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		lab := fs.String("lab", "", "")
		js := fs.Bool("json", false, "")
		pos, err := parse(fs, tt.args)
		if err != nil || !slices.Equal(pos, tt.pos) || *lab != tt.lab || *js != tt.json {
			t.Errorf("parse(%q) = %q lab=%q json=%v err=%v; want %q lab=%q json=%v", tt.args, pos, *lab, *js, err, tt.pos, tt.lab, tt.json)
		}
	}
}
