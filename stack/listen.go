package stack

import (
	"fmt"
	"net"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// backlog is how many established connections may wait for Accept; IOS
// has 16 vty lines at most, so this is plenty.
const backlog = 64

// Listen listens on port at every address of the router, current and
// future. Accept returns connections whose RemoteAddr is the client's
// *net.TCPAddr and whose LocalAddr is the router address (a *net.TCPAddr)
// the client connected to. The port's segments go to the stack from now
// until the listener and every connection accepted from it are closed.
func (s *Stack) Listen(port uint16) (net.Listener, error) {
	select {
	case <-s.done:
		return nil, errClosed
	default:
	}
	var wq waiter.Queue
	ep, terr := s.ns.NewEndpoint(tcp.ProtocolNumber, header.IPv4ProtocolNumber, &wq)
	if terr != nil {
		return nil, fmt.Errorf("stack: listen on port %d: %s", port, terr)
	}
	// As a server's SO_REUSEADDR: connections of a closed listener that
	// linger (TIME_WAIT) must not keep a new listener off the port.
	ep.SocketOptions().SetReuseAddress(true)
	if terr := ep.Bind(tcpip.FullAddress{NIC: nicID, Port: port}); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("stack: listen on port %d: %s", port, terr)
	}
	if terr := ep.Listen(backlog); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("stack: listen on port %d: %s", port, terr)
	}
	l := &listener{TCPListener: gonet.NewTCPListener(s.ns, &wq, ep), s: s, port: port, closed: make(chan struct{})}
	s.mu.Lock()
	s.lns[l] = struct{}{}
	s.mu.Unlock()
	s.hold(port)
	return l, nil
}

// listener is a gonet listener that owns its port until closed.
type listener struct {
	*gonet.TCPListener
	s         *Stack
	port      uint16
	closeOnce sync.Once
	closed    chan struct{}
}

// Accept waits for the next connection. After Close it returns an error
// that wraps net.ErrClosed, as a closed net.TCPListener does, so servers'
// accept loops end cleanly.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.TCPListener.Accept()
	if err != nil {
		select {
		case <-l.closed:
			return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: l.Addr(), Err: net.ErrClosed}
		default:
		}
		return nil, err
	}
	l.s.hold(l.port)
	return &conn{TCPConn: c.(*gonet.TCPConn), s: l.s, port: l.port}, nil
}

// Close stops listening: new connections to the port get the router's
// reset again once the connections already accepted are closed.
func (l *listener) Close() error {
	l.closeOnce.Do(func() {
		close(l.closed)
		l.TCPListener.Shutdown()
		l.TCPListener.Close()
		l.s.mu.Lock()
		delete(l.s.lns, l)
		l.s.mu.Unlock()
		l.s.release(l.port)
	})
	return nil
}

// conn is an accepted connection; closing it gives up its hold on the port.
type conn struct {
	*gonet.TCPConn
	s         *Stack
	port      uint16
	closeOnce sync.Once
}

func (c *conn) Close() error {
	err := c.TCPConn.Close()
	c.closeOnce.Do(func() { c.s.release(c.port) })
	return err
}

var _ net.Listener = (*listener)(nil)
