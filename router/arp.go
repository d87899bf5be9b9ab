package router

import (
	"fmt"
	"net/netip"
	"time"
)

// ARP settings and the router's side of ARP on Ethernet ports. The ports
// speak the protocol (package ether); the router says which addresses an
// interface answers for and what happens to a packet whose next hop does
// not resolve.

// DefaultARPTimeout is IOS's ARP cache timeout (`arp timeout 14400`).
const DefaultARPTimeout = 4 * time.Hour

// arpTimeouter is an Ethernet port's ARP cache.
type arpTimeouter interface{ SetTimeout(time.Duration) }

// SetARPTimeout sets `arp timeout SECONDS` (0 means the default) and passes
// it to the interface's Ethernet port.
func (i *Interface) SetARPTimeout(d time.Duration) {
	var p arpTimeouter
	i.r.configure(func() {
		i.arpTimeout = d
		p, _ = i.port.(arpTimeouter)
	})
	if p != nil {
		p.SetTimeout(i.ARPTimeout())
	}
}

// ARPTimeout is the interface's ARP cache timeout.
func (i *Interface) ARPTimeout() time.Duration {
	d := locked(i, func() time.Duration { return i.arpTimeout })
	if d == 0 {
		return DefaultARPTimeout
	}
	return d
}

// SetProxyARP sets `ip proxy-arp` (the default) or `no ip proxy-arp`.
func (i *Interface) SetProxyARP(on bool) { i.r.configure(func() { i.noProxyARP = !on }) }

// ProxyARP reports whether the interface answers ARP for addresses it
// routes elsewhere.
func (i *Interface) ProxyARP() bool { return locked(i, func() bool { return !i.noProxyARP }) }

// SetARPAlias installs the test for addresses an interface answers ARP for
// although they are not its own: NAT's inside global addresses on the
// outside interface, as IOS installs them. f is called on the packet path
// of the ARP port; it must be lock-free.
func (r *Router) SetARPAlias(f func(ifIndex int, a netip.Addr) bool) {
	r.mu.Lock()
	r.arpAlias = f
	changes := r.commitLocked()
	r.mu.Unlock()
	r.notify(changes)
}

// ARPHost is an interface as its Ethernet port sees it: the ether.Host of
// that port.
type ARPHost struct {
	r *Router
	i *Interface
}

// ARPHost returns the host side of interface i's ARP.
func (r *Router) ARPHost(i *Interface) *ARPHost { return &ARPHost{r: r, i: i} }

// Address is the interface's address, read lock-free.
func (h *ARPHost) Address() netip.Prefix { return h.r.AddressOf(h.i.index) }

// Answers decides a request for target that is not the interface's own
// address: a NAT global address, or proxy ARP (IOS answers for an address it
// routes out of another interface, but not by the default route).
func (h *ARPHost) Answers(target, sender netip.Addr) bool {
	s := h.r.snap.Load()
	if f := s.arpAlias; f != nil && f(h.i.index, target) {
		return true
	}
	in := h.i.index
	if in >= len(s.ifaces) {
		return false
	}
	st := &s.ifaces[in]
	if st.ownsSecondary(target) {
		return true // a secondary address (the port itself answers for the primary)
	}
	if st.noProxyARP || st.onLink(target) {
		return false // on this link: the owner answers
	}
	e, ok := s.fib.lookup(target)
	if !ok || int(e.out) == in {
		return false
	}
	switch e.kind {
	case fibLocal:
		return true
	case fibForward:
		return e.rib < 0 || s.rib[e.rib].Prefix.Bits() > 0
	}
	return false
}

// Unresolved answers a packet whose next hop did not resolve.
func (h *ARPHost) Unresolved(pkt []byte) { h.r.Unresolved(pkt) }

// announcer is an Ethernet port that sends gratuitous ARP.
type announcer interface{ Announce() }

// announce sends gratuitous ARP for the interface's address, as IOS does
// when an address is configured or the line comes up.
func (i *Interface) announce() {
	if a, ok := i.Port().(announcer); ok && i.Address().IsValid() && i.LineUp() {
		a.Announce()
	}
}

// arpTimeoutText is the timeout as show interfaces prints it (04:00:00).
func arpTimeoutText(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}
