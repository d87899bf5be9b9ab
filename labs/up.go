package labs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"natlab/console"
)

// Options tune Up.
type Options struct {
	Router       string        // the router binary
	Reset        bool          // ignore configs saved by `labs save`
	ConfigDir    string        // where saved configs live; default SavedConfigDir(t)
	ReadyTimeout time.Duration // how long nodes get to become ready; default 20s
	Out          io.Writer     // progress and the summary; default io.Discard
	Restart      bool          // restart every router that fails once the lab is up (as restart: on-failure)
	// Supervisor is the command that runs a router as `SUPERVISOR... supervise [--restart] --router
	// PATH DIR NODE`, which must call Supervise; default: this program.
	Supervisor []string
}

// SavedConfigDir is where `labs save` keeps a lab's running configs: next to the topology file as
// <name>-configs/, or in the current directory for an embedded lab.
func SavedConfigDir(t *Topology) string {
	dir := t.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	return filepath.Join(dir, t.Name+"-configs")
}

// execGrace is how long a host's exec command may take before it counts as a background program.
const execGrace = 10 * time.Second

// Up deploys a topology: namespaces, router processes with their TUN ports moved into the hosts,
// host routes and programs. It waits until every node is ready. On failure everything created so
// far is removed again.
func Up(t *Topology, o Options) (*State, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = 20 * time.Second
	}
	if o.ConfigDir == "" {
		o.ConfigDir = SavedConfigDir(t)
	}
	if o.Router == "" && len(t.Routers()) > 0 {
		return nil, errors.New("no router binary (build cmd/router and pass --router PATH)")
	}
	if len(o.Supervisor) == 0 {
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		o.Supervisor = []string{self}
	}
	d := &deployer{sys: host{}, t: t, o: o}
	s, err := d.prepare()
	if err != nil {
		return nil, err
	}
	if err := d.deploy(); err != nil {
		fmt.Fprintf(o.Out, "the lab did not come up: removing what was created\n")
		if derr := down(host{}, s, o.Out, stopGrace); derr != nil {
			fmt.Fprintf(o.Out, "labs down: %v\n", derr)
		}
		return nil, err
	}
	return s, nil
}

// Routers lists the router nodes.
func (t *Topology) Routers() []*Node {
	var out []*Node
	for _, n := range t.Nodes {
		if n.Kind == Router {
			out = append(out, n)
		}
	}
	return out
}

type deployer struct {
	sys system
	t   *Topology
	o   Options
	s   *State
}

// prepare checks that nothing is in the way and creates the state directory.
func (d *deployer) prepare() (*State, error) {
	t := d.t
	dir := filepath.Join(RunDir(), t.Name)
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("lab %s is already up (%s exists): labs down %s", t.Name, dir, t.Name)
	}
	seen := map[string]string{}
	for _, n := range t.Nodes {
		ns := NetnsName(t.Name, n.Name)
		if other, dup := seen[ns]; dup {
			return nil, fmt.Errorf("nodes %s and %s would share namespace %s: rename one", other, n.Name, ns)
		}
		seen[ns] = n.Name
		if d.sys.NetnsExists(ns) {
			return nil, fmt.Errorf("namespace %s already exists (left by something else?): remove it with ip netns del %s", ns, ns)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &State{Lab: t.Name, Source: t.Source, ConfigDir: d.o.ConfigDir, Created: time.Now().UTC(), dir: dir}
	for _, n := range t.Nodes {
		ns := NodeState{Name: n.Name, Kind: n.Kind, Netns: NetnsName(t.Name, n.Name), Log: filepath.Join(dir, n.Name+".log")}
		if n.Kind == Router {
			ns.Console = filepath.Join(dir, n.Name+".sock")
			ns.Startup = filepath.Join(dir, n.Name+".cfg")
		}
		for _, l := range t.LinksOf(n) {
			ns.Ports = append(ns.Ports, portState(t, n, l))
		}
		s.Nodes = append(s.Nodes, ns)
	}
	d.s = s
	if err := os.WriteFile(filepath.Join(dir, "topology.yml"), t.Raw, 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.Save(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (d *deployer) deploy() error {
	start := time.Now()
	t, s := d.t, d.s
	for _, n := range t.Nodes {
		ns := NetnsName(t.Name, n.Name)
		if err := d.sys.AddNetns(ns); err != nil {
			return err
		}
		s.Netns = append(s.Netns, ns)
		if err := s.Save(); err != nil {
			return err
		}
	}
	if err := d.links(); err != nil {
		return err
	}
	for _, n := range t.Routers() {
		if err := d.startRouter(n); err != nil {
			return err
		}
	}
	deadline := time.Now().Add(d.o.ReadyTimeout)
	for _, n := range t.Routers() {
		if err := d.waitRouter(n, deadline); err != nil {
			return err
		}
		// The router reports each startup-config line it rejected (file:line, the line, the IOS
		// message) before it opens its console: show them, a lab author wants to know.
		st, _ := s.Node(n.Name)
		if b, err := os.ReadFile(st.Log); err == nil && len(b) > 0 {
			fmt.Fprintf(d.o.Out, "%s: the router reported:\n  %s\n", n.Name, strings.ReplaceAll(strings.TrimRight(string(b), "\n"), "\n", "\n  "))
		}
	}
	// The Go switches open their ports, the routers' TAPs among them, once the routers are up.
	for _, n := range t.Nodes {
		if GoSwitch(n) {
			if err := d.startSwitch(n); err != nil {
				return err
			}
		}
	}
	for _, n := range t.Nodes {
		if GoSwitch(n) {
			if err := d.waitSwitch(n, time.Now().Add(d.o.ReadyTimeout)); err != nil {
				return err
			}
		}
	}
	for _, n := range t.Nodes {
		if n.Kind == Host {
			if err := d.startHost(n); err != nil {
				return err
			}
		}
	}
	s.Ready = true
	if err := s.Save(); err != nil {
		return err
	}
	fmt.Fprintf(d.o.Out, "lab %s is up in %.1fs\n", t.Name, time.Since(start).Seconds())
	return nil
}

// routerConfig writes the router's working startup-config: the saved one unless Reset, else the
// topology's. `write memory` on the router changes this copy, never the lab's files.
func (d *deployer) routerConfig(n *Node, path string) error {
	text := n.StartupConfigText
	if !d.o.Reset {
		if b, err := os.ReadFile(filepath.Join(d.o.ConfigDir, n.Name+".cfg")); err == nil {
			fmt.Fprintf(d.o.Out, "%s: using the saved config %s (labs up --reset ignores it)\n", n.Name, filepath.Join(d.o.ConfigDir, n.Name+".cfg"))
			text = string(b)
		}
	}
	if text == "" {
		return nil
	}
	return os.WriteFile(path, []byte(text), 0o600)
}

// RouterArgs are the router's command line for node n: its console, config, chassis, MAC and one
// --port per link (a TUN into a host, a TAP into a switch, or its end of a veth pair to another
// router, which it opens with AF_PACKET).
func RouterArgs(t *Topology, n *Node, consolePath, startup string) []string {
	args := []string{"--daemon", "--console", consolePath, "--startup-config", startup, "--interfaces", strconv.Itoa(n.Interfaces)}
	// The MAC is the router's position among the lab's routers, so routers on one switch never share
	// one (and show interfaces of every router gives IOL's aabb.cc00.NN00 numbering).
	if pos := slices.Index(t.Routers(), n); pos >= 0 {
		args = append(args, "--mac", RouterMAC(pos+1))
	}
	for _, l := range t.LinksOf(n) {
		here, far := l.At(n)
		var spec string
		switch l.Kind() {
		case LinkTUN:
			spec = fmt.Sprintf("%s=tun:%s,netns=%s,name=%s", ShortInterface(here.If), TUNName(t.Name, n.Name, here.If), NetnsName(t.Name, far.Node.Name), far.If)
			if a := far.Node.AddrOf(far.If); a.IsValid() {
				spec += ",addr=" + a.String()
			}
			if gw := far.Node.GatewayOn(far.If); gw.IsValid() {
				spec += ",gw=" + gw.String()
			}
		case LinkTAP:
			spec = fmt.Sprintf("%s=tap:%s,netns=%s,name=%s", ShortInterface(here.If), TUNName(t.Name, n.Name, here.If), NetnsName(t.Name, far.Node.Name), far.If)
		case LinkEth:
			spec = fmt.Sprintf("%s=eth:%s,netns=%s", ShortInterface(here.If), VethName(here.If), NetnsName(t.Name, n.Name))
		}
		args = append(args, "--port", spec)
	}
	return args
}

// startRouter starts the router's supervisor, which starts the router and records its process in
// the router's status file (waitRouter records it in the state).
func (d *deployer) startRouter(n *Node) error {
	st, _ := d.s.Node(n.Name)
	if err := d.routerConfig(n, st.Startup); err != nil {
		return err
	}
	return d.startSupervisor(n, "router", []string{"--router", d.o.Router})
}

// startSupervisor starts `labs supervise` for node n (a router or a Go switch) with the extra
// arguments, restarting it on failure when the lab or the node asks for it.
func (d *deployer) startSupervisor(n *Node, what string, extra []string) error {
	st, _ := d.s.Node(n.Name)
	args := append(d.o.Supervisor[1:len(d.o.Supervisor):len(d.o.Supervisor)], "supervise")
	args = append(args, extra...)
	if d.o.Restart || n.Restart == RestartOnFailure {
		args = append(args, "--restart")
	}
	args = append(args, d.s.dir, n.Name)
	p, _, err := d.spawn(nil, n.Name, "supervisor", st.Log, d.o.Supervisor[0], args...)
	if err != nil {
		return fmt.Errorf("%s: starting the %s's supervisor: %v", n.Name, what, err)
	}
	d.s.Procs = append(d.s.Procs, p)
	return d.s.Save()
}

// spawn starts a program in its own session (so it outlives `labs up` and a terminal's signals),
// with its output appended to logPath, and records it.
// The channel delivers its exit once it ends.
func (d *deployer) spawn(env []string, node, role, logPath, prog string, args ...string) (Proc, <-chan error, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return Proc{}, nil, err
	}
	defer logf.Close()
	cmd := exec.Command(prog, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return Proc{}, nil, err
	}
	start, _ := procStart(cmd.Process.Pid)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }() // reap it if it exits while we run
	return Proc{Node: node, Role: role, PID: cmd.Process.Pid, Start: start, Cmd: prog + " " + strings.Join(args, " ")}, done, nil
}

// waitRouter waits until the router answers on its console and every host end of its links has
// its address.
func (d *deployer) waitRouter(n *Node, deadline time.Time) error {
	st, _ := d.s.Node(n.Name)
	var sup Proc
	for _, q := range d.s.Procs {
		if q.Node == n.Name && q.Role == "supervisor" {
			sup = q
		}
	}
	recorded := false
	for {
		rs, err := readRunStatus(StatusPath(d.s.dir, n.Name))
		switch {
		case err == nil && rs.Exit != nil:
			return startFailure(n.Name, rs.Exit, st.Log)
		case err == nil && rs.PID != 0 && !recorded:
			d.s.Procs = append(d.s.Procs, Proc{Node: n.Name, Role: "router", PID: rs.PID, Start: rs.Start, Cmd: d.o.Router})
			if err := d.s.Save(); err != nil {
				return err
			}
			recorded = true
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return err
		}
		if cur, ok := d.sys.ProcStart(sup.PID); !ok || cur != sup.Start {
			if rs, err := readRunStatus(StatusPath(d.s.dir, n.Name)); err == nil && rs.Exit != nil {
				return startFailure(n.Name, rs.Exit, st.Log)
			}
			return fmt.Errorf("%s: the router's supervisor exited during start:\n%s", n.Name, logTail(st.Log))
		}
		if recorded {
			if c, err := console.Dial(st.Console, time.Second); err == nil {
				c.Close()
				break
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the router did not open its console %s within %v:\n%s", n.Name, st.Console, d.o.ReadyTimeout, logTail(st.Log))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, port := range st.Ports {
		for !hostIfReady(port) {
			if time.Now().After(deadline) {
				return fmt.Errorf("%s: %s did not appear as %s in %s within %v:\n%s", n.Name, port.Interface, port.HostIf, port.Netns, d.o.ReadyTimeout, logTail(st.Log))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// The router's TAPs are in their switches now: make them bridge ports.
	return attachTAPs(d.t, n)
}

// startFailure says how a router ended while the lab came up: the panic or signal line and the
// first frame when it crashed (the end of a crash dump is registers and other goroutines), else the
// end of its output.
func startFailure(node string, e *ExitInfo, log string) error {
	if e.Crash != "" {
		return fmt.Errorf("%s: the router crashed during start (%s):\n%s", node, e.Reason, indent(e.Crash))
	}
	return fmt.Errorf("%s: the router exited during start (%s):\n%s", node, e.Reason, logTail(log))
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// hostIfReady reports whether the host end of a router port exists, is up and has its address.
func hostIfReady(p PortState) bool {
	out, err := exec.Command("ip", "-n", p.Netns, "-o", "-4", "addr", "show", "dev", p.HostIf).Output()
	if err != nil {
		return false
	}
	if p.Addr == "" {
		return true
	}
	return strings.Contains(string(out), " "+p.Addr+" ")
}

func (d *deployer) startHost(n *Node) error {
	st, _ := d.s.Node(n.Name)
	if err := vethDefaultRoute(d.t, n); err != nil {
		return err
	}
	if err := d.startDHCP(n); err != nil {
		return err
	}
	for _, r := range n.Routes {
		if err := ipCmd("-n", st.Netns, "route", "replace", r.Prefix.String(), "via", r.Via.String()); err != nil {
			return fmt.Errorf("%s: route %s: %v", n.Name, r, err)
		}
	}
	for _, c := range n.Exec {
		cmdline, background := strings.CutSuffix(strings.TrimSpace(c), "&")
		env := []string{"LAB=" + d.t.Name, "NODE=" + n.Name, "LAB_DIR=" + d.s.dir}
		p, done, err := d.spawn(env, n.Name, "exec", st.Log, "ip", "netns", "exec", st.Netns, "sh", "-c", strings.TrimSpace(cmdline))
		if err != nil {
			return fmt.Errorf("%s: exec %q: %v", n.Name, c, err)
		}
		d.s.Procs = append(d.s.Procs, p)
		if err := d.s.Save(); err != nil {
			return err
		}
		if background {
			continue
		}
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("%s: exec %q: %v:\n%s", n.Name, c, err, logTail(st.Log))
			}
		case <-time.After(execGrace):
			fmt.Fprintf(d.o.Out, "%s: %q still runs after %v: left running in the background (end it with & to say so)\n", n.Name, c, execGrace)
		}
	}
	return nil
}

// logTail is the end of a log file, for error messages.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "  (no log)"
	}
	if strings.TrimSpace(string(b)) == "" {
		return "  (it printed nothing)"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return "  " + strings.Join(lines, "\n  ")
}
