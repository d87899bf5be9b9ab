package labs

import (
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const goodLab = `name: t1
message: hello
topology:
  nodes:
    r1:
      kind: router
      startup-config: r1.cfg
      restart: on-failure
    pc1: { ip: 192.168.1.10/24, gw: 192.168.1.1, routes: ["10.0.0.0/8 via 192.168.1.1"] }
    srv:
      kind: host
      ip: 192.168.2.10/24
      gw: 192.168.2.1
      exec: ["echo hi", "sleep 100 &"]
    lonely: {}
  links:
    - endpoints: ["r1:Gi0/0", "pc1:eth0"]
    - endpoints: ["srv:eth0", "r1:gigabitethernet0/5"]
tasks:
  - name: ping
    points: 10
    wait: 2.5
    node: pc1
    exec: ping -c1 192.168.1.1
  - name: route
    checks:
      - { node: r1, cli: "show ip route", match: 'C +192\.168\.1\.0', timeout: 3s }
      - { on: srv, exec: "true", rc: 0, no-match: error }
    pass: yes
    fail: no
`

func testFS() fstest.MapFS {
	return fstest.MapFS{"lab/r1.cfg": {Data: []byte("hostname R1\n")}}
}

func TestParseGood(t *testing.T) {
	top, err := Parse([]byte(goodLab), "t1.yml", testFS(), "lab")
	if err != nil {
		t.Fatal(err)
	}
	if top.Name != "t1" || top.Message != "hello" || len(top.Nodes) != 4 || len(top.Links) != 2 || len(top.Tasks) != 2 {
		t.Fatalf("parsed %+v", top)
	}
	r1 := top.Node("r1")
	if r1.Restart != RestartOnFailure {
		t.Errorf("r1 restart = %q, want %s", r1.Restart, RestartOnFailure)
	}
	if r1.Kind != Router || r1.StartupConfigText != "hostname R1\n" || r1.Interfaces != 6 {
		t.Errorf("r1 = %+v; want a router with its config and 6 interfaces (a link uses Gi0/5)", r1)
	}
	pc1 := top.Node("pc1")
	if pc1.Kind != Host || pc1.Addr != netip.MustParsePrefix("192.168.1.10/24") || pc1.Gateway != netip.MustParseAddr("192.168.1.1") {
		t.Errorf("pc1 = %+v", pc1)
	}
	if len(pc1.Routes) != 1 || pc1.Routes[0].String() != "10.0.0.0/8 via 192.168.1.1" {
		t.Errorf("pc1 routes = %v", pc1.Routes)
	}
	l := top.Links[1]
	if l.Ends[1].Node != r1 || l.Ends[1].If != "GigabitEthernet0/5" || l.Ends[0].Node.Name != "srv" || l.Ends[0].If != "eth0" || l.Kind() != LinkTUN {
		t.Errorf("link 2 = %+v", l)
	}
	if got := top.Node("srv").Exec; len(got) != 2 || got[1] != "sleep 100 &" {
		t.Errorf("srv exec = %q", got)
	}
	ping := top.Tasks[0]
	if ping.Points != 10 || ping.Wait != 2500*time.Millisecond || len(ping.Checks) != 1 || ping.Checks[0].Exec == "" || ping.Checks[0].Timeout != DefaultCheckTimeout {
		t.Errorf("task ping = %+v", ping)
	}
	route := top.Tasks[1]
	if route.Points != 1 || len(route.Checks) != 2 || route.Checks[0].Timeout != 3*time.Second || route.Checks[1].Node != "srv" || route.Pass != "yes" {
		t.Errorf("task route = %+v", route)
	}
	if !route.Checks[0].Match.MatchString("C    192.168.1.0/24 is directly connected") {
		t.Errorf("match regexp %v", route.Checks[0].Match)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // file:line: field: message (substring)
	}{
		{"not yaml", "name: [x\n", "bad.yml:1: not valid YAML"},
		{"empty", "", "bad.yml:1: the file is empty"},
		{"no name", "topology:\n  nodes: {}\n", "bad.yml:1: name: missing"},
		{"long name", "name: averyveryverylongname\ntopology: {nodes: {}}\n", "bad.yml:1: name: \"averyveryverylongname\": want up to 12"},
		{"unknown top field", "name: x\ntopolgy: {}\n", "bad.yml:2: topolgy: unknown field (want message, name, tasks, topology)"},
		{"unknown node field", "name: x\ntopology:\n  nodes:\n    pc1:\n      ipp: 1.2.3.4/24\n", "bad.yml:5: topology.nodes.pc1.ipp: unknown field"},
		{"bad kind", "name: x\ntopology:\n  nodes:\n    r1: {kind: hub}\n", "bad.yml:4: topology.nodes.r1.kind: \"hub\": want router, switch or host"},
		{"bad ip", "name: x\ntopology:\n  nodes:\n    pc1:\n      ip: 192.168.1.300/24\n", "bad.yml:5: topology.nodes.pc1.ip: \"192.168.1.300/24\" is not an IPv4 address"},
		{"ip without prefix", "name: x\ntopology:\n  nodes:\n    pc1: {ip: 192.168.1.3}\n", "bad.yml:4: topology.nodes.pc1.ip"},
		{"gw off subnet", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n    pc1:\n      ip: 10.0.0.2/24\n      gw: 10.0.1.1\n  links:\n    - endpoints: [\"r1:g0/0\", \"pc1:eth0\"]\n", "bad.yml:7: topology.nodes.pc1.gw: 10.0.1.1 is not another address in 10.0.0.0/24"},
		{"host field on router", "name: x\ntopology:\n  nodes:\n    r1:\n      kind: router\n      ip: 10.0.0.1/24\n", "bad.yml:6: topology.nodes.r1.ip: only host nodes have this field"},
		{"router field on host", "name: x\ntopology:\n  nodes:\n    pc1:\n      restart: no\n", "bad.yml:5: topology.nodes.pc1.restart: only router nodes have this field (pc1 is a host)"},
		{"router field on a host by default", "name: x\ntopology:\n  defaults: {kind: host}\n  nodes:\n    pc1: {config: hostname x}\n", "bad.yml:5: topology.nodes.pc1.config: only router nodes have this field"},
		{"host field names the kind", "name: x\ntopology:\n  nodes:\n    r1: {kind: router, exec: ls}\n", "topology.nodes.r1.exec: only host nodes have this field (r1 is a router; configure it in its startup-config)"},
		{"bad gw", "name: x\ntopology:\n  nodes:\n    pc1:\n      gw: 10.0.0.300\n", "bad.yml:5: topology.nodes.pc1.gw: \"10.0.0.300\" is not an IPv4 address such as 192.168.1.1"},
		{"gw not a string", "name: x\ntopology:\n  nodes:\n    pc1:\n      gw: [1]\n", "bad.yml:5: topology.nodes.pc1.gw: want a string"},
		{"startup-config and config", "name: x\ntopology:\n  nodes:\n    r1:\n      kind: router\n      startup-config: r1.cfg\n      config: hostname r1\n", "bad.yml:6: topology.nodes.r1.startup-config: give startup-config or config, not both"},
		{"bad route gateway", "name: x\ntopology:\n  nodes:\n    pc1:\n      routes: [default via 1.2.3]\n", "topology.nodes.pc1.routes[0]: \"default via 1.2.3\": \"1.2.3\" is not an IPv4 address"},
		{"missing startup-config", "name: x\ntopology:\n  nodes:\n    r1:\n      kind: router\n      startup-config: nope.cfg\n", "bad.yml:6: topology.nodes.r1.startup-config: cannot read nope.cfg"},
		{"bad route", "name: x\ntopology:\n  nodes:\n    pc1:\n      routes:\n        - 10.0.0.0/8 through 1.2.3.4\n", "bad.yml:6: topology.nodes.pc1.routes[0]: \"10.0.0.0/8 through 1.2.3.4\": want PREFIX via ADDRESS"},
		{"unknown endpoint node", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n  links:\n    - endpoints: [\"r1:Gi0/0\", \"pc9:eth0\"]\n", "bad.yml:6: topology.links[0].endpoints[1]: \"pc9:eth0\": there is no node \"pc9\""},
		{"bad router interface", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n    pc1: {}\n  links:\n    - endpoints: [\"r1:Serial0/0/1\", \"pc1:eth0\"]\n", "bad.yml:7: topology.links[0].endpoints[0]: \"Serial0/0/1\" is not a router interface"},
		{"endpoint without colon", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n  links:\n    - endpoints: [\"r1\", \"pc1:eth0\"]\n", "topology.links[0].endpoints[0]: \"r1\": want NODE:INTERFACE"},
		{"three endpoints", "name: x\ntopology:\n  nodes: {}\n  links:\n    - endpoints: [a:b, c:d, e:f]\n", "bad.yml:5: topology.links[0].endpoints: want two endpoints"},
		{"link to itself", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n  links:\n    - endpoints: [\"r1:Gi0/0\", \"r1:Gi0/1\"]\n", "bad.yml:6: topology.links[0].endpoints: both ends are on r1; a link joins two nodes"},
		{"link without endpoints", "name: x\ntopology:\n  nodes: {}\n  links:\n    - {}\n", "bad.yml:5: topology.links[0].endpoints: missing"},
		{"links not a list", "name: x\ntopology:\n  nodes: {}\n  links: {a: b}\n", "bad.yml:4: topology.links: want a list of links"},
		{"endpoint not a string", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n  links:\n    - endpoints: [[r1], \"pc1:eth0\"]\n", "bad.yml:6: topology.links[0].endpoints[0]: want a string"},
		{"interface used twice", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n    a: {}\n    b: {}\n  links:\n    - endpoints: [\"r1:Gi0/0\", \"a:eth0\"]\n    - endpoints: [\"r1:gi0/0\", \"b:eth0\"]\n", "bad.yml:9: topology.links[1].endpoints[0]: \"r1:gi0/0\": r1:GigabitEthernet0/0 is already used by the link on line 8"},
		{"host with two links", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n    a: {}\n  links:\n    - endpoints: [\"r1:Gi0/0\", \"a:eth0\"]\n    - endpoints: [\"r1:Gi0/1\", \"a:eth1\"]\n", "bad.yml:8: topology.links[1].endpoints: host a already has a link (line 7)"},
		{"too few interfaces", "name: x\ntopology:\n  nodes:\n    r1: {kind: router, interfaces: 2}\n    a: {}\n  links:\n    - endpoints: [\"r1:Gi0/3\", \"a:eth0\"]\n", "bad.yml:4: topology.nodes.r1.interfaces: 2 interfaces end at GigabitEthernet0/1, but a link uses GigabitEthernet0/3"},
		{"long host ifname", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\n    a: {}\n  links:\n    - endpoints: [\"r1:Gi0/0\", \"a:averyverylongifname\"]\n", "is not a Linux interface name"},
		{"duplicate node", "name: x\ntopology:\n  nodes:\n    a: {}\n    a: {}\n", "bad.yml:5: topology.nodes.a: node defined twice"},
		{"task without checks", "name: x\ntopology:\n  nodes: {}\ntasks:\n  - name: t\n    points: 3\n", "bad.yml:5: tasks[0].checks: missing"},
		{"task check on unknown node", "name: x\ntopology:\n  nodes: {}\ntasks:\n  - name: t\n    node: ghost\n    exec: true\n", "bad.yml:5: tasks[0].node: there is no node \"ghost\""},
		{"exec on router", "name: x\ntopology:\n  nodes:\n    r1: {kind: router}\ntasks:\n  - name: t\n    checks:\n      - {node: r1, exec: ls}\n", "bad.yml:8: tasks[0].checks[0].exec: r1 is a router: use cli"},
		{"bad regexp", "name: x\ntopology:\n  nodes:\n    a: {}\ntasks:\n  - name: t\n    node: a\n    exec: ls\n    match: '(unclosed'\n", "bad.yml:9: tasks[0].match: bad regular expression"},
		{"bad points", "name: x\ntopology:\n  nodes:\n    a: {}\ntasks:\n  - name: t\n    points: lots\n    node: a\n    exec: ls\n", "bad.yml:7: tasks[0].points: want a whole number"},
		{"bad wait", "name: x\ntopology:\n  nodes:\n    a: {}\ntasks:\n  - name: t\n    wait: forever\n    node: a\n    exec: ls\n", "bad.yml:7: tasks[0].wait: want seconds"},
		{"both exec and cli", "name: x\ntopology:\n  nodes:\n    a: {}\ntasks:\n  - name: t\n    node: a\n    exec: ls\n    cli: show\n", "bad.yml:6: tasks[0]: give exec or cli, not both"},
		{"duplicate task", "name: x\ntopology:\n  nodes:\n    a: {}\ntasks:\n  - {name: t, node: a, exec: ls}\n  - {name: t, node: a, exec: ls}\n", "bad.yml:7: tasks[1].name: task \"t\" defined twice"},
		{"bad restart", "name: x\ntopology:\n  nodes:\n    r1: {kind: router, restart: always}\n", "bad.yml:4: topology.nodes.r1.restart: \"always\": want no or on-failure"},
		{"restart on a host", "name: x\ntopology:\n  nodes:\n    a: {restart: on-failure}\n", "bad.yml:4: topology.nodes.a.restart: only router nodes have this field"},
		{"field given twice", "name: x\nname: y\ntopology: {nodes: {}}\n", "bad.yml:2: name: given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "bad.yml", testFS(), "lab")
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error %T %v is not an ErrorList", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
		})
	}
}

func TestShippedLabsParse(t *testing.T) {
	for _, d := range ShippedLabs() {
		top, err := LoadShipped(d)
		if err != nil {
			t.Errorf("%s: %v", d, err)
			continue
		}
		if len(top.Tasks) == 0 {
			t.Errorf("%s: no tasks", d)
		}
		if _, err := ShippedFile(d, "README.md"); err != nil {
			t.Errorf("%s: %v", d, err)
		}
		if d != DefaultLab {
			if _, err := ShippedFile(d, "solution.cfg"); err != nil {
				t.Errorf("%s: %v", d, err)
			}
		}
		total := 0
		for _, task := range top.Tasks {
			total += task.Points
		}
		if total != 100 {
			t.Errorf("%s: points add up to %d, want 100", d, total)
		}
	}
	if _, err := LoadShipped("ccna-e5"); err != nil {
		t.Errorf("by lab name: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(goodLab))
	if b, err := os.ReadFile("testdata/switches.yml"); err == nil {
		f.Add(b)
	}
	for _, d := range ShippedLabs() {
		b, _ := ShippedFile(d, "topology.yml")
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		top, err := Parse(data, "fuzz.yml", testFS(), "lab")
		if err == nil && top == nil {
			t.Fatal("no topology and no error")
		}
	})
}
