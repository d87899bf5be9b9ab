package stack

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/vishvananda/netns"

	"natlab/internal/netnstest"
	"natlab/port"
	"natlab/router"
)

// dialNS connects with the kernel's TCP from inside the named namespace:
// a socket belongs to the namespace its thread was in when it was created,
// so only the dial runs on a thread locked into the namespace. That thread
// is never unlocked: it ends with its goroutine rather than serve others in
// the wrong namespace.
func dialNS(ns, addr string) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		h, err := netns.GetFromName(ns)
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer h.Close()
		if err := netns.Set(h); err != nil {
			ch <- result{err: err}
			return
		}
		c, err := net.DialTimeout("tcp4", addr, 5*time.Second)
		ch <- result{c, err}
	}()
	r := <-ch
	return r.c, r.err
}

// A PC in a namespace behind a TUN port connects with the kernel's TCP to
// the router's address and to its loopback, and 1 MB echoes back intact;
// a port nobody listens on refuses.
func TestKernelClientOverTUN(t *testing.T) {
	netnstest.RequireRoot(t)
	ns := netnstest.Namespace(t, "t-stack")
	p, err := port.OpenTUN(port.TUNConfig{
		Device:      fmt.Sprintf("tstk%d", os.Getpid()%100000),
		Netns:       ns,
		HostName:    "eth0",
		HostAddr:    netip.MustParsePrefix("192.168.78.10/24"),
		HostGateway: netip.MustParseAddr("192.168.78.1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	r := router.New(router.Options{})
	t.Cleanup(func() { r.Close(); p.Close() })
	if err := r.Bind("GigabitEthernet0/0", p); err != nil {
		t.Fatal(err)
	}
	gi := r.Interface("GigabitEthernet0/0")
	gi.SetAddress(netip.MustParsePrefix("192.168.78.1/24"))
	gi.SetShutdown(false)
	r.Loopback(0).SetAddress(netip.MustParsePrefix("10.78.0.1/32"))
	s := New(r)
	t.Cleanup(func() { s.Close() })
	ln, err := s.Listen(22)
	if err != nil {
		t.Fatal(err)
	}
	addrs := make(chan [2]net.Addr, 2)
	go echo(ln, addrs)

	data := make([]byte, 1<<20)
	rand.Read(data)
	for _, dst := range []string{"192.168.78.1:22", "10.78.0.1:22"} {
		c, err := dialNS(ns, dst)
		if err != nil {
			t.Fatalf("dial %s: %v", dst, err)
		}
		a := <-addrs
		if a[0].String() != dst || a[1].(*net.TCPAddr).IP.String() != "192.168.78.10" {
			t.Errorf("dialled %s: server sees local %v remote %v", dst, a[0], a[1])
		}
		c.SetDeadline(time.Now().Add(20 * time.Second))
		start := time.Now()
		errc := make(chan error, 1)
		go func() { _, err := c.Write(data); errc <- err }()
		got := make([]byte, len(data))
		if _, err := io.ReadFull(c, got); err != nil {
			t.Fatalf("%s: read back: %v", dst, err)
		}
		if err := <-errc; err != nil {
			t.Fatalf("%s: write: %v", dst, err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("%s: echo differs", dst)
		}
		t.Logf("%s: 1 MB echoed in %v", dst, time.Since(start))
		c.Close()
	}
	// The kernel's client sees the router's reset on another port.
	if c, err := dialNS(ns, "192.168.78.1:23"); !isRefused(err) {
		if c != nil {
			c.Close()
		}
		t.Errorf("dial port 23: %v, want connection refused", err)
	}
	t.Logf("stats %+v", s.Stats())
}
