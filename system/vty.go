package system

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"natlab/ios"
)

// VTYRequest describes an incoming telnet or SSH connection.
type VTYRequest struct {
	Transport string         // "ssh" or "telnet"
	Source    netip.AddrPort // the client
	Local     netip.AddrPort // the router address and port it connected to
}

// Why OpenVTY refuses a connection. IOS resets the TCP connection in every
// case, so a client only ever sees "Connection refused"; the texts say why,
// for a server that prints something before it closes.
var (
	ErrNoFreeLine  = errors.New("% Connection refused: all vty lines are in use")
	ErrTransport   = errors.New("% Connection refused: transport input does not allow this protocol")
	ErrAccessClass = errors.New("% Connection refused: access-class denies this source")
	ErrQuietMode   = errors.New("% Connection refused: logins are blocked (login block-for quiet mode)")
)

// vtyRuntime is the vty lines in use; it lives in System under s.mu. It
// never grows: one slot per vty line.
type vtyRuntime struct {
	lines       [maxVtys]*VTY
	uses        [maxVtys]int // sessions each line has carried (show line)
	accessClass func(list string, src netip.Addr) bool
}

// VTY is one session on a vty line, from OpenVTY to Close.
type VTY struct {
	s      *System
	n      int
	req    VTYRequest
	conf   lineConf // the line's configuration when the session opened
	opened time.Time
	killed chan struct{}
	kill   sync.Once

	// Guarded by s.mu.
	user      string
	localPriv int // privilege of the `login local` user who authenticated; -1 none
	sess      *ios.Session
	active    time.Time
	ssh       SSHConnInfo
	closed    bool
}

// SSHConnInfo is what show ssh lists for an SSH session.
type SSHConnInfo struct {
	Version    string // "2.0"
	Encryption string // "aes128-ctr"
	HMAC       string // "hmac-sha2-256"
}

// SetAccessClass gives OpenVTY the access lists: f reports whether the
// list named by `access-class N in` permits src. Without it every source
// is permitted. f runs with the System's lock held: it must not call back
// into the System.
func (s *System) SetAccessClass(f func(list string, src netip.Addr) bool) {
	s.mu.Lock()
	s.rt.accessClass = f
	s.mu.Unlock()
}

// admits reports whether `transport input` lets protocol t in.
func (c *lineConf) admits(t string) bool {
	tr := c.transport
	if tr == "" {
		tr = defaultLine(lineVty).transport
	}
	if tr == "all" {
		return true
	}
	for _, p := range strings.Fields(tr) {
		if p == t {
			return true
		}
	}
	return false
}

// OpenVTY takes the lowest free vty line whose `transport input` admits the
// transport and whose `access-class N in` permits the source. The error
// text is what the client should see.
func (s *System) OpenVTY(req VTYRequest) (*VTY, error) {
	now := s.e.Clock() // outside the lock: the clock reads s's offset
	s.mu.Lock()
	quiet, offMsg := s.quietLocked(now)
	var v *VTY
	var err error
	if !quiet {
		v, err = s.claimLocked(req, now)
	} else {
		err = ErrQuietMode
	}
	s.mu.Unlock()
	if offMsg != "" {
		s.e.Log(offMsg)
	}
	return v, err
}

// claimLocked finds and takes the line for OpenVTY.
func (s *System) claimLocked(req VTYRequest, now time.Time) (*VTY, error) {
	err := ErrTransport
	for i, c := range s.vty {
		if c == nil || !c.admits(req.Transport) {
			continue
		}
		if c.accessIn != "" && s.rt.accessClass != nil && !s.rt.accessClass(c.accessIn, req.Source.Addr()) {
			if err == ErrTransport {
				err = ErrAccessClass
			}
			continue
		}
		if s.rt.lines[i] != nil {
			err = ErrNoFreeLine
			continue
		}
		v := &VTY{s: s, n: i, req: req, conf: *c, opened: now, active: now, killed: make(chan struct{}), localPriv: -1}
		s.rt.lines[i] = v
		s.rt.uses[i]++
		return v, nil
	}
	return nil, err
}

// Number is N of vty N.
func (v *VTY) Number() int { return v.n }

// Request is the connection the session was opened for.
func (v *VTY) Request() VTYRequest { return v.req }

// Login is what the line asks before the session starts.
func (v *VTY) Login() LoginMode { return v.conf.login }

// PasswordSet reports whether the line has a password (`login` without
// one refuses every session: "Password required, but none set").
func (v *VTY) PasswordSet() bool { return v.conf.password.set }

// Privilege is the level the session starts at: the `login local` user's
// `privilege` when it has one, else the line's `privilege level`, else 1.
func (v *VTY) Privilege() int {
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	if v.localPriv > 1 || v.localPriv == 0 {
		return v.localPriv
	}
	if v.conf.privilege >= 0 {
		return v.conf.privilege
	}
	return 1
}

// ExecTimeout is the line's exec-timeout; 0 means never.
func (v *VTY) ExecTimeout() time.Duration {
	return time.Duration(v.conf.timeoutMin)*time.Minute + time.Duration(v.conf.timeoutSec)*time.Second
}

// SetUser records who logged in, for show users, show ssh and the logout
// message.
func (v *VTY) SetUser(user string) {
	v.s.mu.Lock()
	v.user = user
	v.s.mu.Unlock()
}

// SetSession ties the IOS session running on the line to it, so that show
// users marks the asking line with '*' and clear line refuses to clear it.
func (v *VTY) SetSession(sess *ios.Session) {
	v.s.mu.Lock()
	v.sess = sess
	v.s.mu.Unlock()
}

// SetSSH records the SSH connection's parameters for show ssh.
func (v *VTY) SetSSH(info SSHConnInfo) {
	v.s.mu.Lock()
	v.ssh = info
	v.s.mu.Unlock()
}

// Activity marks input from the user: show users' Idle counts from it.
func (v *VTY) Activity() {
	now := v.s.e.Clock()
	v.s.mu.Lock()
	v.active = now
	v.s.mu.Unlock()
}

// Killed is closed by `clear line vty N` (or `clear line N`).
func (v *VTY) Killed() <-chan struct{} { return v.killed }

// Close frees the line; it logs %SYS-6-LOGOUT when a user had logged in.
// Closing twice does nothing.
func (v *VTY) Close() {
	s := v.s
	s.mu.Lock()
	if v.closed {
		s.mu.Unlock()
		return
	}
	v.closed = true
	if s.rt.lines[v.n] == v {
		s.rt.lines[v.n] = nil
	}
	user := v.user
	s.mu.Unlock()
	v.kill.Do(func() { close(v.killed) })
	if user != "" {
		s.e.Log(fmt.Sprintf("%%SYS-6-LOGOUT: User %s has exited tty session %d(%s)", user, absolute(lineVty, v.n), v.req.Source.Addr()))
	}
}

// Origin is how syslog names the session, for ios.Session.SetConfiguredBy:
// "admin on vty0 (192.168.1.10)", or "vty0 (192.168.1.10)" without a user.
func (v *VTY) Origin() string {
	v.s.mu.Lock()
	user := v.user
	v.s.mu.Unlock()
	if user == "" {
		return fmt.Sprintf("vty%d (%s)", v.n, v.req.Source.Addr())
	}
	return fmt.Sprintf("%s on vty%d (%s)", user, v.n, v.req.Source.Addr())
}
