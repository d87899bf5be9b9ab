package labs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// stopGrace is how long processes get to exit after SIGTERM before SIGKILL.
const stopGrace = 3 * time.Second

// Down removes a running lab: its processes (by PID and start time), every process left in its
// namespaces, the namespaces, any TUN device that outlived them, and its state directory. It removes
// only what the state records, works when the topology file is gone or a process died, and is
// harmless on a lab that is already down.
func Down(name string, w io.Writer) error {
	s, err := LoadState(name)
	if errors.Is(err, ErrNotRunning) {
		fmt.Fprintf(w, "lab %s is not running: nothing to remove\n", name)
		return nil
	}
	if err != nil {
		return err
	}
	return down(host{}, s, w, stopGrace)
}

func down(sys system, s *State, w io.Writer, grace time.Duration) error {
	var errs []error
	// Routers first: they hold the TUN devices, which vanish with them.
	var live []Proc
	for i := len(s.Procs) - 1; i >= 0; i-- {
		p := s.Procs[i]
		if st, ok := sys.ProcStart(p.PID); ok && st == p.Start {
			sys.Signal(p.PID, syscall.SIGTERM)
			live = append(live, p)
		}
	}
	waitGone(sys, live, grace)
	for _, p := range live {
		if st, ok := sys.ProcStart(p.PID); ok && st == p.Start {
			fmt.Fprintf(w, "%s: %s (pid %d) did not stop on SIGTERM: killed\n", p.Node, p.Role, p.PID)
			sys.Signal(p.PID, syscall.SIGKILL)
		}
	}
	for i := len(s.Netns) - 1; i >= 0; i-- {
		ns := s.Netns[i]
		if !sys.NetnsExists(ns) {
			continue
		}
		stopNamespace(sys, ns, grace)
		if err := sys.DelNetns(ns); err != nil {
			errs = append(errs, err)
		}
	}
	// A TUN device whose router was killed is gone with its file descriptor; one still in this
	// namespace (a router that died before moving it) is removed here.
	for _, n := range s.Nodes {
		for _, p := range n.Ports {
			if p.Device != "" && sys.LinkExists("", p.Device) {
				if err := sys.DelLink("", p.Device); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("lab %s: %w (state kept in %s; run labs down again)", s.Lab, errors.Join(errs...), s.dir)
	}
	if s.dir != "" {
		if err := os.RemoveAll(s.dir); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "lab %s is down (%d namespaces, %d processes)\n", s.Lab, len(s.Netns), len(s.Procs))
	return nil
}

// stopNamespace ends every process that still runs in a lab namespace (daemons a host started, a
// shell from `labs exec`): SIGTERM, then SIGKILL.
func stopNamespace(sys system, ns string, grace time.Duration) {
	pids := sys.NetnsPIDs(ns)
	if len(pids) == 0 {
		return
	}
	var procs []Proc
	for _, pid := range pids {
		if st, ok := sys.ProcStart(pid); ok {
			sys.Signal(pid, syscall.SIGTERM)
			procs = append(procs, Proc{PID: pid, Start: st})
		}
	}
	waitGone(sys, procs, grace)
	for _, p := range procs {
		if st, ok := sys.ProcStart(p.PID); ok && st == p.Start {
			sys.Signal(p.PID, syscall.SIGKILL)
		}
	}
	waitGone(sys, procs, grace)
}

func waitGone(sys system, procs []Proc, grace time.Duration) {
	deadline := time.Now().Add(grace)
	for {
		alive := false
		for _, p := range procs {
			if st, ok := sys.ProcStart(p.PID); ok && st == p.Start {
				alive = true
				break
			}
		}
		if !alive || time.Now().After(deadline) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
