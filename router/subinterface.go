package router

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"natlab/port"
)

// Subinterfaces (GigabitEthernet0/0.10) carry one 802.1Q VLAN of their
// parent's Ethernet link. A subinterface exists from `interface g0/0.10`
// on, and gets a port once `encapsulation dot1Q` names its VLAN and the
// parent's port is a port.Trunk; until then its line is down.

// Subinterface returns parent.num (e.g. GigabitEthernet0/0.10), creating it
// when missing. parent must be a chassis interface.
func (r *Router) Subinterface(parent string, num int) (*Interface, error) {
	if num < 0 {
		return nil, fmt.Errorf("bad subinterface number %d", num)
	}
	name := parent + "." + strconv.Itoa(num)
	r.mu.Lock()
	if i := r.ifaceLocked(name); i != nil {
		r.mu.Unlock()
		return i, nil
	}
	p := r.ifaceLocked(parent)
	if p == nil || p.loopback || p.parent != nil {
		r.mu.Unlock()
		return nil, fmt.Errorf("%s cannot have subinterfaces", parent)
	}
	i := newInterface(r, name, r.freeIndexLocked(), -1)
	i.parent, i.subNum = p, num
	i.shutdown = false // a subinterface follows its parent's state, as on IOS
	r.placeLocked(i)
	changes := r.commitLocked()
	r.mu.Unlock()
	r.notify(changes)
	return i, nil
}

// SplitSubinterface splits "GigabitEthernet0/0.10" into its parent's name and
// number; ok is false for other names.
func SplitSubinterface(name string) (parent string, num int, ok bool) {
	parent, n, found := strings.Cut(name, ".")
	if !found {
		return "", 0, false
	}
	v, err := strconv.Atoi(n)
	if err != nil || v < 0 {
		return "", 0, false
	}
	return parent, v, true
}

// IsSubinterface reports whether i is a subinterface.
func (i *Interface) IsSubinterface() bool { return i.parent != nil }

// Parent is the main interface of a subinterface, nil otherwise.
func (i *Interface) Parent() *Interface { return i.parent }

// Encapsulation is the subinterface's 802.1Q VLAN (0: none yet) and whether
// it is the native (untagged) VLAN.
func (i *Interface) Encapsulation() (vlan uint16, native bool) {
	r := i.r
	r.mu.Lock()
	defer r.mu.Unlock()
	return i.vlan, i.native
}

// ErrVLANInUse is SetEncapsulation's answer when another subinterface of the
// same parent has the VLAN.
var ErrVLANInUse = errors.New("VLAN in use")

// SetEncapsulation sets `encapsulation dot1Q VLAN [native]` on a
// subinterface (vlan 0 removes it) and binds the VLAN's port from the
// parent's trunk when there is one.
func (r *Router) SetEncapsulation(i *Interface, vlan uint16, native bool) (other *Interface, err error) {
	r.mu.Lock()
	if i.parent == nil {
		r.mu.Unlock()
		return nil, fmt.Errorf("%s is not a subinterface", i.name)
	}
	if i.vlan == vlan && i.native == native {
		r.mu.Unlock()
		return nil, nil
	}
	for _, o := range r.ifaces {
		if o != nil && o != i && o.parent == i.parent && vlan != 0 && o.vlan == vlan {
			r.mu.Unlock()
			return o, ErrVLANInUse
		}
	}
	old := r.unbindVLANLocked(i)
	i.vlan, i.native = vlan, native
	a, err := r.bindVLANLocked(i)
	changes := r.commitLocked()
	r.mu.Unlock()
	closeDetached(old)
	r.attached(a)
	r.notify(changes)
	return nil, err
}

// bindVLANLocked gives subinterface i the port of its VLAN on its parent's
// trunk, when both exist.
func (r *Router) bindVLANLocked(i *Interface) ([]attachment, error) {
	if i.vlan == 0 || i.port != nil || r.closed {
		return nil, nil
	}
	t, ok := i.parent.port.(port.Trunk)
	if !ok {
		return nil, nil
	}
	p, err := t.VLAN(i.vlan, i.native)
	if err != nil {
		return nil, err
	}
	return []attachment{r.attachLocked(i, p)}, nil
}

// detached is a subinterface port taken off its interface, to close outside
// the lock (its worker exits on ErrClosed).
type detached struct {
	p     port.Port
	trunk port.Trunk
	vlan  uint16
}

func (r *Router) unbindVLANLocked(i *Interface) detached {
	if i.port == nil {
		return detached{}
	}
	d := detached{p: i.port, vlan: i.vlan}
	d.trunk, _ = i.parent.port.(port.Trunk)
	i.port, i.linker = nil, nil
	return d
}

func closeDetached(d detached) {
	if d.p == nil {
		return
	}
	d.p.Close()
	if d.trunk != nil {
		d.trunk.RemoveVLAN(d.vlan)
	}
}

// bindSubinterfacesLocked binds the VLAN ports of parent's subinterfaces
// once parent has a port.
func (r *Router) bindSubinterfacesLocked(parent *Interface) []attachment {
	var out []attachment
	for _, i := range r.ifaces {
		if i != nil && i.parent == parent {
			a, _ := r.bindVLANLocked(i)
			out = append(out, a...)
		}
	}
	return out
}

// freeIndexLocked is the lowest index past the chassis that no interface
// uses, so per-interface slices stay small.
func (r *Router) freeIndexLocked() int {
	for k := r.chassis; k < len(r.ifaces); k++ {
		if r.ifaces[k] == nil {
			return k
		}
	}
	return len(r.ifaces)
}

func (r *Router) placeLocked(i *Interface) {
	if i.index == len(r.ifaces) {
		r.ifaces = append(r.ifaces, i)
	} else {
		r.ifaces[i.index] = i
	}
}
