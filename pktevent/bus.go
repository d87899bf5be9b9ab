package pktevent

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// DefaultRate is how many sampled events a second a bus publishes.
	DefaultRate = 50
	// MaxSubscribers bounds the subscribers of one bus.
	MaxSubscribers = 16
	// DefaultQueue is a subscriber's queue length when Subscribe is given
	// none.
	DefaultQueue = 256
)

// ErrTooManySubscribers is Subscribe's answer beyond MaxSubscribers.
var ErrTooManySubscribers = errors.New("pktevent: too many subscribers")

// Bus is one router's event stream. The zero value is not usable; a nil
// *Bus is a bus nobody ever watches.
type Bus struct {
	rate int64
	now  func() time.Time

	mu   sync.Mutex                      // serialises Subscribe and Close
	subs atomic.Pointer[[]*Subscription] // copy on write; nil or empty: nobody watches

	window atomic.Int64 // the second (Unix) the count is about
	count  atomic.Int64 // sampled events seen in that second

	published, sampledOut, dropped atomic.Uint64
}

// Options configure New.
type Options struct {
	// Rate is the number of sampled events a second; 0 is DefaultRate, a
	// negative rate publishes only the important ones.
	Rate int
	// Now replaces the clock (tests); nil is time.Now.
	Now func() time.Time
}

// New returns a bus.
func New(o Options) *Bus {
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Bus{rate: int64(max(o.Rate, 0)), now: o.Now}
}

// Active reports whether anyone subscribes: one atomic load. Producers
// check it before they build an event.
func (b *Bus) Active() bool {
	if b == nil {
		return false
	}
	s := b.subs.Load()
	return s != nil && len(*s) > 0
}

// Publish offers e to every subscriber, unless the sampler leaves it out
// (FTP rewrites and new translations it never leaves out). It never blocks
// and never allocates: a subscriber whose queue is full misses the event
// and counts it. It sets e.Time.
func (b *Bus) Publish(e Event) {
	if !b.Active() {
		return
	}
	if !e.important() && !b.Admit() {
		return
	}
	b.Send(e)
}

// Admit is the sampler on its own, for a producer whose event costs
// something to build (a rendered line): it reports whether a sampled event
// may be sent now, and counts it as sampled out when not. Send the event
// with Send.
func (b *Bus) Admit() bool {
	if !b.Active() {
		return false
	}
	if !b.admit(b.now().Unix()) {
		b.sampledOut.Add(1)
		return false
	}
	return true
}

// Send offers e to every subscriber without sampling; it never blocks.
func (b *Bus) Send(e Event) {
	p := b.subs.Load()
	if p == nil {
		return
	}
	e.Time = b.now()
	b.published.Add(1)
	for _, s := range *p {
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
			b.dropped.Add(1)
		}
	}
}

// admit is the sampler: a fixed window of rate events per second. Two
// packets racing at a second's turn may both reset the window; the bound is
// per second, not exact to the event.
func (b *Bus) admit(sec int64) bool {
	if w := b.window.Load(); w != sec && b.window.CompareAndSwap(w, sec) {
		b.count.Store(0)
	}
	return b.count.Add(1) <= b.rate
}

// Stats are a bus's counters.
type Stats struct {
	Published  uint64 `json:"published"`   // events handed to the subscribers
	SampledOut uint64 `json:"sampled_out"` // events the sampler left out
	Dropped    uint64 `json:"dropped"`     // events a full subscriber queue dropped
}

// Stats returns the bus's counters.
func (b *Bus) Stats() Stats {
	return Stats{Published: b.published.Load(), SampledOut: b.sampledOut.Load(), Dropped: b.dropped.Load()}
}

// Subscription is one subscriber's queue. C is never closed: a reader
// stops by its own means and calls Close.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	b       *Bus
	dropped atomic.Uint64
	once    sync.Once
}

// Subscribe adds a subscriber with a queue of n events (0: DefaultQueue).
func (b *Bus) Subscribe(n int) (*Subscription, error) {
	if n <= 0 {
		n = DefaultQueue
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var cur []*Subscription
	if p := b.subs.Load(); p != nil {
		cur = *p
	}
	if len(cur) >= MaxSubscribers {
		return nil, ErrTooManySubscribers
	}
	s := &Subscription{c: make(chan Event, n), b: b}
	s.C = s.c
	next := append(append(make([]*Subscription, 0, len(cur)+1), cur...), s)
	b.subs.Store(&next)
	return s, nil
}

// Dropped is how many events this subscriber missed because its queue was
// full.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Close removes the subscriber; events stop arriving (one in flight may
// still be queued).
func (s *Subscription) Close() {
	s.once.Do(func() {
		b := s.b
		b.mu.Lock()
		defer b.mu.Unlock()
		cur := *b.subs.Load()
		next := make([]*Subscription, 0, len(cur))
		for _, x := range cur {
			if x != s {
				next = append(next, x)
			}
		}
		b.subs.Store(&next)
	})
}
