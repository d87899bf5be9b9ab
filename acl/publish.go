package acl

import (
	"sync"
	"sync/atomic"
	"time"
)

// How a configuration edit reaches the packet path. Each list is published
// on its own, in its table: an edit of one list stores a new classifier
// there and touches no other list. The snapshot maps names and interfaces
// to tables; it is published again only when the set of tables or the
// interface bindings change.
//
// An entry appended after the last one (how a configuration is typed or
// loaded) costs O(1): the new classifier shares the entries and the
// groups of the previous one, and a lookup scans the appended entries in
// order after the groups. The groups are rebuilt to cover them once that
// tail grows: at once for small lists, in the background for large ones
// (after each quarter of growth, or when edits of the list pause). Any
// other edit (an insert, a removal, a resequence) leaves a plain
// first-match scan of the list until its groups are rebuilt. Every edit is
// thus visible to the packet path when the command returns, and loading a
// list of n entries compiles it O(log n) times.

// table is a list name as the packet path sees it.
type table struct {
	// published is the list's classifier; nil while no list has the name
	// (an interface bound to it permits everything).
	published atomic.Pointer[compiled]

	// The rest is the configuration side's, guarded by ACLs.mu.
	name    string
	kind    Kind
	cls     classifier // the latest, as published
	epoch   uint64     // counts the edits that were not appends
	edited  time.Time  // the last edit
	pending bool       // in compiler.pending
}

// compiled is a published classifier and what logging names it by.
type compiled struct {
	name string
	kind Kind
	cls  classifier
}

// snapshot is what the packet path reads: immutable once published.
type snapshot struct {
	lists     map[string]*table
	in, out   []*table // by interface index; nil: no filtering
	noUnreach []bool   // by interface index
}

// effect is what an edit did to a list's entries.
type effect uint8

const (
	entriesKept      effect = iota // remarks, an empty new list, a refused or duplicate entry
	entryAppended                  // one entry after the last
	entriesRewritten               // anything else
)

const (
	// tailMax is how many appended entries a lookup scans in order after
	// the groups before a list of up to syncCompileLimit entries is
	// recompiled in the command: as many as a list small enough to be
	// scanned whole (linearMax).
	tailMax = linearMax
	// syncCompileLimit is the list size up to which that recompile runs
	// in the command (about 0.3 ms); larger lists recompile in the
	// background.
	syncCompileLimit = 512
	// quietPeriod is how long edits of a list pause before the background
	// compiler covers its last appended entries.
	quietPeriod = 2 * time.Millisecond
)

// change runs a configuration edit of list name ("" for interface
// bindings) and publishes it. Edits that fail still publish, so a
// partially applied edit is never invisible.
func (a *ACLs) change(name string, edit func() (effect, error)) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	eff, err := edit()
	if name == "" {
		a.publishSnapshot()
		return err
	}
	l, t := a.lists[name], a.tables[name]
	switch {
	case l == nil && t != nil: // deleted
		t.epoch++
		t.cls = classifier{}
		t.published.Store(nil)
		a.publishSnapshot()
	case l != nil && t == nil: // created
		t = &table{name: name, kind: l.Kind}
		a.tables[name] = t
		a.update(t, l, entriesRewritten)
		a.publishSnapshot()
	case l != nil:
		if t.published.Load() == nil { // created again under a bound name
			t.kind, eff = l.Kind, entriesRewritten
		}
		a.update(t, l, eff)
	}
	return err
}

// update brings t's classifier in step with the list after an edit and
// publishes it.
func (a *ACLs) update(t *table, l *List, eff effect) {
	switch eff {
	case entriesKept:
		return
	case entryAppended:
		r := l.Rules[len(l.Rules)-1]
		t.cls.rules = append(t.cls.rules, rule{Entry: r.Entry, stats: r.stats})
	case entriesRewritten:
		t.epoch++
		t.cls = classifier{rules: ruleCopy(l)}
	}
	t.edited = time.Now()
	n, tail := len(t.cls.rules), len(t.cls.rules)-t.cls.grouped
	switch {
	case n <= linearMax || tail == 0:
	case tail > tailMax && n <= syncCompileLimit:
		t.cls = newClassifier(t.cls.rules)
	default:
		a.schedule(t)
	}
	t.published.Store(&compiled{name: t.name, kind: t.kind, cls: t.cls})
}

// ruleCopy takes the entries of a list by value, sharing their counters.
func ruleCopy(l *List) []rule {
	rules := make([]rule, len(l.Rules))
	for i, r := range l.Rules {
		rules[i] = rule{Entry: r.Entry, stats: r.stats}
	}
	return rules
}

// Rebuild publishes the interface tables again, e.g. after the router
// created an interface that already had bindings.
func (a *ACLs) Rebuild() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.publishSnapshot()
}

// publishSnapshot maps the names and the interfaces to their tables,
// creating the tables of bound names that have no list and dropping the
// tables nothing refers to any more.
func (a *ACLs) publishSnapshot() {
	bound := func(name string) *table {
		if name == "" {
			return nil
		}
		t := a.tables[name]
		if t == nil {
			t = &table{name: name}
			a.tables[name] = t
		}
		return t
	}
	s := &snapshot{}
	for ifname, b := range a.bindings {
		in, out := bound(b.in), bound(b.out)
		i := -1
		if a.opts.IfIndex != nil {
			i = a.opts.IfIndex(ifname)
		}
		if i < 0 {
			continue
		}
		for len(s.in) <= i {
			s.in, s.out, s.noUnreach = append(s.in, nil), append(s.out, nil), append(s.noUnreach, false)
		}
		s.in[i], s.out[i], s.noUnreach[i] = in, out, b.noUnreachables
	}
	s.lists = make(map[string]*table, len(a.tables))
	for name, t := range a.tables {
		if a.lists[name] == nil && !a.isBound(name) {
			delete(a.tables, name)
			continue
		}
		s.lists[name] = t
	}
	a.snap.Store(s)
}

// isBound reports whether an interface is bound to the name (interfaces
// are few: a scan is enough).
func (a *ACLs) isBound(name string) bool {
	for _, b := range a.bindings {
		if b.in == name || b.out == name {
			return true
		}
	}
	return false
}

// compiler rebuilds the groups of large lists off the configuration path.
type compiler struct {
	pending map[*table]bool
	hurry   int        // Sync is waiting: compile without waiting for a pause
	idle    *sync.Cond // signalled when pending empties
	kick    chan struct{}
	stop    chan struct{}
	stopped sync.WaitGroup
}

func (a *ACLs) startCompiler() {
	a.compiler = compiler{
		pending: map[*table]bool{},
		idle:    sync.NewCond(&a.mu),
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
	}
	a.compiler.stopped.Add(1)
	go a.compileLoop()
}

func (a *ACLs) stopCompiler() {
	select {
	case <-a.compiler.stop:
	default:
		close(a.compiler.stop)
		a.compiler.stopped.Wait()
	}
}

// schedule asks the background compiler to cover t's tail.
func (a *ACLs) schedule(t *table) {
	if !t.pending || a.due(t, t.edited) {
		t.pending = true
		a.compiler.pending[t] = true
		select {
		case a.compiler.kick <- struct{}{}:
		default:
		}
	}
}

// due reports whether t's groups should be rebuilt now: its tail grew by
// a quarter, its groups are gone, its edits paused or Sync waits.
func (a *ACLs) due(t *table, now time.Time) bool {
	tail := len(t.cls.rules) - t.cls.grouped
	return a.compiler.hurry > 0 || tail > max(tailMax, t.cls.grouped/4) || now.Sub(t.edited) >= quietPeriod
}

// Sync waits until every list's groups cover all its entries (every edit
// is visible at once; this waits for lookups to be fast again).
func (a *ACLs) Sync() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.compiler.hurry++
	defer func() { a.compiler.hurry-- }()
	select {
	case a.compiler.kick <- struct{}{}:
	default:
	}
	for len(a.compiler.pending) > 0 {
		a.compiler.idle.Wait()
	}
}

func (a *ACLs) compileLoop() {
	defer a.compiler.stopped.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-a.compiler.kick:
		case <-timer.C:
		case <-a.compiler.stop:
			return
		}
		if wait := a.compileDue(); wait > 0 {
			timer.Reset(wait)
		}
	}
}

// compileDue rebuilds the groups of every pending list that is due and
// returns how long until the next one is (0: none pending).
func (a *ACLs) compileDue() time.Duration {
	for {
		a.mu.Lock()
		now := time.Now()
		var next *table
		wait := time.Duration(0)
		for t := range a.compiler.pending {
			if t.cls.grouped == len(t.cls.rules) || len(t.cls.rules) <= linearMax || a.tables[t.name] != t {
				t.pending = false
				delete(a.compiler.pending, t)
				continue
			}
			if a.due(t, now) {
				next = t
				break
			}
			if w := t.edited.Add(quietPeriod).Sub(now); wait == 0 || w < wait {
				wait = max(w, time.Microsecond)
			}
		}
		if next == nil {
			if len(a.compiler.pending) == 0 {
				a.compiler.idle.Broadcast()
			}
			a.mu.Unlock()
			return wait
		}
		epoch, rules := next.epoch, next.cls.rules
		a.mu.Unlock()

		cls := newClassifier(rules)

		a.mu.Lock()
		// Unless the list was rewritten, or recompiled further in a command
		// meanwhile; entries appended meanwhile stay in the tail.
		if next.epoch == epoch && a.tables[next.name] == next && cls.grouped > next.cls.grouped {
			cls.rules = next.cls.rules
			next.cls = cls
			next.published.Store(&compiled{name: next.name, kind: next.kind, cls: cls})
		}
		a.mu.Unlock()
	}
}
