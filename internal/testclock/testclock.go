// Package testclock is a clock that stands still until a test moves it: the
// one fake clock that the router, NAT and whole-device tests drive timers
// with (rate limits, translation and session timeouts).
package testclock

import (
	"sync"
	"time"
)

// Clock is safe for concurrent use; its Now method is what the router's,
// NAT's and the inspector's Clock options take.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New returns a clock standing at t.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
