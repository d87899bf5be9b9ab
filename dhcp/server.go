package dhcp

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// serve answers a BOOTREQUEST that arrived on ifname (directly or relayed).
func (s *Service) serve(ifname string, src netip.Addr, m *Message) {
	s.mu.Lock()
	switch m.Type {
	case Discover:
		s.stats.RecvDiscover++
	case Request:
		s.stats.RecvRequest++
	case Decline:
		s.stats.RecvDecline++
	case Release:
		s.stats.RecvRelease++
	case Inform:
		s.stats.RecvInform++
	default:
		s.stats.RecvBootRequest++
		s.mu.Unlock()
		return
	}
	s.expireLocked()
	s.mu.Unlock()

	serverID := s.env.Address(ifname).Addr()
	if !serverID.IsValid() {
		return
	}
	// The pool is the one whose network holds the relay agent's address,
	// or the arriving interface's.
	link := s.env.Address(ifname).Addr()
	if m.GIAddr.IsValid() && !m.GIAddr.IsUnspecified() {
		link = m.GIAddr
	}
	switch m.Type {
	case Discover:
		s.discover(ifname, link, serverID, m)
	case Request:
		s.request(ifname, link, serverID, m)
	case Decline:
		s.decline(m)
	case Release:
		s.release(m)
	}
}

// clientKey is how IOS names a client in its bindings: the client
// identifier option when sent, else the hardware address.
func clientKey(m *Message) string {
	if len(m.ClientID) > 0 {
		return dotted(m.ClientID)
	}
	return dotted(m.CHAddr[:6])
}

// dotted writes bytes as IOS does client identifiers: hex in groups of
// four digits separated by dots ("0100.5079.6668.00").
func dotted(b []byte) string {
	h := hex.EncodeToString(b)
	var sb strings.Builder
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(h[i:min(i+4, len(h))])
	}
	return sb.String()
}

// poolFor is the pool whose network holds link.
func (s *Service) poolForLocked(link netip.Addr) *Pool {
	var best *Pool
	for _, name := range s.order {
		p := s.pools[name]
		if p.Network.IsValid() && p.Network.Contains(link) && (best == nil || p.Network.Bits() > best.Network.Bits()) {
			best = p
		}
	}
	return best
}

// bindingOfLocked is the client's binding in pool p, nil when none.
func (s *Service) bindingOfLocked(id string, p *Pool) *Binding {
	for _, b := range s.binds {
		if b.ID == id && b.Pool == p.Name {
			return b
		}
	}
	return nil
}

// freeLocked reports whether a may be offered from p to client id.
func (s *Service) freeLocked(p *Pool, a netip.Addr, id string) bool {
	if !p.contains(a) || s.env.Own(a) || s.confl[a] != nil {
		return false
	}
	for _, r := range s.excl {
		if r.contains(a) {
			return false
		}
	}
	if b := s.binds[a]; b != nil && b.ID != id {
		return false
	}
	return true
}

// candidateLocked picks the next free address of p after its cursor.
func (s *Service) candidateLocked(p *Pool, id string) netip.Addr {
	first, last := p.first(), p.last()
	a := p.next
	if !p.contains(a) {
		a = first
	}
	for range min(p.size(), maxScan) {
		if s.freeLocked(p, a, id) {
			return a
		}
		if a = a.Next(); a.Compare(last) > 0 {
			a = first
		}
	}
	return netip.Addr{}
}

// discover offers an address: the client's own binding, the one it asks
// for when free, else the next free one that no host answers a ping for.
func (s *Service) discover(ifname string, link, serverID netip.Addr, m *Message) {
	id := clientKey(m)
	for tries := 0; tries < 8; tries++ {
		s.mu.Lock()
		p := s.poolForLocked(link)
		if p == nil {
			s.mu.Unlock()
			return
		}
		var a netip.Addr
		known := false
		if b := s.bindingOfLocked(id, p); b != nil {
			a, known = b.Addr, true
		} else if m.RequestedIP.IsValid() && s.freeLocked(p, m.RequestedIP, id) {
			a = m.RequestedIP
		} else {
			a = s.candidateLocked(p, id)
		}
		if !a.IsValid() || !known && len(s.binds) >= MaxBindings {
			s.mu.Unlock()
			return
		}
		if !known {
			p.next = a.Next()
		}
		pings := s.PingPackets
		s.mu.Unlock()
		if !known && s.inUse(a, pings) {
			s.mu.Lock()
			s.addConflictLocked(a, "Ping")
			s.mu.Unlock()
			s.log(fmt.Sprintf("%%DHCPD-4-PING_CONFLICT: DHCP address %s is in use, will not be offered.", a))
			continue
		}
		s.mu.Lock()
		b := s.binds[a]
		if b == nil {
			b = &Binding{Addr: a, ID: id, MAC: m.MAC(), Interface: ifname, Pool: p.Name}
			s.binds[a] = b
		}
		if !b.Active {
			b.Expires = s.now().Add(offerHold)
		}
		reply := s.replyLocked(p, m, Offer, a, serverID)
		s.stats.SentOffer++
		s.mu.Unlock()
		s.sendReply(ifname, serverID, m, reply)
		return
	}
}

// inUse pings a before it is offered, as IOS does (`ip dhcp ping packets`).
func (s *Service) inUse(a netip.Addr, pings int) bool {
	if s.env.Ping == nil {
		return false
	}
	for range pings {
		if s.env.Ping(a, s.PingTimeout) {
			return true
		}
	}
	return false
}

func (s *Service) addConflictLocked(a netip.Addr, method string) {
	if s.confl[a] == nil && len(s.confl) >= MaxConflicts {
		return
	}
	s.confl[a] = &Conflict{Addr: a, Method: method, When: s.now()}
}

// request answers a REQUEST in any of its states: selecting (server
// identifier), init-reboot (requested address), renewing or rebinding
// (ciaddr).
func (s *Service) request(ifname string, link, serverID netip.Addr, m *Message) {
	s.mu.Lock()
	reply := s.requestLocked(ifname, link, serverID, m)
	s.mu.Unlock()
	if reply != nil {
		s.sendReply(ifname, serverID, m, reply)
	}
}

func (s *Service) requestLocked(ifname string, link, serverID netip.Addr, m *Message) *Message {
	id := clientKey(m)
	p := s.poolForLocked(link)
	if m.ServerID.IsValid() && m.ServerID != serverID {
		// The client took another server's offer: ours is free again.
		for a, b := range s.binds {
			if b.ID == id && !b.Active {
				delete(s.binds, a)
			}
		}
		return nil
	}
	want := m.RequestedIP
	if !want.IsValid() || want.IsUnspecified() {
		want = m.CIAddr
	}
	if p == nil {
		return nil
	}
	var reply *Message
	switch {
	case !want.IsValid() || want.IsUnspecified():
		return nil
	case s.freeLocked(p, want, id) && (s.binds[want] != nil || len(s.binds) < MaxBindings):
		b := s.binds[want]
		if b == nil {
			b = &Binding{Addr: want, ID: id, Pool: p.Name}
			s.binds[want] = b
		}
		// One binding per client and pool.
		for a, o := range s.binds {
			if o.ID == id && o.Pool == p.Name && a != want {
				delete(s.binds, a)
			}
		}
		b.MAC, b.Interface, b.Active = m.MAC(), ifname, true
		b.Expires = time.Time{}
		if l := p.lease(); l != Infinite {
			b.Expires = s.now().Add(l)
		}
		reply = s.replyLocked(p, m, Ack, want, serverID)
		s.stats.SentAck++
	default:
		reply = s.replyLocked(p, m, Nak, netip.Addr{}, serverID)
		s.stats.SentNak++
	}
	return reply
}

// decline marks the declined address as a conflict.
func (s *Service) decline(m *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := m.RequestedIP
	if b := s.binds[a]; b != nil && b.ID == clientKey(m) {
		delete(s.binds, a)
		s.addConflictLocked(a, "Gratuitous ARP")
	}
}

// release frees the client's binding.
func (s *Service) release(m *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b := s.binds[m.CIAddr]; b != nil && b.ID == clientKey(m) {
		delete(s.binds, m.CIAddr)
	}
}

// replyLocked builds an OFFER, ACK or NAK.
func (s *Service) replyLocked(p *Pool, m *Message, typ byte, yiaddr, serverID netip.Addr) *Message {
	r := &Message{Op: 2, HType: m.HType, HLen: m.HLen, XID: m.XID, Flags: m.Flags,
		GIAddr: m.GIAddr, CHAddr: m.CHAddr, Type: typ, ServerID: serverID, ClientID: m.ClientID}
	if typ == Nak {
		return r
	}
	r.YIAddr = yiaddr
	if typ == Ack {
		r.CIAddr = m.CIAddr
	}
	l := p.lease()
	if l == Infinite {
		r.Lease = 0xffffffff
	} else {
		secs := uint32(l / time.Second)
		r.Lease, r.T1, r.T2 = secs, secs/2, secs/8*7
	}
	r.Mask = maskOf(p.Network.Bits())
	r.Routers, r.DNS, r.Domain = p.Routers, p.DNS, p.Domain
	return r
}

// sendReply sends a reply where RFC 2131 §4.1 says: to the relay agent, to
// a renewing client's address, else broadcast on the arriving link (the
// client has no address to answer ARP for yet).
func (s *Service) sendReply(ifname string, serverID netip.Addr, req, r *Message) {
	switch {
	case req.GIAddr.IsValid() && !req.GIAddr.IsUnspecified():
		s.env.SendLocal(s.build(serverID, req.GIAddr, ServerPort, ServerPort, r))
	case req.CIAddr.IsValid() && !req.CIAddr.IsUnspecified() && r.Type != Nak:
		s.env.SendLocal(s.build(serverID, req.CIAddr, ServerPort, ClientPort, r))
	default:
		bc := netip.AddrFrom4([4]byte{255, 255, 255, 255})
		s.env.SendOn(ifname, bc, s.build(serverID, bc, ServerPort, ClientPort, r))
	}
}

// expireLocked drops bindings whose lease ran out and offers never taken.
func (s *Service) expireLocked() {
	now := s.now()
	for a, b := range s.binds {
		if !b.Expires.IsZero() && !now.Before(b.Expires) {
			if b.Active {
				s.stats.Expired++
			}
			delete(s.binds, a)
		}
	}
}

func (s *Service) log(msg string) {
	if s.env.Log != nil {
		s.env.Log(msg)
	}
}
