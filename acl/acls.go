package acl

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"natlab/packet"
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

// ACLs is the set of configured access-lists and interface bindings. The
// configuration side is serialised by a mutex; the packet side reads what
// publish.go publishes through atomic pointers and never blocks.
type ACLs struct {
	opts Options
	mu   sync.Mutex
	// lists by name (numbered lists by their decimal number).
	lists    map[string]*List
	bindings map[string]*binding
	// tables are the published lists, by name: every list and every name
	// an interface is bound to.
	tables   map[string]*table
	snap     atomic.Pointer[snapshot]
	log      *logger
	compiler compiler
}

// New returns an empty set. Call Close to stop its log summaries and its
// background compiler.
func New(o Options) *ACLs {
	if o.LogInterval <= 0 {
		o.LogInterval = 5 * time.Minute
	}
	a := &ACLs{
		opts:     o,
		lists:    map[string]*List{},
		bindings: map[string]*binding{},
		tables:   map[string]*table{},
		log:      newLogger(o.Log, o.LogInterval),
	}
	a.snap.Store(&snapshot{lists: map[string]*table{}})
	a.startCompiler()
	return a
}

// Close stops the background goroutines (logging and compiling).
func (a *ACLs) Close() {
	a.log.close()
	a.stopCompiler()
}

// Evaluate runs the named (or numbered, as a decimal string) list: first
// match, implicit deny. found is false when no such list exists. It
// counts the match and allocates nothing; it does not log (NAT selects
// sources with it, it does not filter).
func (a *ACLs) Evaluate(name string, p *packet.Parsed) (permit, found bool) {
	c := a.compiledList(name)
	if c == nil {
		return false, false
	}
	return c.eval(p, a.log, "", ""), true
}

// compiledList is the published classifier of the named list, nil when no
// list has the name.
func (a *ACLs) compiledList(name string) *compiled {
	t := a.snap.Load().lists[name]
	if t == nil {
		return nil
	}
	return t.published.Load()
}

// eval returns the verdict of the list for p and counts/logs the match;
// logIface is "" for no logging, else the input interface name ("-" when
// unknown) for log-input. outIface names the sending interface when the
// list filters there (`ip access-group out`), for the event stream.
func (c *compiled) eval(p *packet.Parsed, lg *logger, logIface, outIface string) bool {
	i := c.cls.lookup(p)
	if logIface != "" && lg.events.Active() {
		lg.publish(c, i, p, logIface, outIface)
	}
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
	c.entries = nil
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
