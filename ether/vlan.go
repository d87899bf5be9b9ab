package ether

import (
	"errors"
	"fmt"
	"slices"

	"natlab/port"
)

// Errors of VLAN.
var (
	ErrVLANInUse   = errors.New("VLAN already has a port")
	ErrNativeInUse = errors.New("another VLAN is native")
	ErrNotTrunk    = errors.New("a subinterface's port carries no VLANs")
)

// VLAN implements port.Trunk: the port of subinterface traffic tagged id.
// A native VLAN travels untagged: it gets the untagged frames (the main
// port none), accepts frames tagged id too, and writes untagged frames.
func (p *Port) VLAN(id uint16, native bool) (port.Port, error) {
	if p.vlan != 0 {
		return nil, ErrNotTrunk
	}
	if id == 0 || id > MaxVLAN {
		return nil, fmt.Errorf("VLAN %d out of range 1-%d", id, MaxVLAN)
	}
	l := p.l
	l.vmu.Lock()
	defer l.vmu.Unlock()
	if l.closed() {
		return nil, port.ErrClosed
	}
	if l.vlans[id].Load() != nil {
		return nil, ErrVLANInUse
	}
	if native && l.native.Load() != nil {
		return nil, ErrNativeInUse
	}
	v := l.newPort(id, native)
	l.ports = append(l.ports, v)
	l.vlans[id].Store(v)
	if native {
		l.native.Store(v)
	}
	return v, nil
}

// RemoveVLAN implements port.Trunk: VLAN id's frames are dropped from now
// on, and its port is closed.
func (p *Port) RemoveVLAN(id uint16) {
	if p.vlan != 0 || id == 0 || id > MaxVLAN {
		return
	}
	l := p.l
	l.vmu.Lock()
	defer l.vmu.Unlock()
	v := l.vlans[id].Load()
	if v == nil {
		return
	}
	l.vlans[id].Store(nil)
	if l.native.Load() == v {
		l.native.Store(nil)
	}
	if i := slices.Index(l.ports, v); i >= 0 {
		l.ports = slices.Delete(l.ports, i, i+1)
	}
	v.shutLocked()
}
