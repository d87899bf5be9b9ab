// Package ntp is the router's NTP client: `ntp server A.B.C.D [prefer]`
// lines, an SNTP client (RFC 4330) that asks each server over UDP 123 from
// the router's own address, at once and then every 64 seconds (doubling up
// to 1024 while a server does not answer), checks the replies (server mode,
// stratum 1-15, no alarm, the originate timestamp of the request) and steps
// the router's clock to the chosen server's time; show ntp status and show
// ntp associations in IOS 15's layouts.
//
// It is SNTP: no clock filter, no frequency discipline, no slewing; an
// offset over StepThreshold is stepped at once, a smaller one is kept.
package ntp

import (
	"net/netip"
	"slices"
	"sync"
	"time"

	"natlab/ios"
	"natlab/packet"
)

// Port is NTP's UDP port, the router's source port too (as IOS).
const Port = 123

// MaxServers bounds `ntp server` lines.
const MaxServers = 10

// Poll intervals: IOS's minpoll 6 and maxpoll 10.
const (
	MinPoll = 64 * time.Second
	MaxPoll = 1024 * time.Second
)

// StepThreshold is the smallest offset that steps the clock (ntpd's).
const StepThreshold = 128 * time.Millisecond

// Options are what the client needs from the router.
type Options struct {
	// Send sends a router-originated IPv4 datagram (router.SendLocal).
	Send func(pkt []byte) bool
	// Source is the router's address towards dst; invalid without a route.
	Source func(dst netip.Addr) netip.Addr
	// Now is the router's clock (the engine's, with `clock set` applied).
	Now func() time.Time
	// Step moves the router's clock by d.
	Step func(d time.Duration)
	// Synced reports that the clock became (or stopped being)
	// synchronised to a server: IOS's authoritative clock.
	Synced func(on bool)
}

// server is one `ntp server` and its association state.
type server struct {
	addr     netip.Addr
	prefer   bool
	poll     time.Duration
	next     time.Time // monotonic: when to send
	sent     Timestamp // transmit timestamp of the outstanding request, 0 if none
	reach    uint8     // the last eight polls, newest in bit 0
	answered bool      // the outstanding request got its answer
	valid    bool      // offset, delay and stratum are from a good reply
	stratum  uint8
	refID    [4]byte
	lastRx   time.Time // monotonic
	offset   time.Duration
	delay    time.Duration
	disp     time.Duration
	rootDly  uint32
	rootDisp uint32
}

// NTP is the client.
type NTP struct {
	o       Options
	e       *ios.Engine
	mono    func() time.Time // scheduling clock; time.Now outside tests
	started time.Time

	mu       sync.Mutex
	servers  []*server
	peer     *server // sys.peer, nil when unsynchronised
	refTime  time.Time
	lastSync time.Time // monotonic
	timer    *time.Timer
	useTimer bool
	closed   bool
	ipID     uint16
	pkt      [28 + PacketSize]byte
}

// Register installs the NTP commands in e. The client polls on its own
// timer while servers are configured; Close stops it.
func Register(e *ios.Engine, o Options) *NTP {
	n := newNTP(e, o, time.Now)
	n.useTimer = true
	return n
}

func newNTP(e *ios.Engine, o Options, mono func() time.Time) *NTP {
	n := &NTP{o: o, e: e, mono: mono, started: mono()}
	n.install()
	return n
}

// Close stops polling.
func (n *NTP) Close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed = true
	if n.timer != nil {
		n.timer.Stop()
	}
}

// addServer adds or updates `ntp server addr [prefer]`.
func (n *NTP) addServer(addr netip.Addr, prefer bool) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if i := slices.IndexFunc(n.servers, func(s *server) bool { return s.addr == addr }); i >= 0 {
		n.servers[i].prefer = prefer
		return nil
	}
	if len(n.servers) >= MaxServers {
		return ios.Errorf("%% Maximum number of NTP servers (%d) reached", MaxServers)
	}
	n.servers = append(n.servers, &server{addr: addr, prefer: prefer, poll: MinPoll, next: n.mono(), stratum: 16})
	n.scheduleLocked(n.mono())
	return nil
}

// removeServer is `no ntp server addr`; losing the sys.peer unsynchronises.
func (n *NTP) removeServer(addr netip.Addr) {
	n.mu.Lock()
	i := slices.IndexFunc(n.servers, func(s *server) bool { return s.addr == addr })
	if i < 0 {
		n.mu.Unlock()
		return
	}
	lost := n.servers[i] == n.peer
	n.servers = slices.Delete(n.servers, i, i+1)
	n.selectLocked()
	lost = lost && n.peer == nil
	n.scheduleLocked(n.mono())
	n.mu.Unlock()
	if lost && n.o.Synced != nil {
		n.o.Synced(false)
	}
}

// Tick sends the requests that are due at now (monotonic) and returns when
// the next one is due (zero with no servers).
func (n *NTP) Tick(now time.Time) time.Time {
	n.mu.Lock()
	lostSync := false
	for _, s := range n.servers {
		if now.Before(s.next) {
			continue
		}
		if s.sent != 0 && !s.answered {
			// The last request went unanswered: back off.
			s.poll = min(s.poll*2, MaxPoll)
		}
		s.reach <<= 1
		if s.reach == 0 && s.valid {
			s.valid, s.stratum = false, 16
			if s == n.peer {
				n.selectLocked()
				lostSync = n.peer == nil
			}
		}
		n.sendLocked(s)
		s.next = now.Add(s.poll)
	}
	next := n.nextLocked()
	n.mu.Unlock()
	if lostSync && n.o.Synced != nil {
		n.o.Synced(false)
	}
	return next
}

func (n *NTP) nextLocked() time.Time {
	var next time.Time
	for _, s := range n.servers {
		if next.IsZero() || s.next.Before(next) {
			next = s.next
		}
	}
	return next
}

// scheduleLocked arms the timer for the earliest poll.
func (n *NTP) scheduleLocked(now time.Time) {
	if !n.useTimer || n.closed {
		return
	}
	next := n.nextLocked()
	if next.IsZero() {
		if n.timer != nil {
			n.timer.Stop()
		}
		return
	}
	d := max(next.Sub(now), 0)
	if n.timer == nil {
		n.timer = time.AfterFunc(d, n.fire)
	} else {
		n.timer.Reset(d)
	}
}

func (n *NTP) fire() {
	now := n.mono()
	n.Tick(now)
	n.mu.Lock()
	n.scheduleLocked(now)
	n.mu.Unlock()
}

// sendLocked sends a client-mode request to s; its transmit timestamp is
// the router's time, which the reply's originate timestamp must echo.
func (n *NTP) sendLocked(s *server) {
	s.sent, s.answered = 0, false
	if n.o.Send == nil || n.o.Source == nil || n.o.Now == nil {
		return
	}
	src := n.o.Source(s.addr)
	if !src.IsValid() {
		return
	}
	req := Packet{Version: 4, Mode: ModeClient, Poll: 6, Xmit: ToTimestamp(n.o.Now())}
	var payload [PacketSize]byte
	req.Append(payload[:0])
	n.ipID++
	l := packet.BuildUDP(n.pkt[:], src, s.addr, Port, Port, n.ipID, 64, PacketSize, payload[:])
	if l > 0 && n.o.Send(n.pkt[:l]) {
		s.sent = req.Xmit
	}
}
