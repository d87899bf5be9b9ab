package stack

import (
	"errors"
	"sync"
	"sync/atomic"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"natlab/packet"
	"natlab/router"
)

const (
	// nicID is the stack's only NIC.
	nicID tcpip.NICID = 1
	// mtu is the NIC's MTU, so the MSS the stack offers is 1460: the
	// Ethernet MTU every router interface has by default. A smaller
	// interface MTU fragments the stack's segments in the router (clearDF).
	mtu = 1500
	// inQueue bounds the segments waiting for the injector. A full queue
	// drops, as a receive ring does; TCP recovers.
	inQueue = 1024
	// bufSize is the size of the queue's pooled buffers; a larger
	// (reassembled) segment gets a buffer of its own.
	bufSize = 2048
)

// Stats counts the stack's traffic with the router.
type Stats struct {
	Taken   uint64 // segments taken from the router
	Dropped uint64 // taken segments dropped because the queue was full
	Out     uint64 // packets handed to router.SendLocal
	NoRoute uint64 // of those, the ones the router had no route for
}

// Stack is the router's TCP stack. Its methods may be called from any
// goroutine.
type Stack struct {
	r  *router.Router
	ns *stack.Stack
	ep *link

	// owned has a bit set for each port the stack takes segments for;
	// the hook reads it without a lock. refs (under mu) counts each port's
	// listener and accepted connections.
	owned [1 << 16 / 64]atomic.Uint64
	mu    sync.Mutex
	refs  map[uint16]int
	lns   map[*listener]struct{}

	in    chan *[]byte
	bufs  chan *[]byte // free list of bufSize buffers
	done  chan struct{}
	wg    sync.WaitGroup
	close sync.Once

	taken, dropped, out, noRoute atomic.Uint64
}

// New builds the stack and installs it as r's taker of local TCP segments.
// Until Listen it takes nothing.
func New(r *router.Router) *Stack {
	ns := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	s := newQueue(inQueue)
	s.r, s.ns = r, ns
	s.ep = &link{Endpoint: channel.New(0, mtu, ""), s: s}
	sack := tcpip.TCPSACKEnabled(true)
	ns.SetTransportProtocolOption(tcp.ProtocolNumber, &sack)
	// The NIC and routes cannot fail on a fresh stack with a fresh NIC
	// ID; an error here is a programming error, not bad input.
	if err := ns.CreateNIC(nicID, s.ep); err != nil {
		panic("stack: create NIC: " + err.String())
	}
	ns.SetPromiscuousMode(nicID, true)
	ns.SetSpoofing(nicID, true)
	ns.SetRouteTable([]tcpip.Route{{Destination: header.IPv4EmptySubnet, NIC: nicID}})
	s.wg.Add(1)
	go s.inject()
	r.SetLocalTCP(s.take)
	return s
}

// newQueue is a Stack with only its ports and queue of n segments: all
// that take needs.
func newQueue(n int) *Stack {
	s := &Stack{
		refs: make(map[uint16]int),
		lns:  make(map[*listener]struct{}),
		in:   make(chan *[]byte, n),
		done: make(chan struct{}),
	}
	s.bufs = make(chan *[]byte, n+16)
	return s
}

// Stats returns the counters.
func (s *Stack) Stats() Stats {
	return Stats{Taken: s.taken.Load(), Dropped: s.dropped.Load(), Out: s.out.Load(), NoRoute: s.noRoute.Load()}
}

// take is the router's hook: it copies a segment for an owned port into the
// queue. It runs on a router packet goroutine, so it never blocks and
// allocates nothing for a segment that fits a pooled buffer.
func (s *Stack) take(pkt []byte) bool {
	if len(pkt) < header.IPv4MinimumSize || pkt[0]>>4 != 4 {
		return false
	}
	ihl := int(pkt[0]&0xf) * 4
	if ihl < header.IPv4MinimumSize || len(pkt) < ihl+header.TCPMinimumSize || pkt[9] != uint8(header.TCPProtocolNumber) {
		return false
	}
	port := uint16(pkt[ihl+2])<<8 | uint16(pkt[ihl+3])
	if s.owned[port/64].Load()&(1<<(port%64)) == 0 {
		return false
	}
	select {
	case <-s.done:
		return false
	default:
	}
	bp := s.getBuf(len(pkt))
	copy(*bp, pkt)
	select {
	case s.in <- bp:
		s.taken.Add(1)
	default:
		s.putBuf(bp)
		s.dropped.Add(1)
	}
	return true
}

// getBuf returns a buffer of n bytes: a recycled one when n fits. The
// free list is a bounded channel, not a sync.Pool, so the steady state
// allocates nothing deterministically.
func (s *Stack) getBuf(n int) *[]byte {
	if n > bufSize {
		b := make([]byte, n)
		return &b
	}
	select {
	case bp := <-s.bufs:
		*bp = (*bp)[:n]
		return bp
	default:
		b := make([]byte, n, bufSize)
		return &b
	}
}

func (s *Stack) putBuf(bp *[]byte) {
	if cap(*bp) != bufSize {
		return
	}
	select {
	case s.bufs <- bp:
	default:
	}
}

// inject feeds the queued segments to netstack until Close.
func (s *Stack) inject() {
	defer s.wg.Done()
	for {
		select {
		case <-s.done:
			return
		case bp := <-s.in:
			pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(*bp)})
			s.putBuf(bp)
			s.ep.InjectInbound(header.IPv4ProtocolNumber, pkt)
			pkt.DecRef()
		}
	}
}

// hold and release count a port's users; the port is owned while any.
func (s *Stack) hold(port uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs[port]++
	s.owned[port/64].Or(1 << (port % 64))
}

func (s *Stack) release(port uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs[port]--; s.refs[port] > 0 {
		return
	}
	delete(s.refs, port)
	s.owned[port/64].And(^uint64(1 << (port % 64)))
}

// Close removes the stack from the router (whose resets come back for
// every port), closes the listeners and ends every connection.
func (s *Stack) Close() error {
	s.close.Do(func() {
		s.r.SetLocalTCP(nil)
		close(s.done)
		s.mu.Lock()
		lns := make([]*listener, 0, len(s.lns))
		for l := range s.lns {
			lns = append(lns, l)
		}
		s.mu.Unlock()
		for _, l := range lns {
			l.Close()
		}
		s.wg.Wait()
		s.ns.Close()
		s.ns.Wait()
	})
	return nil
}

// errClosed is what Listen returns after Close.
var errClosed = errors.New("stack: closed")

// link is the NIC: the channel endpoint's inbound side, and an outbound
// side that hands each packet to the router at once, on the goroutine
// netstack writes from.
type link struct {
	*channel.Endpoint
	s *Stack
}

// WritePackets implements stack.LinkEndpoint: each packet is flattened and
// sent through the router. A packet without a route is lost, as on a wire;
// TCP's retransmission and timeouts deal with it.
func (l *link) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	s := l.s
	bp := s.getBuf(0)
	defer s.putBuf(bp)
	for _, pkt := range pkts.AsSlice() {
		b := (*bp)[:0]
		for _, v := range pkt.AsSlices() {
			b = append(b, v...)
		}
		*bp = b
		clearDF(b)
		s.out.Add(1)
		if !s.r.SendLocal(b) {
			s.noRoute.Add(1)
		}
	}
	return pkts.Len(), nil
}

// clearDF lets the router fragment the stack's packets: netstack sets DF
// for path MTU discovery, but the router keeps the ICMP "fragmentation
// needed" it would generate about its own packets, so with DF a segment
// larger than an interface's MTU would vanish.
func clearDF(b []byte) {
	if len(b) < header.IPv4MinimumSize {
		return
	}
	ip := packet.IPv4(b)
	if ip.Flags()&packet.IPv4FlagDontFragment == 0 {
		return
	}
	b[6] &^= byte(packet.IPv4FlagDontFragment >> 8)
	ip.UpdateChecksum()
}

// owns reports whether the stack takes segments for port.
func (s *Stack) owns(port uint16) bool {
	return s.owned[port/64].Load()&(1<<(port%64)) != 0
}
