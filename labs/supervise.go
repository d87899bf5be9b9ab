package labs

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Restart policies of a router (containerlab's and Docker's names).
const (
	RestartNo        = "no"
	RestartOnFailure = "on-failure"
)

// Router run states, as the supervisor records them.
const (
	RunStarting   = "starting"
	RunRunning    = "running"
	RunRestarting = "restarting" // waiting out the back-off before the next start
	RunExited     = "exited"
	RunStopped    = "stopped" // by labs down
)

// RunStatus is what a router's supervisor records about it in <node>.status in the state
// directory: the process that runs now, how often it was restarted, and how it last ended. Only the
// supervisor writes it (state.json is written by labs up alone).
type RunStatus struct {
	State    string    `json:"state"`
	PID      int       `json:"pid,omitempty"`
	Start    uint64    `json:"start,omitempty"`
	Restarts int       `json:"restarts"`
	Exit     *ExitInfo `json:"last_exit,omitempty"`
}

// StatusPath is where the supervisor of node records its router's RunStatus.
func StatusPath(dir, node string) string { return filepath.Join(dir, node+".status") }

func (rs *RunStatus) save(path string) error {
	b, err := json.Marshal(rs)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readRunStatus reads a router's RunStatus; a missing file is os.ErrNotExist.
func readRunStatus(path string) (*RunStatus, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rs := &RunStatus{}
	if err := json.Unmarshal(b, rs); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if rs.PID < 0 || rs.Restarts < 0 {
		return nil, fmt.Errorf("%s: pid %d, restarts %d", path, rs.PID, rs.Restarts)
	}
	return rs, nil
}

// SuperviseOptions tune Supervise.
type SuperviseOptions struct {
	Router  string // the router binary
	Restart bool   // restart the router when it fails once the lab is up
}

// Restart back-off: the first restart comes quickly, a router that keeps failing is restarted
// ever more slowly, and one that ran for a while counts as healthy again.
const (
	restartFirst  = 500 * time.Millisecond
	restartMax    = 30 * time.Second
	restartHealth = time.Minute
)

// restartDelay is the wait before restart number n (0-based) of a router that keeps failing.
func restartDelay(n int) time.Duration {
	d := restartFirst
	for i := 0; i < n && d < restartMax; i++ {
		d *= 2
	}
	return min(d, restartMax)
}

// Supervise runs a router of the lab whose state directory is dir as its parent: `labs up` starts
// it (as `labs supervise`) for each router, in a session of its own. It records the router's
// process, and how it ended, in StatusPath, which is how `labs inspect` can tell an exit status or a
// signal. With Restart, a router that fails (a non-zero status or a signal) after the lab is up is
// started again from its startup-config, and the routes of the hosts on its links, which went with
// its interfaces, are put back. A router that fails while the lab comes up is not restarted: labs up
// reports it. SIGTERM (labs down) stops the router and the supervisor. A switch with VLANs (the Go
// switch, `labs switch`) is run the same way, in the switch's namespace.
func Supervise(dir, node string, o SuperviseOptions) error {
	s, t, err := openDir(dir)
	if err != nil {
		return err
	}
	n, st := t.Node(node), (*NodeState)(nil)
	if n != nil {
		st, _ = s.Node(node)
	}
	if n == nil || st == nil || n.Kind != Router && !GoSwitch(n) {
		return fmt.Errorf("lab %s has no router or switch with VLANs %q", s.Lab, node)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	sv := &supervisor{dir: dir, s: s, t: t, n: n, st: st, o: o, sigs: sigs, rs: &RunStatus{State: RunStarting}, path: StatusPath(dir, node)}
	return sv.run()
}

// openDir reads a running lab's state and topology from its state directory.
func openDir(dir string) (*State, *Topology, error) {
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil, nil, err
	}
	s, err := parseState(b, filepath.Base(dir), dir)
	if err != nil {
		return nil, nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dir, "topology.yml"))
	if err != nil {
		return nil, nil, err
	}
	t, err := Parse(raw, s.Source, nil, "")
	return s, t, err
}

type supervisor struct {
	dir  string
	s    *State
	t    *Topology
	n    *Node
	st   *NodeState
	o    SuperviseOptions
	sigs chan os.Signal
	rs   *RunStatus
	path string

	lastCrash string // what the router printed when it last crashed
}

func (sv *supervisor) save() {
	if err := sv.rs.save(sv.path); err != nil {
		fmt.Fprintf(os.Stderr, "labs supervise %s: %v\n", sv.n.Name, err)
	}
}

func (sv *supervisor) run() error {
	failures := 0 // restarts in a row after short runs
	for {
		began := time.Now()
		ps, stopped, err := sv.runOnce()
		if err != nil || stopped {
			return err
		}
		sv.rs.Exit = &ExitInfo{Time: time.Now().UTC(), Reason: exitReason(ps), Crash: sv.lastCrash}
		sv.rs.PID, sv.rs.Start = 0, 0
		if !sv.o.Restart || ps.Success() || !labReady(sv.dir) {
			sv.rs.State = RunExited
			sv.save()
			return nil
		}
		if time.Since(began) > restartHealth {
			failures = 0
		}
		delay := restartDelay(failures)
		failures++
		sv.rs.State = RunRestarting
		sv.save()
		if sv.n.Kind == Router {
			fmt.Fprintf(os.Stderr, "labs: %s: the router ended (%s); restarting it from its startup-config in %v\n", sv.n.Name, sv.rs.Exit.Reason, delay)
		} else {
			fmt.Fprintf(os.Stderr, "labs: %s: the switch ended (%s); restarting it in %v\n", sv.n.Name, sv.rs.Exit.Reason, delay)
		}
		select {
		case <-sv.sigs:
			sv.rs.State = RunStopped
			sv.save()
			return nil
		case <-time.After(delay):
		}
		sv.rs.Restarts++
	}
}

// runOnce starts the router and waits until it ends (its state, and the crash it printed, in
// lastCrash) or a signal stops it (stopped).
func (sv *supervisor) runOnce() (ps *os.ProcessState, stopped bool, err error) {
	logOffset := int64(0)
	if fi, err := os.Stat(sv.st.Log); err == nil {
		logOffset = fi.Size()
	}
	logf, err := os.OpenFile(sv.st.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, false, err
	}
	args, err := sv.command()
	if err != nil {
		logf.Close()
		return nil, false, err
	}
	cmd := exec.Command("ip", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	err = cmd.Start()
	logf.Close()
	if err != nil {
		sv.rs.State, sv.rs.Exit = RunExited, &ExitInfo{Time: time.Now().UTC(), Reason: err.Error()}
		sv.save()
		return nil, false, err
	}
	sv.rs.State, sv.rs.PID = RunRunning, cmd.Process.Pid
	sv.rs.Start, _ = procStart(cmd.Process.Pid)
	sv.save()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	if sv.rs.Restarts > 0 && sv.n.Kind == Router {
		go sv.restoreHostRoutes(done)
	}
	select {
	case <-done:
		sv.lastCrash = crashSummary(logSince(sv.st.Log, logOffset))
		return cmd.ProcessState, false, nil
	case <-sv.sigs:
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(stopGrace):
			cmd.Process.Kill()
			<-done
		}
		sv.rs.State, sv.rs.PID, sv.rs.Start = RunStopped, 0, 0
		sv.save()
		return cmd.ProcessState, true, nil
	}
}

// command is the `ip` command line that runs the node in its namespace: the router, or for a switch
// with VLANs the Go switch (this program's `switch` command).
func (sv *supervisor) command() ([]string, error) {
	if sv.n.Kind == Router {
		return append([]string{"netns", "exec", sv.st.Netns, sv.o.Router}, RouterArgs(sv.t, sv.n, sv.st.Console, sv.st.Startup)...), nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return append([]string{"netns", "exec", sv.st.Netns, self}, SwitchArgs(sv.t, sv.n, ReadyPath(sv.dir, sv.n.Name))...), nil
}

// restoreHostRoutes puts back the routes of the hosts on the router's links once the restarted
// router has given them their interfaces again (a route goes with its interface), and makes the
// router's new TAPs ports of their switches' bridges again.
func (sv *supervisor) restoreHostRoutes(done <-chan struct{}) {
	deadline := time.Now().Add(20 * time.Second)
	for _, port := range sv.st.Ports {
		for !hostIfReady(port) {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				fmt.Fprintf(os.Stderr, "labs: %s: %s did not come back in %s\n", sv.n.Name, port.HostIf, port.Netns)
				return
			}
		}
		peer, _, _ := strings.Cut(port.Peer, ":")
		h := sv.t.Node(peer)
		if h == nil || h.Kind != Host {
			continue
		}
		for _, r := range h.Routes {
			if err := ipCmd("-n", port.Netns, "route", "replace", r.Prefix.String(), "via", r.Via.String()); err != nil {
				fmt.Fprintf(os.Stderr, "labs: %s: route %s: %v\n", h.Name, r, err)
			}
		}
	}
	if err := attachTAPs(sv.t, sv.n); err != nil {
		fmt.Fprintf(os.Stderr, "labs: %v\n", err)
	}
}

// labReady reports whether the lab in dir has come up (a router that fails before is not restarted:
// labs up reports it and removes the lab).
func labReady(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return false
	}
	var s struct {
		Ready bool `json:"ready"`
	}
	return json.Unmarshal(b, &s) == nil && s.Ready
}
