package dhcp

import (
	"net/netip"
)

// maxHops is where a relay stops forwarding a request (RFC 1542 §4.1.1).
const maxHops = 16

// maxHelpers bounds the helper addresses of one interface.
const maxHelpers = 16

// SetHelpers sets the `ip helper-address` list of an interface (nil removes
// it).
func (s *Service) SetHelpers(ifname string, helpers []netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(helpers) == 0 {
		delete(s.helpers, ifname)
		return
	}
	s.helpers[ifname] = append([]netip.Addr(nil), helpers[:min(len(helpers), maxHelpers)]...)
}

// Helpers returns the interface's helper addresses in configuration order.
func (s *Service) Helpers(ifname string) []netip.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]netip.Addr(nil), s.helpers[ifname]...)
}

func (s *Service) relaying(ifname string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.helpers[ifname]) > 0
}

// relayRequest forwards a client's request to every helper address with
// the arriving interface's address as giaddr (kept when another agent set
// it), hops counted. The message travels as received: options the relay
// does not read (the parameter request list) reach the server.
func (s *Service) relayRequest(ifname string, raw []byte, m *Message) {
	ifaddr := s.env.Address(ifname).Addr()
	if !ifaddr.IsValid() || m.Hops >= maxHops {
		s.count(func(st *Stats) { st.RelayDropped++ })
		return
	}
	out := append([]byte(nil), raw...)
	out[3]++
	if !m.GIAddr.IsValid() || m.GIAddr.IsUnspecified() {
		a := ifaddr.As4()
		copy(out[24:28], a[:])
	}
	for _, h := range s.Helpers(ifname) {
		s.env.SendLocal(buildUDP(ifaddr, h, ServerPort, ServerPort, uint16(s.ipID.Add(1)), out))
		s.count(func(st *Stats) { st.RelayedRequests++ })
	}
}

// relayReply hands a server's reply back to the client on the interface
// whose address is the giaddr: broadcast, since the client has no address
// to answer ARP for yet, unless it is renewing one it has.
func (s *Service) relayReply(raw []byte, m *Message) {
	ifname := ""
	if s.env.InterfaceOf != nil {
		ifname = s.env.InterfaceOf(m.GIAddr)
	}
	if ifname == "" {
		s.count(func(st *Stats) { st.RelayDropped++ })
		return
	}
	src := s.env.Address(ifname).Addr()
	s.count(func(st *Stats) { st.RelayedReplies++ })
	if m.CIAddr.IsValid() && !m.CIAddr.IsUnspecified() {
		s.env.SendLocal(buildUDP(src, m.CIAddr, ServerPort, ClientPort, uint16(s.ipID.Add(1)), raw))
		return
	}
	bc := netip.AddrFrom4([4]byte{255, 255, 255, 255})
	s.env.SendOn(ifname, bc, buildUDP(src, bc, ServerPort, ClientPort, uint16(s.ipID.Add(1)), raw))
}

func (s *Service) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}
