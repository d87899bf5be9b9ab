package labs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// RunDirEnv overrides where running labs are recorded (tests use it to stay apart from real labs).
const RunDirEnv = "NATLAB_RUN_DIR"

// RunDir is where running labs are recorded: /run/natlab, or /var/run/natlab without /run.
func RunDir() string {
	if d := os.Getenv(RunDirEnv); d != "" {
		return d
	}
	if fi, err := os.Stat("/run"); err == nil && fi.IsDir() {
		return "/run/natlab"
	}
	return "/var/run/natlab"
}

// State is what a running lab consists of, written down as it is created so that Down can remove
// exactly that.
type State struct {
	Lab       string      `json:"lab"`
	Source    string      `json:"source"`     // the topology file, or embedded:PATH
	ConfigDir string      `json:"config_dir"` // where `labs save` writes running configs
	Created   time.Time   `json:"created"`
	Ready     bool        `json:"ready"` // every node came up
	Netns     []string    `json:"netns"` // namespaces created, in order
	Procs     []Proc      `json:"procs"` // processes started, in order
	Nodes     []NodeState `json:"nodes"`

	dir string // the state directory
}

// Proc is a process the lab started, identified by PID and start time (so a reused PID is never
// signalled).
type Proc struct {
	Node  string `json:"node"`
	Role  string `json:"role"` // "router" or "exec"
	PID   int    `json:"pid"`
	Start uint64 `json:"start"` // /proc/PID/stat starttime, in clock ticks since boot
	Cmd   string `json:"cmd"`
}

// NodeState is how to reach a node.
type NodeState struct {
	Name    string      `json:"name"`
	Kind    Kind        `json:"kind"`
	Netns   string      `json:"netns"`
	Console string      `json:"console,omitempty"`        // router console socket
	Startup string      `json:"startup_config,omitempty"` // the router's working startup-config
	Log     string      `json:"log,omitempty"`
	Ports   []PortState `json:"ports,omitempty"`
}

// PortState is one link end on a node.
//
// Netns and HostIf name the device that carries the port, where labs waits for it and captures it:
// for a router's TUN the host's end, for its TAP the switch port, for its end of a veth pair to
// another router the veth in the router's own namespace; for a host or a switch its own interface.
type PortState struct {
	Interface string   `json:"interface"` // GigabitEthernet0/0 on a router, eth0 on a host, p1 on a switch
	Peer      string   `json:"peer"`      // "pc1:eth0"
	Kind      LinkKind `json:"kind,omitempty"`
	Device    string   `json:"device"`  // the TUN's or TAP's kernel name when the router creates it
	Netns     string   `json:"netns"`   // the namespace the device lives in
	HostIf    string   `json:"host_if"` // its name there
	Addr      string   `json:"addr,omitempty"`
	Mode      string   `json:"mode,omitempty"` // a switch port's VLANs: "access 10", "trunk"
}

// Dir is the lab's state directory.
func (s *State) Dir() string { return s.dir }

// Node returns the state of the node called name.
func (s *State) Node(name string) (*NodeState, bool) {
	for i := range s.Nodes {
		if s.Nodes[i].Name == name {
			return &s.Nodes[i], true
		}
	}
	return nil, false
}

// path of the state file.
func (s *State) path() string { return filepath.Join(s.dir, "state.json") }

// Save writes the state atomically (a crash leaves the previous complete version).
func (s *State) Save() error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path() + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path())
}

// ErrNotRunning is returned for a lab that has no state.
var ErrNotRunning = errors.New("not running")

// LoadState reads the state of a running lab.
func LoadState(lab string) (*State, error) {
	dir := filepath.Join(RunDir(), lab)
	file := filepath.Join(dir, "state.json")
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("lab %s: %w", lab, ErrNotRunning)
	}
	if err != nil {
		return nil, err
	}
	s, err := parseState(b, lab, dir)
	if err != nil {
		return nil, fmt.Errorf("lab %s: %s: %v", lab, file, err)
	}
	return s, nil
}

// Running lists the labs that have state, sorted.
func Running() ([]string, error) {
	ents, err := os.ReadDir(RunDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Resolve picks the lab a command is about: the named one, or the only one running.
func Resolve(name string) (*State, error) {
	if name != "" {
		return LoadState(name)
	}
	labs, err := Running()
	if err != nil {
		return nil, err
	}
	switch len(labs) {
	case 0:
		return nil, fmt.Errorf("no lab is running (labs up [FILE])")
	case 1:
		return LoadState(labs[0])
	}
	return nil, fmt.Errorf("%d labs are running (%v): name one with --lab NAME", len(labs), labs)
}
