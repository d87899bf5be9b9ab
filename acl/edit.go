package acl

// The configuration edits. Each runs under the set's mutex and is visible
// to the packet path when it returns (publish.go). Each says what it did
// to the list's entries, so that appending an entry costs the same
// whatever the size of the list.

// ErrInvalidName is the refusal of a list number of the wrong kind or
// range in `ip access-list standard|extended`.
var ErrInvalidName = &nameError{}

type nameError struct{}

func (*nameError) Error() string { return "% Invalid access list name." }

// list returns the list, creating it when create is set; kind mismatches
// are refused.
func (a *ACLs) list(name string, kind Kind, create bool) (*List, error) {
	if k, numbered := NumberKind(name); numbered && k != kind {
		return nil, ErrInvalidName
	} else if !numbered && name != "" && name[0] >= '0' && name[0] <= '9' {
		return nil, ErrInvalidName
	}
	l := a.lists[name]
	if l != nil {
		if l.Kind != kind {
			return nil, &KindError{l.Kind}
		}
		return l, nil
	}
	if !create {
		return nil, nil
	}
	l = &List{Name: name, Kind: kind}
	a.lists[name] = l
	return l, nil
}

// Create makes an empty list (entering `ip access-list ...` does this).
func (a *ACLs) Create(name string, kind Kind) error {
	return a.change(name, func() (effect, error) {
		_, err := a.list(name, kind, true)
		return entriesKept, err
	})
}

// Add appends (seq 0) or inserts an entry.
func (a *ACLs) Add(name string, seq int, e Entry) error {
	return a.change(name, func() (effect, error) {
		l, err := a.list(name, e.Kind, true)
		if err != nil {
			return entriesKept, err
		}
		return l.add(seq, e)
	})
}

// Remark adds a remark before the next entry.
func (a *ACLs) Remark(name string, kind Kind, text string) error {
	return a.change(name, func() (effect, error) {
		l, err := a.list(name, kind, true)
		if err != nil {
			return entriesKept, err
		}
		l.remark(text)
		return entriesKept, nil
	})
}

// RemoveRemark deletes a remark by its text.
func (a *ACLs) RemoveRemark(name, text string) {
	a.change(name, func() (effect, error) {
		if l := a.lists[name]; l != nil {
			l.removeRemark(text)
		}
		return entriesKept, nil
	})
}

// RemoveSeq deletes the entry with this sequence number.
func (a *ACLs) RemoveSeq(name string, seq int) {
	a.change(name, func() (effect, error) {
		if l := a.lists[name]; l != nil && l.removeSeq(seq) {
			return entriesRewritten, nil
		}
		return entriesKept, nil
	})
}

// RemoveEntry deletes the entry equal to e.
func (a *ACLs) RemoveEntry(name string, e Entry) {
	a.change(name, func() (effect, error) {
		if l := a.lists[name]; l != nil && l.removeEntry(e) {
			return entriesRewritten, nil
		}
		return entriesKept, nil
	})
}

// Delete removes a whole list (interface bindings keep its name and
// permit everything until it exists again, as on IOS).
func (a *ACLs) Delete(name string) {
	a.change(name, func() (effect, error) {
		delete(a.lists, name)
		return entriesRewritten, nil
	})
}

// Resequence renumbers a list start, start+step, ... (the order of its
// entries, all the packet path knows of, stays).
func (a *ACLs) Resequence(name string, start, step int) error {
	return a.change(name, func() (effect, error) {
		if l := a.lists[name]; l != nil {
			return entriesKept, l.resequence(start, step)
		}
		return entriesKept, nil
	})
}

// ClearCounters resets the match counters of one list, or all for "".
func (a *ACLs) ClearCounters(name string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for n, l := range a.lists {
		if name == "" || n == name {
			for _, r := range l.Rules {
				r.stats.matches.Store(0)
			}
		}
	}
}

// SetAccessGroup binds a list to an interface direction; "" unbinds.
func (a *ACLs) SetAccessGroup(ifname string, in bool, name string) {
	a.change("", func() (effect, error) {
		b := a.binding(ifname)
		if in {
			b.in = name
		} else {
			b.out = name
		}
		return entriesKept, nil
	})
}

// SetUnreachables turns the ICMP administratively-prohibited replies for
// denied packets on or off (`[no] ip unreachables`, on by default).
func (a *ACLs) SetUnreachables(ifname string, on bool) {
	a.change("", func() (effect, error) {
		a.binding(ifname).noUnreachables = !on
		return entriesKept, nil
	})
}

// AccessGroups returns the list names bound to an interface.
func (a *ACLs) AccessGroups(ifname string) (in, out string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if b := a.bindings[ifname]; b != nil {
		return b.in, b.out
	}
	return "", ""
}

// InterfaceConfigLines returns the interface sub-commands acl owns, in
// IOS order and without indentation: `ip access-group NAME in`,
// `ip access-group NAME out`, `no ip unreachables`.
func (a *ACLs) InterfaceConfigLines(ifname string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.bindings[ifname].configLines()
}

// configLines are the interface sub-commands of a binding (none for nil).
func (b *binding) configLines() []string {
	if b == nil {
		return nil
	}
	var lines []string
	for _, l := range []struct {
		configured bool
		text       string
	}{
		{b.in != "", "ip access-group " + b.in + " in"},
		{b.out != "", "ip access-group " + b.out + " out"},
		{b.noUnreachables, "no ip unreachables"},
	} {
		if l.configured {
			lines = append(lines, l.text)
		}
	}
	return lines
}

// RemoveInterface forgets an interface's bindings (a deleted loopback).
func (a *ACLs) RemoveInterface(ifname string) {
	a.change("", func() (effect, error) {
		delete(a.bindings, ifname)
		return entriesKept, nil
	})
}

func (a *ACLs) binding(ifname string) *binding {
	b := a.bindings[ifname]
	if b == nil {
		b = &binding{}
		a.bindings[ifname] = b
	}
	return b
}
