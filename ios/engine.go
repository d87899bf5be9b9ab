package ios

import (
	"sync"
	"sync/atomic"
	"time"
)

// Engine is one router's CLI: its command trees, its configuration sections,
// its sessions and its log.
type Engine struct {
	mu sync.Mutex // the config lock, held while a handler runs

	undebug undebugs

	treeMu     sync.RWMutex
	modes      map[*Mode]*modeSet
	ifTypes    []InterfaceType
	installSeq int

	hostname     atomic.Pointer[string] // read for every prompt, without a lock
	domainLookup atomic.Bool            // `ip domain lookup`: an unknown EXEC word is resolved first

	secMu    sync.Mutex
	sections []section
	services serviceFlags

	startMu     sync.Mutex
	startupPath string
	startupMem  *string // saved config when no path is set

	sessMu   sync.Mutex
	sessions map[*Session]bool

	logMu      sync.Mutex
	logBuf     []string
	logBytes   int
	logMax     int
	logCount   int
	logDropped int
	logc       logConfig // levels, counters, sequence numbers, time zone, forwarder (log*.go)

	// EnableCheck, when set, runs before `enable` lets a user-EXEC session
	// into privileged EXEC (e.g. asks "Password: " with Context.AskSecret
	// and returns ios.Errorf("%% Bad secrets") on a wrong one).
	EnableCheck func(c *Context) error

	// Clock returns the time used for syslog timestamps. The default is an
	// IOS box without a calendar: Mar 1 00:00:00 plus the time since
	// NewEngine. Tests replace it for stable golden files.
	Clock func() time.Time
}

// NewEngine makes an engine with the built-in commands installed.
func NewEngine() *Engine {
	boot := time.Now()
	epoch := time.Date(2002, time.March, 1, 0, 0, 0, 0, time.UTC)
	e := &Engine{
		modes:    map[*Mode]*modeSet{},
		sessions: map[*Session]bool{},
		logMax:   DefaultLogBufferSize,
		Clock:    func() time.Time { return epoch.Add(time.Since(boot)) },
	}
	e.SetHostname("Router")
	e.services.timestampsDebug = true
	e.services.timestampsLog = true
	e.services.stampDebug = stampOptions{msec: true}
	e.services.stampLog = stampOptions{msec: true}
	e.installBuiltins()
	e.installStamps()
	e.addEngineSections()
	return e
}

// Lock takes the config lock (Execute holds it while a handler runs).
func (e *Engine) Lock() { e.mu.Lock() }

// Unlock releases the config lock.
func (e *Engine) Unlock() { e.mu.Unlock() }

// Hostname is the router's name, "Router" by default.
func (e *Engine) Hostname() string { return *e.hostname.Load() }

// SetDomainLookup sets what an unknown word at EXEC level prints: with
// lookup on (IOS's `ip domain lookup`) `Translating "foo"...domain server
// (255.255.255.255)`, with it off (the engine's default, IOS's `no ip domain
// lookup`) only `Translating "foo"`. The answer comes at once either way.
func (e *Engine) SetDomainLookup(on bool) { e.domainLookup.Store(on) }

// DomainLookup reports the SetDomainLookup setting.
func (e *Engine) DomainLookup() bool { return e.domainLookup.Load() }

// SetHostname changes the name shown in prompts and the running-config.
func (e *Engine) SetHostname(name string) { e.hostname.Store(&name) }
