package main

import (
	"encoding/json"
	"strings"
	"testing"

	"natlab/labs"
)

// jsonTasks grade the small lab with json conditions on the router's
// show ... | json: three that hold once h1 has pinged h2, one that does not.
const jsonTasks = `tasks:
  - name: ping
    wait: 5
    node: h1
    exec: ping -c 2 -W 1 10.2.0.10
  - name: brief
    node: r1
    cli: show ip interface brief
    json:
      - interfaces.# >= 2
      - interfaces[name=Gi0/0].status == up
      - interfaces[name=gi 0/1].ip_address == 10.2.0.1
  - name: route-and-counters
    checks:
      - { node: r1, cli: show ip route, json: "routes[prefix=10.1.0.0/24].interface == Gi0/0" }
      - { node: r1, cli: "show interfaces Gi0/1 | json", json: ["interfaces[0].packets_output >= 2", "interfaces[*].name == GigabitEthernet0/1"] }
      - { node: r1, cli: show logging, json: "messages[*] contains LINEPROTO-5-UPDOWN" }
  - name: wrong-address
    node: r1
    cli: show ip interface brief
    json: interfaces[name=Gi0/0].ip_address == 10.9.9.9
`

// TestCheckJSONLive: labs check reads a live router's JSON: the tasks
// whose conditions hold pass, the one that does not fails and says what
// the router had.
func TestCheckJSONLive(t *testing.T) {
	e := newEnv(t)
	name := labName("j")
	file := writeTopology(t, smallLab(name, 2)+jsonTasks)
	e.up(file)
	e.cleanupLab(name)
	out, _, code := e.labs("", "check", "--lab", name, "--json")
	var rep labs.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || len(rep.Results) != 4 {
		t.Fatalf("labs check --json: exit %d (want 1), %v\n%s", code, err, out)
	}
	for _, r := range rep.Results {
		if r.Passed != (r.Task != "wrong-address") {
			t.Errorf("%s: passed %v: %s", r.Task, r.Passed, r.Detail)
		}
	}
	want := `r1: "show ip interface brief | json": interfaces[name=Gi0/0].ip_address == 10.9.9.9 does not hold: interfaces[name=Gi0/0].ip_address is 10.1.0.1`
	if d := rep.Results[3].Detail; d != want {
		t.Errorf("wrong-address detail:\n%s\nwant:\n%s", d, want)
	}
	out, _, code = e.labs("", "check", "--lab", name, "-v", "wrong-address")
	if code != 1 || !strings.Contains(out, "is 10.1.0.1") {
		t.Errorf("labs check -v wrong-address: exit %d\n%s", code, out)
	}
}
