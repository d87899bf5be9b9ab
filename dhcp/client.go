package dhcp

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"
)

// Client states (RFC 2131 §4.4).
const (
	stInit = iota
	stSelecting
	stRequesting
	stBound
	stRenewing
)

// retry is the wait before a DISCOVER or REQUEST is sent again.
const retry = 4 * time.Second

// client is the `ip address dhcp` state of one interface. Its fields are
// guarded by Service.mu.
type client struct {
	ifname   string
	state    int
	xid      uint32
	offered  netip.Addr
	server   netip.Addr
	addr     netip.Prefix
	gw       netip.Addr
	lease    time.Duration
	timer    *time.Timer
	stopped  bool
	attempts int
}

func (c *client) stopLocked() {
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}

// StartClient begins `ip address dhcp` on an interface: DISCOVER now, and
// again every few seconds until an address is bound.
func (s *Service) StartClient(ifname string) {
	s.mu.Lock()
	if c := s.clients[ifname]; c != nil {
		s.mu.Unlock()
		return
	}
	c := &client{ifname: ifname}
	s.clients[ifname] = c
	s.mu.Unlock()
	s.discoverFrom(c)
}

// StopClient ends `ip address dhcp` on an interface: the lease is released
// and the address and default route removed.
func (s *Service) StopClient(ifname string) {
	s.mu.Lock()
	c := s.clients[ifname]
	delete(s.clients, ifname)
	if c == nil {
		s.mu.Unlock()
		return
	}
	c.stopLocked()
	addr, server, gw := c.addr, c.server, c.gw
	s.mu.Unlock()
	if addr.IsValid() {
		m := s.clientMsg(c, Release)
		m.CIAddr, m.ServerID = addr.Addr(), server
		s.env.SendLocal(s.build(addr.Addr(), server, ClientPort, ServerPort, m))
		if gw.IsValid() && s.env.SetDefault != nil {
			s.env.SetDefault(ifname, netip.Addr{})
		}
		if s.env.SetAddress != nil {
			s.env.SetAddress(ifname, netip.Prefix{})
		}
	}
}

func (s *Service) hasClient(ifname string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clients[ifname] != nil
}

// ClientAddress is the address an `ip address dhcp` interface holds.
func (s *Service) ClientAddress(ifname string) netip.Prefix {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.clients[ifname]; c != nil {
		return c.addr
	}
	return netip.Prefix{}
}

func (s *Service) clientMsg(c *client, typ byte) *Message {
	m := &Message{Op: 1, HType: 1, HLen: 6, XID: c.xid, Type: typ}
	if s.env.MAC != nil {
		mac := s.env.MAC(c.ifname)
		copy(m.CHAddr[:], mac[:])
		m.ClientID = append([]byte{1}, mac[:]...)
	}
	if s.env.Hostname != nil {
		m.Hostname = s.env.Hostname()
	}
	return m
}

// discoverFrom starts over: a new transaction, a broadcast DISCOVER.
func (s *Service) discoverFrom(c *client) {
	s.mu.Lock()
	if c.stopped {
		s.mu.Unlock()
		return
	}
	c.state, c.xid, c.attempts = stSelecting, rand.Uint32(), 0
	s.armLocked(c, retry, func() { s.discoverFrom(c) })
	m := s.clientMsg(c, Discover)
	s.mu.Unlock()
	s.broadcastFrom(c.ifname, m)
}

func (s *Service) broadcastFrom(ifname string, m *Message) {
	bc := netip.AddrFrom4([4]byte{255, 255, 255, 255})
	s.env.SendOn(ifname, bc, s.build(netip.IPv4Unspecified(), bc, ClientPort, ServerPort, m))
}

func (s *Service) armLocked(c *client, d time.Duration, f func()) {
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = time.AfterFunc(d, f)
}

// clientInput takes an OFFER, ACK or NAK for an `ip address dhcp`
// interface.
func (s *Service) clientInput(ifname string, m *Message) {
	s.mu.Lock()
	c := s.clients[ifname]
	if c == nil || c.stopped || m.Op != 2 || m.XID != c.xid {
		s.mu.Unlock()
		return
	}
	switch {
	case m.Type == Offer && c.state == stSelecting:
		c.state, c.offered, c.server = stRequesting, m.YIAddr, m.ServerID
		req := s.clientMsg(c, Request)
		req.RequestedIP, req.ServerID = m.YIAddr, m.ServerID
		s.armLocked(c, retry, func() { s.discoverFrom(c) })
		s.mu.Unlock()
		s.broadcastFrom(ifname, req)
	case m.Type == Ack && (c.state == stRequesting || c.state == stRenewing):
		s.bound(c, m)
	case m.Type == Nak:
		old, gw := c.addr, c.gw
		c.addr, c.gw = netip.Prefix{}, netip.Addr{}
		s.mu.Unlock()
		s.unbind(ifname, old, gw)
		s.discoverFrom(c)
	default:
		s.mu.Unlock()
	}
}

// bound applies an ACK (s.mu held on entry, released here): the address,
// the default route via the offered router, the renewal timer at T1.
func (s *Service) bound(c *client, m *Message) {
	bits := 24
	if b, ok := maskBits(m.Mask); ok && m.Mask.IsValid() {
		bits = b
	}
	p := netip.PrefixFrom(m.YIAddr, bits)
	fresh := p != c.addr
	c.state, c.addr, c.attempts = stBound, p, 0
	if m.ServerID.IsValid() {
		c.server = m.ServerID
	}
	var gw netip.Addr
	if len(m.Routers) > 0 {
		gw = m.Routers[0]
	}
	oldGW := c.gw
	c.gw = gw
	lease := time.Duration(m.Lease) * time.Second
	if m.Lease == 0xffffffff {
		lease = 0
	}
	c.lease = lease
	if lease > 0 {
		t1 := lease / 2
		if m.T1 > 0 {
			t1 = time.Duration(m.T1) * time.Second
		}
		s.armLocked(c, t1, func() { s.renew(c) })
	} else if c.timer != nil {
		c.timer.Stop()
	}
	s.mu.Unlock()
	if fresh {
		if s.env.SetAddress != nil {
			s.env.SetAddress(c.ifname, p)
		}
		host := ""
		if s.env.Hostname != nil {
			host = s.env.Hostname()
		}
		s.log(fmt.Sprintf("%%DHCP-6-ADDRESS_ASSIGN: Interface %s assigned DHCP address %s, mask %s, hostname %s",
			c.ifname, p.Addr(), maskOf(bits), host))
	}
	if (fresh || gw != oldGW) && s.env.SetDefault != nil {
		s.env.SetDefault(c.ifname, gw)
	}
}

func (s *Service) unbind(ifname string, addr netip.Prefix, gw netip.Addr) {
	if gw.IsValid() && s.env.SetDefault != nil {
		s.env.SetDefault(ifname, netip.Addr{})
	}
	if addr.IsValid() && s.env.SetAddress != nil {
		s.env.SetAddress(ifname, netip.Prefix{})
	}
}

// renew asks the server that granted the lease to extend it, by unicast;
// after the lease would have run out with no answer, the client starts
// over.
func (s *Service) renew(c *client) {
	s.mu.Lock()
	if c.stopped || !c.addr.IsValid() {
		s.mu.Unlock()
		return
	}
	c.state = stRenewing
	c.attempts++
	if time.Duration(c.attempts)*retry > c.lease/2 {
		old, gw := c.addr, c.gw
		c.addr, c.gw = netip.Prefix{}, netip.Addr{}
		s.mu.Unlock()
		s.unbind(c.ifname, old, gw)
		s.discoverFrom(c)
		return
	}
	m := s.clientMsg(c, Request)
	m.CIAddr = c.addr.Addr()
	src, dst := c.addr.Addr(), c.server
	s.armLocked(c, retry, func() { s.renew(c) })
	s.mu.Unlock()
	s.env.SendLocal(s.build(src, dst, ClientPort, ServerPort, m))
}
