package labs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// GoSwitch reports whether switch n runs as the Go switch (`labs switch`, package l2switch) rather than
// as a kernel bridge: a switch with VLANs does. A bridge that filters VLANs needs
// CONFIG_BRIDGE_VLAN_FILTERING, which many kernels lack; the Go switch needs nothing but AF_PACKET. A
// switch without VLANs stays a plain bridge, which every kernel has and which is faster.
func GoSwitch(n *Node) bool { return n.Kind == Switch && len(n.SwitchVLANs()) > 0 }

// ReadyPath is the file the Go switch of node creates once its ports are open.
func ReadyPath(dir, node string) string { return filepath.Join(dir, node+".ready") }

// SwitchArgs are the `labs` arguments that run switch n's Go switch: one --port per link, in link
// order, and the switch's VLANs, which its trunks carry (VLAN 1 untagged).
func SwitchArgs(t *Topology, n *Node, ready string) []string {
	args := []string{"switch", "--ready", ready}
	if vs := n.SwitchVLANs(); len(vs) > 0 {
		ids := make([]string, len(vs))
		for i, v := range vs {
			ids[i] = strconv.Itoa(int(v))
		}
		args = append(args, "--vlans", strings.Join(ids, ","))
	}
	for _, l := range t.LinksOf(n) {
		here, _ := l.At(n)
		mode := "trunk"
		if m := n.PortMode(here.If); m != "trunk" {
			mode = strings.Replace(m, " ", ":", 1) // "access 10" -> "access:10"
		}
		args = append(args, "--port", here.If+"="+mode)
	}
	return args
}

// startSwitch starts the supervisor of switch n's Go switch. It runs once every router is up, so the
// routers' TAPs are in the switch's namespace to be opened.
func (d *deployer) startSwitch(n *Node) error {
	return d.startSupervisor(n, "switch", nil)
}

// waitSwitch waits until switch n's Go switch has opened its ports, and records its process.
func (d *deployer) waitSwitch(n *Node, deadline time.Time) error {
	st, _ := d.s.Node(n.Name)
	var sup Proc
	for _, q := range d.s.Procs {
		if q.Node == n.Name && q.Role == "supervisor" {
			sup = q
		}
	}
	for {
		rs, err := readRunStatus(StatusPath(d.s.dir, n.Name))
		switch {
		case err == nil && rs.Exit != nil:
			return fmt.Errorf("%s: the switch exited during start (%s):\n%s", n.Name, rs.Exit.Reason, logTail(st.Log))
		case err != nil && !errors.Is(err, os.ErrNotExist):
			return err
		case err == nil && rs.PID != 0:
			if _, err := os.Stat(ReadyPath(d.s.dir, n.Name)); err == nil {
				d.s.Procs = append(d.s.Procs, Proc{Node: n.Name, Role: "switch", PID: rs.PID, Start: rs.Start, Cmd: "labs switch"})
				return d.s.Save()
			}
		}
		if cur, ok := d.sys.ProcStart(sup.PID); !ok || cur != sup.Start {
			return fmt.Errorf("%s: the switch's supervisor exited during start:\n%s", n.Name, logTail(st.Log))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: the switch did not open its ports within %v:\n%s", n.Name, d.o.ReadyTimeout, logTail(st.Log))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
