package labs

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"natlab/internal/golden"
)

func loadInventoryLab(t *testing.T) *Topology {
	t.Helper()
	top, err := LoadFile("testdata/inventory.yml")
	if err != nil {
		t.Fatal(err)
	}
	return top
}

func TestTargets(t *testing.T) {
	top := loadInventoryLab(t)
	for _, tc := range []struct {
		name, from string
		configs    map[string]string
		want       map[string]string // router -> "addr from:if interface", "" = unreached
	}{
		{name: "first host", want: map[string]string{
			"r1": "192.168.1.1 pc1:eth0 GigabitEthernet0/0",
			"r2": "172.16.0.1 pc2:eth0 GigabitEthernet0/0", // no address in its config: pc2's gateway
			"r3": "",                                       // only a router on its link
		}},
		{name: "host behind a switch, on a subinterface", from: "pc20", want: map[string]string{
			"r1": "192.168.20.1 pc20:eth0 GigabitEthernet0/1.20", "r2": "", "r3": "",
		}},
		{name: "working config replaces the topology's", from: "pc1",
			configs: map[string]string{"r1": "interface GigabitEthernet0/0\n ip address 192.168.1.254 255.255.255.0\n"},
			want:    map[string]string{"r1": "192.168.1.254 pc1:eth0 GigabitEthernet0/0", "r2": "", "r3": ""}},
		{name: "an address on the link but not the host's subnet: no guess", from: "pc1",
			configs: map[string]string{"r1": "interface GigabitEthernet0/0\n ip address 10.1.1.1 255.255.255.0\n"},
			want:    map[string]string{"r1": "", "r2": "", "r3": ""}},
		{name: "the host's own address is not the router's", from: "pc1",
			configs: map[string]string{"r1": "interface GigabitEthernet0/0\n ip address 192.168.1.10 255.255.255.0\n"},
			want:    map[string]string{"r1": "", "r2": "", "r3": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := top.Targets(tc.from, tc.configs)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d targets, want %d: %+v", len(got), len(tc.want), got)
			}
			for _, tg := range got {
				s := ""
				if tg.Addr.IsValid() {
					s = tg.Addr.String() + " " + tg.From + ":" + tg.FromIf + " " + tg.Interface
				}
				if s != tc.want[tg.Name] {
					t.Errorf("%s: %q, want %q", tg.Name, s, tc.want[tg.Name])
				}
			}
		})
	}
	for _, bad := range []string{"r1", "sw1", "nobody"} {
		if _, err := top.Targets(bad, nil); err == nil {
			t.Errorf("--from %s: no error", bad)
		}
	}
}

func TestTargetCredentials(t *testing.T) {
	got, err := loadInventoryLab(t).Targets("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Username != "admin" || got[0].Password != "1234" || got[1].Username != "" || got[1].Password != "c1sco: yes" {
		t.Errorf("credentials: %+v", got)
	}
}

func TestCredentialFields(t *testing.T) {
	for _, tc := range []struct{ node, err string }{
		{`{ kind: router, username: admin, password: cisco }`, ""},
		{`{ kind: router, password: cisco }`, ""},
		{`{ kind: router, username: admin }`, "needs a password"},
		{`{ kind: router, username: "", password: x }`, "printable"},
		{`{ kind: router, username: "a\tb", password: x }`, "printable"},
		{`{ kind: router, username: [a], password: x }`, "want a string"},
		{`{ kind: router, password: "` + strings.Repeat("x", 65) + `" }`, "printable"},
		{`{ ip: 10.0.0.2/24, username: admin, password: x }`, "only router nodes"},
	} {
		src := "name: c\ntopology:\n  nodes:\n    n1: " + tc.node + "\n    r9: { kind: router }\n  links:\n    - endpoints: [\"n1:eth0\", \"r9:Gi0/0\"]\n"
		if strings.Contains(tc.node, "router") {
			src = "name: c\ntopology:\n  nodes:\n    n1: " + tc.node + "\n"
		}
		_, err := Parse([]byte(src), "c.yml", nil, "")
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.node, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.node, err, tc.err)
		}
	}
}

func TestInterfaceAddrs(t *testing.T) {
	for _, tc := range []struct {
		cfg  string
		want string
	}{
		{"interface GigabitEthernet0/0\n ip address 192.168.1.1 255.255.255.0\n", "GigabitEthernet0/0=192.168.1.1/24"},
		{"interface g0/1\n ip address 10.0.0.1 255.0.0.0\ninterface Gi0/2.30\n ip address 10.3.0.1 255.255.0.0\n", "GigabitEthernet0/1=10.0.0.1/8 GigabitEthernet0/2.30=10.3.0.1/16"},
		{"interface GigabitEthernet0/0\n ip address 1.1.1.1 255.255.255.0\n ip address 2.2.2.2 255.255.255.0\n", "GigabitEthernet0/0=2.2.2.2/24"},
		{"interface GigabitEthernet0/0\n ip address 1.1.1.1 255.255.255.0 secondary\n", ""},
		{"interface GigabitEthernet0/0\n no ip address\n", ""},
		{"interface Loopback0\n ip address 9.9.9.9 255.255.255.255\n", ""},
		{"interface GigabitEthernet0/0\n ip address 1.1.1.1 255.0.255.0\n", ""},    // not a mask
		{"interface GigabitEthernet0/0\n ip address 1.1.1.1 0.0.0.0\n", ""},        // no network
		{"interface GigabitEthernet0/0\n ip address 1.1.1.1 255.255.255.0x\n", ""}, // not an address
		{"interface GigabitEthernet0/0\n!\nhostname R\n ip address 1.1.1.1 255.255.255.0\n", ""},
		{"interface GigabitEthernet0/0.x\n ip address 1.1.1.1 255.255.255.0\n", ""},
		{"ip address 1.1.1.1 255.255.255.0\n", ""},
		{"", ""},
	} {
		var parts []string
		for _, a := range interfaceAddrs(tc.cfg) {
			parts = append(parts, a.name+"="+a.pfx.String())
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.cfg, got, tc.want)
		}
	}
}

func FuzzInterfaceAddrs(f *testing.F) {
	f.Add("interface GigabitEthernet0/0\n ip address 192.168.1.1 255.255.255.0\n")
	f.Add("interface Gi0/2.30\n ip address 10.3.0.1 255.255.0.0 secondary\n")
	f.Fuzz(func(t *testing.T, cfg string) {
		for _, a := range interfaceAddrs(cfg) {
			if !a.pfx.IsValid() || !a.pfx.Addr().Is4() || !strings.HasPrefix(a.name, "GigabitEthernet0/") {
				t.Fatalf("%q gave %+v", cfg, a)
			}
		}
	})
}

func TestInventoryGolden(t *testing.T) {
	top := loadInventoryLab(t)
	targets, err := top.Targets("", nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, n bytes.Buffer
	WriteAnsible(&a, top.Name, targets)
	WriteNornir(&n, top.Name, targets)
	golden.Compare(t, "testdata/inventory.ansible.golden", a.String())
	golden.Compare(t, "testdata/inventory.nornir.golden", n.String())

	// What Ansible and Nornir read: the values, typed as strings (a password of digits too).
	var inv struct {
		All struct {
			Children struct {
				Routers struct {
					Hosts map[string]map[string]any
					Vars  map[string]any
				}
			}
		}
	}
	if err := yaml.Unmarshal(a.Bytes(), &inv); err != nil {
		t.Fatalf("ansible inventory is not YAML: %v", err)
	}
	r := inv.All.Children.Routers
	want := map[string]map[string]any{
		"r1": {"ansible_host": "192.168.1.1", "ansible_user": "admin", "ansible_password": "1234"},
		"r2": {"ansible_host": "172.16.0.1", "ansible_password": "c1sco: yes"},
	}
	if len(r.Hosts) != len(want) {
		t.Errorf("hosts %v, want %v", r.Hosts, want)
	}
	for h, vars := range want {
		for k, v := range vars {
			if r.Hosts[h][k] != v {
				t.Errorf("%s %s = %#v, want %#v", h, k, r.Hosts[h][k], v)
			}
		}
	}
	if r.Vars["ansible_network_os"] != "cisco.ios.ios" || r.Vars["ansible_connection"] != "ansible.netcommon.network_cli" {
		t.Errorf("vars %v", r.Vars)
	}
	var hosts map[string]struct {
		Hostname, Platform, Username, Password string
	}
	if err := yaml.Unmarshal(n.Bytes(), &hosts); err != nil {
		t.Fatalf("nornir hosts are not YAML: %v", err)
	}
	if h := hosts["r1"]; h.Hostname != "192.168.1.1" || h.Platform != "ios" || h.Username != "admin" || h.Password != "1234" || len(hosts) != 2 {
		t.Errorf("nornir hosts %+v", hosts)
	}
}

func TestInventoryNoneReached(t *testing.T) {
	targets := []Target{{Name: "r1"}}
	var a, n bytes.Buffer
	WriteAnsible(&a, "x", targets)
	WriteNornir(&n, "x", targets)
	for _, out := range []string{a.String(), n.String()} {
		var v any
		if err := yaml.Unmarshal([]byte(out), &v); err != nil {
			t.Errorf("not YAML: %v\n%s", err, out)
		}
		if !strings.Contains(out, "# r1: left out") {
			t.Errorf("r1 not reported:\n%s", out)
		}
	}
}

func TestRunningConfigs(t *testing.T) {
	dir := t.TempDir()
	cfg := dir + "/r1.cfg"
	if err := os.WriteFile(cfg, []byte("hostname R1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &Lab{State: &State{Nodes: []NodeState{
		{Name: "r1", Kind: Router, Startup: cfg},
		{Name: "r2", Kind: Router, Startup: dir + "/gone.cfg"},
		{Name: "pc1", Kind: Host},
	}}}
	got := l.RunningConfigs()
	if len(got) != 1 || got["r1"] != "hostname R1\n" {
		t.Errorf("%v", got)
	}
}
