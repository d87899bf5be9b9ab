package labs

import (
	"encoding/json"
	"errors"
	"fmt"
)

// maxStateSize bounds the state file: a lab of MaxNodes nodes records a few kilobytes per node.
const maxStateSize = 16 << 20

// parseState reads the state file of lab, kept in dir. The file drives labs down, which signals the
// processes and removes the namespaces and devices it names: a damaged file must not name pid -1 (every
// process), a namespace option such as -all, or another lab.
func parseState(b []byte, lab, dir string) (*State, error) {
	if len(b) > maxStateSize {
		return nil, fmt.Errorf("%d bytes; a state file is at most %d", len(b), maxStateSize)
	}
	s := &State{dir: dir}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, err
	}
	if err := s.validate(lab); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *State) validate(lab string) error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	switch {
	case s.Lab != lab:
		bad("the state names lab %q, not %s", s.Lab, lab)
	case !validName(s.Lab) || len(s.Lab) > 12: // the state directory is RunDir()/<lab>
		bad("%q is not a lab name", s.Lab)
	}
	for i, ns := range s.Netns {
		if !validNetns(ns) {
			bad("netns[%d]: %q is not a lab namespace", i, ns)
		}
	}
	for i, p := range s.Procs {
		if p.PID <= 0 {
			bad("procs[%d]: pid %d is not a process ID", i, p.PID)
		}
	}
	for i, n := range s.Nodes {
		f := fmt.Sprintf("nodes[%d]", i)
		if !validName(n.Name) {
			bad("%s.name: %q is not a node name", f, n.Name)
		}
		if !validNetns(n.Netns) {
			bad("%s.netns: %q is not a lab namespace", f, n.Netns)
		}
		for j, p := range n.Ports {
			pf := fmt.Sprintf("%s.ports[%d]", f, j)
			if p.Device != "" && !validNetns(p.Device) {
				bad("%s.device: %q is not a device name", pf, p.Device)
			}
			if p.Netns != "" && !validNetns(p.Netns) {
				bad("%s.netns: %q is not a lab namespace", pf, p.Netns)
			}
		}
	}
	return errors.Join(errs...)
}

// validNetns reports whether s is a name NetnsName or TUNName could have made: a valid name of at
// most MaxIfName bytes (never an option such as -all, never a path).
func validNetns(s string) bool { return len(s) <= MaxIfName && validName(s) }
