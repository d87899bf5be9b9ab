package labs

import (
	"strings"
	"testing"
)

func TestParseDHCPHost(t *testing.T) {
	tests := []struct {
		name, nodes, links, err string
	}{
		{"behind a switch", "pc: { ip: dhcp }\n    s1: { kind: switch }",
			`["r1:Gi0/0", "s1:p1"]}, {endpoints: ["pc:eth0", "s1:p2"]`, ""},
		{"on a router's TUN", "pc: { ip: dhcp }", `["r1:Gi0/0", "pc:eth0"]`, "ip: dhcp needs an Ethernet link: put a switch between pc and r1"},
		{"with a gateway", "pc: { ip: dhcp, gw: 192.168.1.1 }\n    s1: { kind: switch }",
			`["r1:Gi0/0", "s1:p1"]}, {endpoints: ["pc:eth0", "s1:p2"]`, "takes its gateway from the DHCP server"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := "name: d\ntopology:\n  nodes:\n    r1: { kind: router }\n    " + tt.nodes + "\n  links: [{endpoints: " + tt.links + "}]\n"
			top, err := Parse([]byte(y), "d.yml", testFS(), "lab")
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("%v\n%s", err, y)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("error %v, want %q", err, tt.err)
			case tt.err == "" && (!top.Node("pc").DHCP || top.Node("pc").Addr.IsValid()):
				t.Fatalf("pc: %+v", top.Node("pc"))
			}
		})
	}
}
