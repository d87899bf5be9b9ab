package labs

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"natlab/console"
)

// Lab is a running lab: its recorded state and the topology it was started from.
type Lab struct {
	*State
	Topo *Topology
}

// Open finds a running lab (name "" = the only one) and reads the copy of its topology kept with it,
// so it works when the original file has gone.
func Open(name string) (*Lab, error) {
	s, err := Resolve(name)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(s.dir, "topology.yml"))
	if err != nil {
		return nil, err
	}
	t, err := Parse(raw, s.Source, nil, "")
	if err != nil {
		return nil, err
	}
	return &Lab{State: s, Topo: t}, nil
}

// router returns the state of a router node.
func (l *Lab) router(name string) (*NodeState, error) {
	return l.nodeOfKind(name, Router, "%[1]s is a host: use labs exec %[1]s -- COMMAND")
}

// host returns the state of a node that runs programs: a host, or a switch (bridge vlan show).
func (l *Lab) host(name string) (*NodeState, error) {
	if n, ok := l.Node(name); ok && n.Kind == Switch {
		return n, nil
	}
	return l.nodeOfKind(name, Host, "%[1]s is a router: use labs cli %[1]s COMMAND or labs console %[1]s")
}

// nodeOfKind returns the state of the node name, which must be of kind; otherwise the error is
// otherKind (a format of the name) saying what to use instead.
func (l *Lab) nodeOfKind(name string, kind Kind, otherKind string) (*NodeState, error) {
	n, ok := l.Node(name)
	switch {
	case !ok:
		return nil, fmt.Errorf("lab %s has no node %q (it has %s)", l.Lab, name, l.nodeNames())
	case n.Kind != kind:
		return nil, fmt.Errorf(otherKind, name)
	}
	return n, nil
}

func (l *Lab) nodeNames() string {
	var names []string
	for _, n := range l.Nodes {
		names = append(names, n.Name)
	}
	return strings.Join(names, ", ")
}

// Dial opens a CLI session on a router (privileged EXEC).
func (l *Lab) Dial(node string) (*console.Client, error) {
	n, err := l.router(node)
	if err != nil {
		return nil, err
	}
	c, err := console.Dial(n.Console, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("%s: the router does not answer on %s: %v", node, n.Console, err)
	}
	return c, nil
}

// ConsolePath is the console socket of a router.
func (l *Lab) ConsolePath(node string) (string, error) {
	n, err := l.router(node)
	if err != nil {
		return "", err
	}
	return n.Console, nil
}

// CLI runs lines on a router, writing the output as the CLI prints it (with echo, each line is
// preceded by the prompt and the line, as in a session transcript). It returns how many lines gave a
// `%` error.
func (l *Lab) CLI(node string, lines []string, out io.Writer, echo bool) (failed int, err error) {
	c, err := l.Dial(node)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	for _, line := range lines {
		if echo {
			fmt.Fprintf(out, "%s%s\n", c.Prompt(), line)
		}
		ok, err := c.Run(line, out)
		if err != nil {
			return failed, err
		}
		if !ok {
			failed++
		}
		if c.Closed() {
			break
		}
	}
	return failed, nil
}

// ReadLines splits a script into command lines (CR LF tolerated).
func ReadLines(r io.Reader) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	return lines, sc.Err()
}

// ExecCommand is a program run in a host's namespace.
func (l *Lab) ExecCommand(node string, argv ...string) (*exec.Cmd, error) {
	n, err := l.host(node)
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("no command to run on %s", node)
	}
	return exec.Command("ip", append([]string{"netns", "exec", n.Netns}, argv...)...), nil
}

// RunningConfig fetches a router's running-config as a startup-config (without the header lines
// `show running-config` prints before it).
func (l *Lab) RunningConfig(node string) (string, error) {
	c, err := l.Dial(node)
	if err != nil {
		return "", err
	}
	defer c.Close()
	var b strings.Builder
	if ok, err := c.Run("show running-config", &b); err != nil || !ok {
		return "", fmt.Errorf("%s: show running-config failed: %v%s", node, err, b.String())
	}
	return stripConfigHeader(b.String()), nil
}

// stripConfigHeader drops "Building configuration...", the blank line and "Current configuration :
// N bytes" before a running-config.
func stripConfigHeader(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, ln := range lines {
		if strings.HasPrefix(ln, "Current configuration") {
			return strings.Join(lines[i+1:], "")
		}
		if i > 3 {
			break
		}
	}
	return s
}

// Save writes every router's running-config to the lab's config directory; the next `labs up`
// starts from them unless --reset. It returns the files written.
func (l *Lab) Save() ([]string, error) {
	if err := os.MkdirAll(l.ConfigDir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, n := range l.Nodes {
		if n.Kind != Router {
			continue
		}
		cfg, err := l.RunningConfig(n.Name)
		if err != nil {
			return files, err
		}
		path := filepath.Join(l.ConfigDir, n.Name+".cfg")
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, []byte(cfg), 0o644); err != nil {
			return files, err
		}
		if err := os.Rename(tmp, path); err != nil {
			return files, err
		}
		files = append(files, path)
	}
	return files, nil
}

// NodeStatus is one line of `labs inspect`.
type NodeStatus struct {
	Name     string      `json:"name"`
	Kind     Kind        `json:"kind"`
	State    string      `json:"state"` // running, exited, restarting, no console, ...
	PID      int         `json:"pid,omitempty"`
	Netns    string      `json:"netns"`
	Console  string      `json:"console,omitempty"`
	Ports    []PortState `json:"ports"`
	Restarts int         `json:"restarts,omitempty"`
	Exit     *ExitInfo   `json:"last_exit,omitempty"` // how the router last ended
}

// Status reports each node's state: a router runs when its process is alive and answers on its
// console; a Go switch when its process is alive; a host or a kernel-bridge switch when its
// namespace exists.
func (l *Lab) Status() []NodeStatus {
	sys := host{}
	var out []NodeStatus
	for _, n := range l.Nodes {
		st := NodeStatus{Name: n.Name, Kind: n.Kind, Netns: n.Netns, Console: n.Console, Ports: n.Ports}
		switch {
		case n.Kind == Router:
			l.routerStatus(sys, &st)
		case n.Kind == Switch && l.hasProc(n.Name, "switch"):
			// A Go switch runs when its process does.
			l.processStatus(sys, &st, "switch")
		default:
			st.State = "running"
			if !sys.NetnsExists(n.Netns) {
				st.State = "no namespace"
			}
		}
		out = append(out, st)
	}
	return out
}

// routerStatus fills in a router's state from what its supervisor recorded, checked against the
// processes that run: a supervisor killed with its router recorded nothing.
func (l *Lab) routerStatus(sys system, st *NodeStatus) {
	if l.processStatus(sys, st, "router") {
		if c, err := console.Dial(st.Console, time.Second); err == nil {
			c.Close()
		} else {
			st.State = "no console"
		}
	}
}

// hasProc reports whether labs up recorded a process of role for node.
func (l *Lab) hasProc(node, role string) bool {
	for _, p := range l.Procs {
		if p.Node == node && p.Role == role {
			return true
		}
	}
	return false
}

// processStatus fills in the state of a supervised process (role "router" or "switch") and reports
// whether it runs.
func (l *Lab) processStatus(sys system, st *NodeStatus, role string) bool {
	st.State = "exited"
	alive := func(pid int, start uint64) bool { cur, ok := sys.ProcStart(pid); return ok && cur == start }
	rs, err := readRunStatus(StatusPath(l.dir, st.Name))
	if err != nil { // no supervisor record: the router process as labs up recorded it
		rs = &RunStatus{State: RunExited}
		for _, p := range l.Procs {
			if p.Node == st.Name && p.Role == role {
				rs.State, rs.PID, rs.Start = RunRunning, p.PID, p.Start
			}
		}
	}
	st.Restarts, st.Exit = rs.Restarts, rs.Exit
	switch {
	case rs.State == RunRunning && alive(rs.PID, rs.Start):
		st.PID, st.State = rs.PID, "running"
		return true
	case rs.State == RunRestarting && l.supervised(sys, st.Name):
		st.State = "restarting"
	}
	return false
}

// supervised reports whether the supervisor of a node still runs.
func (l *Lab) supervised(sys system, node string) bool {
	for _, p := range l.Procs {
		if p.Node == node && p.Role == "supervisor" {
			if cur, ok := sys.ProcStart(p.PID); ok && cur == p.Start {
				return true
			}
		}
	}
	return false
}

// Inspect prints the nodes, their addresses and state, as a table or as JSON.
func (l *Lab) Inspect(w io.Writer, asJSON bool) error {
	st := l.Status()
	if asJSON {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(struct {
			Lab    string       `json:"lab"`
			Source string       `json:"source"`
			Ready  bool         `json:"ready"`
			Nodes  []NodeStatus `json:"nodes"`
		}{l.Lab, l.Source, l.Ready, st})
	}
	fmt.Fprintf(w, "lab %s (%s)\n", l.Lab, l.Source)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tKIND\tSTATE\tNAMESPACE\tINTERFACES")
	for _, n := range st {
		var ifs []string
		for _, p := range n.Ports {
			s := ShortInterface(p.Interface) + "->" + p.Peer
			switch {
			case n.Kind == Host && p.Addr != "":
				s = p.Interface + " " + p.Addr
			case n.Kind == Switch:
				s = p.Interface + " (" + p.Mode + ")->" + p.Peer
			}
			ifs = append(ifs, s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n.Name, n.Kind, n.State, n.Netns, strings.Join(ifs, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	printExits(w, st)
	return nil
}

// printExits says under the table how each router that ended did so: the exit status or signal,
// when, how often it was restarted, and the crash it printed.
func printExits(w io.Writer, st []NodeStatus) {
	first := true
	for _, n := range st {
		if n.Exit == nil {
			continue
		}
		if first {
			fmt.Fprintln(w)
			first = false
		}
		fmt.Fprintf(w, "%s: %s at %s", n.Name, n.Exit.Reason, n.Exit.Time.Local().Format("15:04:05"))
		if n.Restarts > 0 {
			fmt.Fprintf(w, "; restarted %d time%s", n.Restarts, plural(n.Restarts))
		}
		fmt.Fprintln(w)
		if n.Exit.Crash != "" {
			fmt.Fprintln(w, indent(n.Exit.Crash))
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Reach prints how to reach each node of a lab that just came up.
func (l *Lab) Reach(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, n := range l.Nodes {
		switch n.Kind {
		case Router:
			fmt.Fprintf(tw, "  %s\trouter\tlabs console %s\tlabs cli %s show ip interface brief\n", n.Name, n.Name, n.Name)
		case Switch:
			fmt.Fprintf(tw, "  %s\tswitch\tlabs exec %s -- bridge vlan show\tip netns exec %s ...\n", n.Name, n.Name, n.Netns)
		default:
			addr := "-"
			for _, p := range n.Ports {
				if p.Addr != "" {
					addr = p.Addr
				}
			}
			fmt.Fprintf(tw, "  %s\thost %s\tlabs exec %s -- bash\tip netns exec %s ...\n", n.Name, addr, n.Name, n.Netns)
		}
	}
	tw.Flush()
}
