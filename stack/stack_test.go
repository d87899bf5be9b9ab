package stack

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/acl"
	"natlab/ios"
	"natlab/router"
)

// roundTrip writes data on c and reads as much back.
func roundTrip(t *testing.T, c net.Conn, data []byte) {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	errc := make(chan error, 1)
	go func() { _, err := c.Write(data); errc <- err }()
	got := make([]byte, len(data))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read back: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("write: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("echo differs")
	}
}

// Connections to either router address reach the listener, with the
// client as RemoteAddr and the address it dialled as LocalAddr; data flows
// both ways; the client's close ends the server's reads, the server's close
// ends the client's.
func TestEchoOnEveryAddress(t *testing.T) {
	l := newLab(t)
	ln, err := l.s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	addrs := make(chan [2]net.Addr, 4)
	go echo(ln, addrs)
	for _, dst := range []netip.Addr{rInside.Addr(), rOutside.Addr()} {
		c, err := l.host.dial(dst, 22, 5*time.Second)
		if err != nil {
			t.Fatalf("dial %v: %v", dst, err)
		}
		a := <-addrs
		local, ok1 := a[0].(*net.TCPAddr)
		remote, ok2 := a[1].(*net.TCPAddr)
		if !ok1 || !ok2 || local.AddrPort() != netip.AddrPortFrom(dst, 22) || remote.AddrPort().Addr().Unmap() != pc.Addr() {
			t.Errorf("dialled %v: server sees local %v remote %v", dst, a[0], a[1])
		}
		roundTrip(t, c, []byte("show ip interface brief\r\n"))
		data := make([]byte, 200<<10)
		rand.Read(data)
		roundTrip(t, c, data)
		c.Close()
	}
	if st := l.s.Stats(); st.Taken == 0 || st.Out == 0 || st.NoRoute != 0 {
		t.Errorf("stats %+v", st)
	}
}

// The server closing first: the client reads EOF.
func TestServerClose(t *testing.T) {
	l := newLab(t)
	ln, err := l.s.Listen(23)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Write([]byte("bye\r\n"))
		c.Close()
	}()
	c, err := l.host.dial(rInside.Addr(), 23, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "bye\r\n" {
		t.Fatalf("read %q, %v; want bye and EOF", b, err)
	}
}

// isRefused reports whether a dial failed with a reset (not a timeout).
func isRefused(err error) bool {
	return err != nil && strings.Contains(err.Error(), "refused")
}

// Ports nobody listens on keep the router's reset; so does a port whose
// listener and connections are closed.
func TestUnlistenedPortsReset(t *testing.T) {
	l := newLab(t)
	if _, err := l.host.dial(rInside.Addr(), 22, 3*time.Second); !isRefused(err) {
		t.Fatalf("dial before Listen: %v, want connection refused", err)
	}
	ln, err := l.s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	go echo(ln, nil)
	if _, err := l.host.dial(rInside.Addr(), 80, 3*time.Second); !isRefused(err) {
		t.Fatalf("dial port 80: %v, want connection refused", err)
	}
	c, err := l.host.dial(rInside.Addr(), 22, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, []byte("x"))
	if _, err := l.s.Listen(22); err == nil {
		t.Error("a second Listen on port 22 succeeded")
	}
	ln.Close()
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}
	// The accepted connection still works: it holds the port.
	roundTrip(t, c, []byte("still here"))
	c.Close()
	// The echo side closes on EOF, which releases the port.
	deadline := time.Now().Add(3 * time.Second)
	for l.s.owns(22) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := l.host.dial(rInside.Addr(), 22, 3*time.Second); !isRefused(err) {
		t.Fatalf("dial after the listener closed: %v, want connection refused", err)
	}
	// And the port can be listened on again.
	ln2, err := l.s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	go echo(ln2, nil)
	c, err = l.host.dial(rInside.Addr(), 22, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, []byte("again"))
	c.Close()
	ln2.Close()
}

// An address the router gets after the stack started is served too.
func TestFollowsAddressChanges(t *testing.T) {
	l := newLab(t)
	ln, err := l.s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	go echo(ln, nil)
	lo := netip.MustParsePrefix("10.9.9.9/32")
	l.r.Loopback(0).SetAddress(lo)
	c, err := l.host.dial(lo.Addr(), 22, 5*time.Second)
	if err != nil {
		t.Fatalf("dial the new loopback: %v", err)
	}
	roundTrip(t, c, []byte("loopback"))
	c.Close()
	// An address the router no longer has is routed away, not answered.
	l.r.Interface("GigabitEthernet0/0").SetAddress(netip.MustParsePrefix("192.168.1.2/24"))
	if _, err := l.host.dial(rInside.Addr(), 22, 300*time.Millisecond); err == nil {
		t.Error("a connection to an address the router gave up succeeded")
	}
	ln.Close()
}

// An input access list denying the port on the receiving interface stops
// the connection: the stack never sees the SYN, and nothing answers.
func TestInputACLStopsConnection(t *testing.T) {
	l := newLab(t)
	e := ios.NewEngine()
	router.RegisterCLI(e, l.r, time.Now)
	acls := acl.Register(e, l.r)
	defer acls.Close()
	var out strings.Builder
	sess := e.NewSession(&out)
	for _, cmd := range []string{
		"enable", "configure terminal",
		"access-list 101 deny tcp any any eq 22",
		"access-list 101 permit ip any any",
		"interface GigabitEthernet0/0", "ip access-group 101 in", "end",
	} {
		sess.Execute(cmd)
	}
	if strings.Contains(out.String(), "% ") {
		t.Fatalf("configuration failed:\n%s", out.String())
	}
	for _, p := range []uint16{22, 23} {
		ln, err := l.s.Listen(p)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go echo(ln, nil)
	}
	if _, err := l.host.dial(rInside.Addr(), 22, 500*time.Millisecond); err == nil || isRefused(err) {
		t.Fatalf("dial port 22 through the ACL: %v, want a timeout", err)
	}
	if st := l.s.Stats(); st.Taken != 0 {
		t.Errorf("the stack took %d segments the ACL denied", st.Taken)
	}
	c, err := l.host.dial(rInside.Addr(), 23, 5*time.Second)
	if err != nil {
		t.Fatalf("dial port 23, which the ACL permits: %v", err)
	}
	roundTrip(t, c, []byte("telnet"))
	c.Close()
}

// Close ends listeners and gives the ports back to the router.
func TestClose(t *testing.T) {
	l := newLab(t)
	ln, err := l.s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	acc := make(chan error, 1)
	go func() { _, err := ln.Accept(); acc <- err }()
	l.s.Close()
	select {
	case err := <-acc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept after Close: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Accept still blocked after Close")
	}
	if _, err := l.s.Listen(23); err == nil {
		t.Error("Listen after Close succeeded")
	}
	if _, err := l.host.dial(rInside.Addr(), 22, 3*time.Second); !isRefused(err) {
		t.Fatalf("dial after Close: %v, want connection refused", err)
	}
}

// With an interface MTU below the stack's 1500 the router fragments the
// stack's segments: they leave without DF, since the router keeps the ICMP
// "fragmentation needed" that path MTU discovery would need.
func TestSmallInterfaceMTU(t *testing.T) {
	l := newLab(t)
	l.r.Interface("GigabitEthernet0/0").SetMTU(576)
	ln, err := l.s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go echo(ln, nil)
	c, err := l.host.dial(rInside.Addr(), 22, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	data := make([]byte, 64<<10)
	rand.Read(data)
	roundTrip(t, c, data)
}
