package system

import (
	"fmt"
	"time"
)

// loginGuard is `login block-for`, `login on-success log` and `login
// on-failure log` with the failures they watch. It lives in System under
// s.mu.
type loginGuard struct {
	block, attempts, within int // seconds, count, seconds; block 0: off
	onSuccess, onFailure    bool

	failures   []time.Time // in the watch window, oldest first; never more than attempts
	total      int         // failures since block-for was configured
	quiet      bool
	quietUntil time.Time
	timer      *time.Timer // announces the end of quiet mode
}

// secLoginTime is the time at the end of %SEC_LOGIN messages.
const secLoginTime = "15:04:05 MST Mon Jan 2 2006"

// logSuccess and logFailure say whether logins are logged: as asked, and
// always while login block-for watches.
func (g *loginGuard) logSuccess() bool { return g.onSuccess || g.block > 0 }
func (g *loginGuard) logFailure() bool { return g.onFailure || g.block > 0 }

// quietLocked reports whether logins are blocked now, ending quiet mode
// (and returning its message) when the block period is over.
func (s *System) quietLocked(now time.Time) (quiet bool, offMsg string) {
	g := &s.guard
	if g.quiet && !now.Before(g.quietUntil) {
		g.quiet = false
		offMsg = "%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out at " + now.UTC().Format(secLoginTime)
	}
	return g.quiet, offMsg
}

// failureLocked counts a failed login and starts quiet mode when the
// attempts within the window reach the limit; it returns the message.
func (s *System) failureLocked(now time.Time, who string) string {
	g := &s.guard
	if g.block == 0 || g.quiet {
		return ""
	}
	g.total++
	window := time.Duration(g.within) * time.Second
	kept := g.failures[:0]
	for _, f := range g.failures {
		if now.Sub(f) < window {
			kept = append(kept, f)
		}
	}
	g.failures = append(kept, now)
	if len(g.failures) < g.attempts {
		return ""
	}
	left := int((window - now.Sub(g.failures[0])).Seconds())
	g.failures = g.failures[:0]
	g.quiet = true
	g.quietUntil = now.Add(time.Duration(g.block) * time.Second)
	if g.timer != nil {
		g.timer.Stop()
	}
	g.timer = time.AfterFunc(time.Duration(g.block)*time.Second, s.endQuiet)
	return fmt.Sprintf("%%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is %d secs, %s [Reason: Login Authentication Failed] [ACL: sl_def_acl] at %s",
		left, who, now.UTC().Format(secLoginTime))
}

// endQuiet announces the end of quiet mode when nobody tried to log in.
func (s *System) endQuiet() {
	now := s.e.Clock()
	s.mu.Lock()
	_, msg := s.quietLocked(now)
	s.mu.Unlock()
	if msg != "" {
		s.e.Log(msg)
	}
}

// Authenticate checks a login on the line: the line password (`login`), or
// a username's secret or password (`login local`); with `no login` anyone
// passes. It logs %SEC_LOGIN-5-LOGIN_SUCCESS / %SEC_LOGIN-4-LOGIN_FAILED
// (with `login on-success log` / `login on-failure log`, or while `login
// block-for` watches) and counts failures for block-for's quiet mode.
func (v *VTY) Authenticate(user, password string) bool {
	s := v.s
	var ok bool
	priv := -1
	switch v.conf.login {
	case LoginNone:
		return true
	case LoginLine:
		ok = v.conf.password.set && v.conf.password.clear == password
	case LoginLocal:
		if u, found := s.lookupUser(user); found && u.check(password) {
			ok, priv = true, u.privilege
		}
	}
	now := s.e.Clock()
	who := fmt.Sprintf("[user: %s] [Source: %s] [localport: %d]", user, v.req.Source.Addr(), v.req.Local.Port())
	var msgs []string
	s.mu.Lock()
	if ok {
		v.localPriv = priv
		if s.guard.logSuccess() {
			msgs = append(msgs, fmt.Sprintf("%%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success %s at %s", who, now.UTC().Format(secLoginTime)))
		}
	} else {
		if s.guard.logFailure() {
			msgs = append(msgs, fmt.Sprintf("%%SEC_LOGIN-4-LOGIN_FAILED: Login failed %s [Reason: Login Authentication Failed] at %s", who, now.UTC().Format(secLoginTime)))
		}
		if m := s.failureLocked(now, who); m != "" {
			msgs = append(msgs, m)
		}
	}
	s.mu.Unlock()
	for _, m := range msgs {
		s.e.Log(m)
	}
	return ok
}
