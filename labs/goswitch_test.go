package labs

import (
	"reflect"
	"testing"
)

// A switch with VLANs is the Go switch, run with a port per link and its VLANs; one without stays a
// bridge.
func TestSwitchArgs(t *testing.T) {
	top := loadSwitches(t)
	for _, c := range []struct {
		node string
		goSw bool
		args []string
	}{
		{"sw1", false, nil},
		{"sw2", true, []string{"switch", "--ready", "/run/x/sw2.ready", "--vlans", "10,20", "--port", "p1=trunk", "--port", "p2=access:10", "--port", "p3=access:20"}},
		{"r1", false, nil},
		{"pc1", false, nil},
	} {
		n := top.Node(c.node)
		if got := GoSwitch(n); got != c.goSw {
			t.Errorf("GoSwitch(%s) = %v, want %v", c.node, got, c.goSw)
		}
		if !c.goSw {
			continue
		}
		if got := SwitchArgs(top, n, ReadyPath("/run/x", c.node)); !reflect.DeepEqual(got, c.args) {
			t.Errorf("SwitchArgs(%s) =\n%q\nwant\n%q", c.node, got, c.args)
		}
	}
}
