package acl

import (
	"natlab/packet"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure an ACLs set independently of the CLI and the router.
type Options struct {
	// Log receives syslog messages ("%SEC-6-IPACCESSLOGP: ..."); nil drops them.
	Log func(msg string)
	// IfIndex maps an interface name to its small stable index (the
	// router's Interface.Index); nil or -1 means unknown.
	IfIndex func(name string) int
	// LogInterval is the period of the logged-flow summaries; default 5 minutes.
	LogInterval time.Duration
}

// binding is what an interface has configured: access-groups by name
// (a list that does not exist permits everything) and `no ip unreachables`.
type binding struct {
	in, out        string
	noUnreachables bool
}

// compiled is the classifier of one list, shared by snapshots until the
// list changes.
type compiled struct {
	name string
	kind Kind
	cls  classifier
}

// snapshot is what the packet path reads: immutable once published.
type snapshot struct {
	lists     map[string]*compiled
	in, out   []*compiled // by interface index; nil: no filtering
	noUnreach []bool      // by interface index
}

// ACLs is the set of configured access-lists and interface bindings. The
// configuration side is serialised by a mutex; the packet side reads the
// compiled snapshot through an atomic pointer and never blocks.
type ACLs struct {
	opts Options
	mu   sync.Mutex
	// lists by name (numbered lists by their decimal number).
	lists    map[string]*List
	bindings map[string]*binding
	built    map[string]*compiled // per-list compile cache
	snap     atomic.Pointer[snapshot]
	log      *logger
	buffered bufferedLogging

	// Large lists compile in the background so that loading a config of
	// thousands of lines is not quadratic; until the new classifier is
	// ready the packet path keeps the previous one.
	gen     map[string]uint64 // edits per list
	pending map[string]bool   // lists whose built classifier is stale
	idle    *sync.Cond        // signalled when pending empties
	kick    chan struct{}
	stop    chan struct{}
	stopped sync.WaitGroup
}

// syncCompileLimit is the list size up to which an edit recompiles before
// the command returns (about 0.3 ms); larger lists compile in the background.
const syncCompileLimit = 512

// New returns an empty set. Call Close to stop its log summaries.
func New(o Options) *ACLs {
	if o.LogInterval <= 0 {
		o.LogInterval = 5 * time.Minute
	}
	a := &ACLs{
		opts:     o,
		lists:    map[string]*List{},
		bindings: map[string]*binding{},
		built:    map[string]*compiled{},
		log:      newLogger(o.Log, o.LogInterval),
		gen:      map[string]uint64{},
		pending:  map[string]bool{},
		kick:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
	a.idle = sync.NewCond(&a.mu)
	a.snap.Store(&snapshot{lists: map[string]*compiled{}})
	a.stopped.Add(1)
	go a.builder()
	return a
}

// Close stops the background goroutines (logging and compiling).
func (a *ACLs) Close() {
	a.log.close()
	select {
	case <-a.stop:
	default:
		close(a.stop)
		a.stopped.Wait()
	}
}

// Sync waits until every list edit is visible to the packet path.
func (a *ACLs) Sync() {
	a.mu.Lock()
	defer a.mu.Unlock()
	for len(a.pending) > 0 {
		a.idle.Wait()
	}
}

// builder compiles large lists off the configuration path.
func (a *ACLs) builder() {
	defer a.stopped.Done()
	for {
		select {
		case <-a.kick:
		case <-a.stop:
			return
		}
		for a.buildOne() {
		}
	}
}

// buildOne compiles one pending list; false when none is left.
func (a *ACLs) buildOne() bool {
	a.mu.Lock()
	name := ""
	for n := range a.pending {
		name = n
		break
	}
	if name == "" {
		a.idle.Broadcast()
		a.mu.Unlock()
		return false
	}
	l := a.lists[name]
	if l == nil {
		delete(a.pending, name)
		a.mu.Unlock()
		return true
	}
	g, rules, kind := a.gen[name], ruleCopy(l), l.Kind
	a.mu.Unlock()
	c := &compiled{name: name, kind: kind, cls: newClassifier(rules)}
	a.mu.Lock()
	if a.gen[name] == g { // else edited meanwhile: compile again
		a.built[name] = c
		delete(a.pending, name)
		a.publish()
	}
	a.mu.Unlock()
	return true
}

// Evaluate runs the named (or numbered, as a decimal string) list: first
// match, implicit deny. found is false when no such list exists. It
// counts the match and allocates nothing; it does not log (NAT selects
// sources with it, it does not filter).
func (a *ACLs) Evaluate(name string, p *packet.Parsed) (permit, found bool) {
	c := a.snap.Load().lists[name]
	if c == nil {
		return false, false
	}
	return c.eval(p, a.log, ""), true
}

// eval returns the verdict of the list for p and counts/logs the match;
// logIface is "" for no logging, else the input interface name ("-" when
// unknown) for log-input.
func (c *compiled) eval(p *packet.Parsed, lg *logger, logIface string) bool {
	i := c.cls.lookup(p)
	if i < 0 {
		return false
	}
	r := &c.cls.rules[i]
	r.stats.matches.Add(1)
	if r.Log != NoLog && logIface != "" {
		lg.hit(c.name, &r.Entry, p, logIface)
	}
	return r.Action == Permit
}

// List returns a copy of the named list's configuration, or nil.
func (a *ACLs) List(name string) *List {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := a.lists[name]
	if l == nil {
		return nil
	}
	c := *l
	c.Rules = slices.Clone(l.Rules)
	return &c
}

// Lists returns the names of all lists in `show access-lists` order:
// standard lists, then extended; numbered ascending before named ones,
// named ones alphabetically.
func (a *ACLs) Lists() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	names := make([]string, 0, len(a.lists))
	for n := range a.lists {
		names = append(names, n)
	}
	slices.SortFunc(names, func(x, y string) int {
		lx, ly := a.lists[x], a.lists[y]
		if lx.Kind != ly.Kind {
			return int(lx.Kind) - int(ly.Kind)
		}
		return compareNames(x, y)
	})
	return names
}

// compareNames orders numbered lists numerically before named ones.
func compareNames(x, y string) int {
	_, nx := NumberKind(x)
	_, ny := NumberKind(y)
	switch {
	case nx && ny:
		if len(x) != len(y) {
			return len(x) - len(y)
		}
		return strings.Compare(x, y)
	case nx:
		return -1
	case ny:
		return 1
	}
	return strings.Compare(x, y)
}

// Rebuild recompiles the interface index tables, e.g. after the router
// created an interface that already had bindings.
func (a *ACLs) Rebuild() { a.change("", func() error { return nil }) }

// change runs a configuration edit and publishes a new snapshot in which
// only the edited list is recompiled. Edits that fail still publish, so
// a partially applied edit is never invisible.
func (a *ACLs) change(name string, edit func() error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	err := edit()
	if name != "" {
		a.gen[name]++
		if l := a.lists[name]; l != nil && len(l.Rules) > syncCompileLimit && a.built[name] != nil {
			a.pending[name] = true
			select {
			case a.kick <- struct{}{}:
			default:
			}
		} else {
			delete(a.built, name)
			delete(a.pending, name)
		}
	}
	a.publish()
	return err
}

func (a *ACLs) publish() {
	s := &snapshot{lists: make(map[string]*compiled, len(a.lists))}
	for n, l := range a.lists {
		c := a.built[n]
		if c == nil {
			c = compile(l)
			a.built[n] = c
		}
		s.lists[n] = c
	}
	for n := range a.built {
		if a.lists[n] == nil {
			delete(a.built, n)
		}
	}
	if a.opts.IfIndex != nil {
		for ifname, b := range a.bindings {
			i := a.opts.IfIndex(ifname)
			if i < 0 {
				continue
			}
			for len(s.in) <= i {
				s.in, s.out, s.noUnreach = append(s.in, nil), append(s.out, nil), append(s.noUnreach, false)
			}
			s.in[i], s.out[i], s.noUnreach[i] = s.lists[b.in], s.lists[b.out], b.noUnreachables
		}
	}
	a.snap.Store(s)
}

func compile(l *List) *compiled {
	return &compiled{name: l.Name, kind: l.Kind, cls: newClassifier(ruleCopy(l))}
}

// ruleCopy takes the entries of a list by value, sharing their counters.
func ruleCopy(l *List) []rule {
	rules := make([]rule, len(l.Rules))
	for i, r := range l.Rules {
		rules[i] = rule{Entry: r.Entry, seq: r.Seq, stats: r.stats}
	}
	return rules
}
