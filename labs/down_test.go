package labs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

// fakeSystem records what Down does and plays processes that do or do not stop.
type fakeSystem struct {
	netns    map[string][]int // namespace -> pids in it
	procs    map[int]uint64   // live pid -> start time
	stubborn map[int]bool     // ignores SIGTERM
	links    map[string]bool  // devices in this namespace
	calls    []string
}

func (f *fakeSystem) AddNetns(name string) error {
	f.calls = append(f.calls, "add "+name)
	f.netns[name] = nil
	return nil
}

func (f *fakeSystem) DelNetns(name string) error {
	f.calls = append(f.calls, "del "+name)
	if _, ok := f.netns[name]; !ok {
		return fmt.Errorf("no namespace %s", name)
	}
	delete(f.netns, name)
	return nil
}

func (f *fakeSystem) NetnsExists(name string) bool { _, ok := f.netns[name]; return ok }

func (f *fakeSystem) NetnsPIDs(name string) []int {
	var live []int
	for _, p := range f.netns[name] {
		if _, ok := f.procs[p]; ok {
			live = append(live, p)
		}
	}
	return live
}

func (f *fakeSystem) LinkExists(netns, dev string) bool { return netns == "" && f.links[dev] }

func (f *fakeSystem) DelLink(netns, dev string) error {
	f.calls = append(f.calls, "link del "+dev)
	delete(f.links, dev)
	return nil
}

func (f *fakeSystem) ProcStart(pid int) (uint64, bool) { st, ok := f.procs[pid]; return st, ok }

func (f *fakeSystem) Signal(pid int, sig syscall.Signal) error {
	f.calls = append(f.calls, fmt.Sprintf("kill -%d %d", sig, pid))
	if _, ok := f.procs[pid]; !ok {
		return syscall.ESRCH
	}
	if sig == syscall.SIGKILL || !f.stubborn[pid] {
		delete(f.procs, pid)
	}
	return nil
}

func testState(t *testing.T) *State {
	dir := t.TempDir()
	s := &State{
		Lab:   "t",
		Netns: []string{"t-r1", "t-pc1", "t-srv"},
		Procs: []Proc{
			{Node: "r1", Role: "router", PID: 100, Start: 5},
			{Node: "srv", Role: "exec", PID: 200, Start: 7},
		},
		Nodes: []NodeState{{Name: "r1", Kind: Router, Netns: "t-r1", Ports: []PortState{
			{Interface: "GigabitEthernet0/0", Device: "t-r1-g0", Netns: "t-pc1", HostIf: "eth0"},
			{Interface: "GigabitEthernet0/2", Device: "t-r1-g2", Netns: "t-srv", HostIf: "eth0"},
		}}},
		dir: dir,
	}
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDownRemovesWhatWasRecorded(t *testing.T) {
	s := testState(t)
	f := &fakeSystem{
		netns:    map[string][]int{"t-r1": {100}, "t-pc1": {300}, "t-srv": {200, 201}, "other": {999}},
		procs:    map[int]uint64{100: 5, 200: 7, 201: 9, 300: 11, 999: 1},
		stubborn: map[int]bool{201: true},
		links:    map[string]bool{"t-r1-g2": true, "eth0": true},
	}
	var out bytes.Buffer
	if err := down(f, s, &out, 0); err != nil {
		t.Fatal(err)
	}
	for _, ns := range s.Netns {
		if f.NetnsExists(ns) {
			t.Errorf("namespace %s left behind", ns)
		}
	}
	for _, pid := range []int{100, 200, 201, 300} {
		if _, ok := f.procs[pid]; ok {
			t.Errorf("process %d left running", pid)
		}
	}
	if !f.NetnsExists("other") || f.procs[999] == 0 {
		t.Error("down touched a namespace or process that is not the lab's")
	}
	if f.links["t-r1-g2"] || !f.links["eth0"] {
		t.Errorf("links after down: %v; want only the lab's TUN removed", f.links)
	}
	// The router is signalled before the host programs (newest first) and SIGKILL only for 201.
	if i, j := slices.Index(f.calls, "kill -15 200"), slices.Index(f.calls, "kill -15 100"); i < 0 || j < 0 || i > j {
		t.Errorf("calls %q: want SIGTERM to 200 then 100", f.calls)
	}
	if !slices.Contains(f.calls, "kill -9 201") || slices.Contains(f.calls, "kill -9 200") {
		t.Errorf("calls %q: want SIGKILL for the process that ignored SIGTERM only", f.calls)
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("state directory %s left behind", s.dir)
	}
}

// A router that died, a reused PID and namespaces already removed by hand are all fine.
func TestDownAfterCrashAndReuse(t *testing.T) {
	s := testState(t)
	f := &fakeSystem{
		netns: map[string][]int{"t-pc1": nil},
		procs: map[int]uint64{200: 12345}, // PID 200 now belongs to another program
		links: map[string]bool{},
	}
	if err := down(f, s, &bytes.Buffer{}, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.procs[200]; !ok || slices.Contains(f.calls, "kill -15 200") {
		t.Errorf("calls %q: a reused PID was signalled", f.calls)
	}
	if slices.Contains(f.calls, "del t-r1") || !slices.Contains(f.calls, "del t-pc1") {
		t.Errorf("calls %q: want only the existing namespace deleted", f.calls)
	}
}

// Down twice: the second finds nothing and says so.
func TestDownTwice(t *testing.T) {
	t.Setenv(RunDirEnv, t.TempDir())
	var out bytes.Buffer
	if err := Down("nothing", &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("not running")) {
		t.Errorf("output %q", out.String())
	}
}

func TestStateRoundTrip(t *testing.T) {
	t.Setenv(RunDirEnv, t.TempDir())
	s := &State{Lab: "rt", Netns: []string{"rt-a"}, Procs: []Proc{{Node: "a", PID: 1, Start: 2}}, dir: filepath.Join(RunDir(), "rt")}
	os.MkdirAll(s.dir, 0o700)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState("rt")
	if err != nil {
		t.Fatal(err)
	}
	if got.Lab != "rt" || len(got.Procs) != 1 || got.Procs[0].Start != 2 || got.Dir() != s.dir {
		t.Errorf("loaded %+v", got)
	}
	if labs, _ := Running(); len(labs) != 1 || labs[0] != "rt" {
		t.Errorf("Running() = %v", labs)
	}
	if r, err := Resolve(""); err != nil || r.Lab != "rt" {
		t.Errorf("Resolve(\"\") = %v, %v", r, err)
	}
}

func TestProcStartSelf(t *testing.T) {
	if _, ok := procStart(os.Getpid()); !ok {
		t.Skip("no /proc")
	}
	if _, ok := procStart(1 << 30); ok {
		t.Error("a PID that cannot exist is alive")
	}
}
