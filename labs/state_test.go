package labs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goodState = `{
  "lab": "t",
  "source": "/tmp/t.yml",
  "ready": true,
  "netns": ["t-r1", "t-pc1"],
  "procs": [{"node": "r1", "role": "supervisor", "pid": 100, "start": 5, "cmd": "labs supervise"}],
  "nodes": [
    {"name": "r1", "kind": "router", "netns": "t-r1", "console": "/run/natlab/t/r1.sock",
     "ports": [{"interface": "GigabitEthernet0/0", "peer": "pc1:eth0", "device": "t-r1-g0", "netns": "t-pc1", "host_if": "eth0"}]},
    {"name": "pc1", "kind": "host", "netns": "t-pc1"}
  ]
}`

// writeState puts a state file for lab t in a run directory of its own.
func writeState(t *testing.T, text string) {
	dir := t.TempDir()
	t.Setenv(RunDirEnv, dir)
	os.MkdirAll(filepath.Join(dir, "t"), 0o700)
	if err := os.WriteFile(filepath.Join(dir, "t", "state.json"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A state file is what labs down acts on: a damaged one must not make it signal every process
// (pid -1 or 0) or remove every namespace (ip netns del -all).
func TestLoadStateRejectsDamage(t *testing.T) {
	tests := []struct{ name, from, to, want string }{
		{"pid -1", `"pid": 100`, `"pid": -1`, `procs[0]: pid -1 is not a process ID`},
		{"pid 0", `"pid": 100`, `"pid": 0`, `procs[0]: pid 0 is not a process ID`},
		{"netns -all", `["t-r1", "t-pc1"]`, `["-all"]`, `netns[0]: "-all" is not a lab namespace`},
		{"node netns", `"netns": "t-pc1"}`, `"netns": "../x"}`, `nodes[1].netns: "../x" is not a lab namespace`},
		{"device", `"device": "t-r1-g0"`, `"device": "-all"`, `nodes[0].ports[0].device: "-all" is not a device name`},
		{"lab", `"lab": "t"`, `"lab": "u"`, `names lab "u", not t`},
		{"node name", `"name": "pc1"`, `"name": "a b"`, `nodes[1].name: "a b" is not a node name`},
		{"json", `"lab"`, `lab`, `invalid character`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeState(t, strings.Replace(goodState, tt.from, tt.to, 1))
			_, err := LoadState("t")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadState: %v\nwant an error with %s", err, tt.want)
			}
		})
	}
	writeState(t, goodState)
	if s, err := LoadState("t"); err != nil || s.Procs[0].PID != 100 || len(s.Nodes) != 2 {
		t.Errorf("LoadState of a good state: %+v, %v", s, err)
	}
}

func FuzzState(f *testing.F) {
	f.Add([]byte(goodState))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"lab":"t","procs":[{"pid":-1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parseState(data, "t", "/run/natlab/t")
		if err != nil {
			return
		}
		for _, p := range s.Procs {
			if p.PID <= 0 {
				t.Fatalf("accepted pid %d", p.PID)
			}
		}
		for _, ns := range s.Netns {
			if !validNetns(ns) {
				t.Fatalf("accepted namespace %q", ns)
			}
		}
		// What was accepted survives a save and a load unchanged.
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseState(b, "t", "/run/natlab/t")
		if err != nil {
			t.Fatalf("a saved state does not load again: %v\n%s", err, b)
		}
		b2, _ := json.Marshal(again)
		if string(b) != string(b2) {
			t.Fatalf("state changed on a round trip:\n%s\n%s", b, b2)
		}
	})
}
