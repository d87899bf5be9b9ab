package stack

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/link/channel"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"

	"natlab/port"
	"natlab/router"
)

var (
	rInside  = netip.MustParsePrefix("192.168.1.1/24")
	rOutside = netip.MustParsePrefix("203.0.113.1/24")
	pc       = netip.MustParsePrefix("192.168.1.10/24")
)

// lab is a router with two interfaces over mem ports, the router's stack,
// and a PC on the inside link played by a second gVisor stack.
type lab struct {
	r      *router.Router
	s      *Stack
	host   *host
	inside *port.Mem
}

func newLab(t testing.TB) *lab {
	t.Helper()
	r := router.New(router.Options{Interfaces: 2})
	m0, h0 := port.NewMem("mem0", 1500)
	m1, _ := port.NewMem("mem1", 1500)
	for _, c := range []struct {
		name string
		p    *port.Mem
		addr netip.Prefix
	}{{"GigabitEthernet0/0", m0, rInside}, {"GigabitEthernet0/1", m1, rOutside}} {
		if err := r.Bind(c.name, c.p); err != nil {
			t.Fatal(err)
		}
		i := r.Interface(c.name)
		i.SetAddress(c.addr)
		i.SetShutdown(false)
	}
	s := New(r)
	l := &lab{r: r, s: s, inside: m0}
	l.host = newHost(t, h0, pc, rInside.Addr())
	t.Cleanup(func() {
		s.Close()
		r.Close()
		m0.Close()
		m1.Close()
	})
	return l
}

// host is a gVisor stack attached to the far end of a mem port: a PC with
// one address and a default gateway.
type host struct {
	ns *stack.Stack
	ep *channel.Endpoint
}

func newHost(t testing.TB, mh *port.MemHost, addr netip.Prefix, gw netip.Addr) *host {
	t.Helper()
	ns := stack.New(stack.Options{
		NetworkProtocols:   []stack.NetworkProtocolFactory{ipv4.NewProtocol},
		TransportProtocols: []stack.TransportProtocolFactory{tcp.NewProtocol},
	})
	ep := channel.New(1024, 1500, "")
	if err := ns.CreateNIC(1, ep); err != nil {
		t.Fatal(err)
	}
	pa := tcpip.ProtocolAddress{
		Protocol:          ipv4.ProtocolNumber,
		AddressWithPrefix: tcpip.AddrFromSlice(addr.Addr().AsSlice()).WithPrefix(),
	}
	pa.AddressWithPrefix.PrefixLen = addr.Bits()
	if err := ns.AddProtocolAddress(1, pa, stack.AddressProperties{}); err != nil {
		t.Fatal(err)
	}
	ns.SetRouteTable([]tcpip.Route{{Destination: header.IPv4EmptySubnet, Gateway: tcpip.AddrFromSlice(gw.AsSlice()), NIC: 1}})
	sack := tcpip.TCPSACKEnabled(true)
	ns.SetTransportProtocolOption(tcp.ProtocolNumber, &sack)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { // host -> router
		defer func() { done <- struct{}{} }()
		var b []byte
		for {
			pkt := ep.ReadContext(ctx)
			if pkt == nil {
				return
			}
			b = b[:0]
			for _, v := range pkt.AsSlices() {
				b = append(b, v...)
			}
			pkt.DecRef()
			mh.Inject(b)
		}
	}()
	go func() { // router -> host
		defer func() { done <- struct{}{} }()
		b := make([]byte, 65536)
		for {
			n, err := mh.ReadInto(b)
			if err != nil {
				return
			}
			pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{Payload: buffer.MakeWithData(b[:n])})
			ep.InjectInbound(ipv4.ProtocolNumber, pkt)
			pkt.DecRef()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		ns.Close()
		ns.Wait()
		// The reader ends when the lab closes the mem port.
	})
	return &host{ns: ns, ep: ep}
}

// dial connects from the host to dst:port within timeout.
func (h *host) dial(dst netip.Addr, port uint16, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c, err := gonet.DialContextTCP(ctx, h.ns, tcpip.FullAddress{NIC: 1, Addr: tcpip.AddrFromSlice(dst.AsSlice()), Port: port}, ipv4.ProtocolNumber)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// echo serves ln: every accepted connection is echoed back until EOF, and
// its addresses are sent on addrs (when not nil).
func echo(ln net.Listener, addrs chan<- [2]net.Addr) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		if addrs != nil {
			addrs <- [2]net.Addr{c.LocalAddr(), c.RemoteAddr()}
		}
		go func() {
			defer c.Close()
			b := make([]byte, 32<<10)
			for {
				n, err := c.Read(b)
				if n > 0 {
					if _, err := c.Write(b[:n]); err != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		}()
	}
}
