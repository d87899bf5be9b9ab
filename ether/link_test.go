package ether

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"time"

	"natlab/port"
)

// TestOverTheWire: the reader goroutine, not input called by hand: a ping
// exchange with a host that ARPs for us first.
func TestOverTheWire(t *testing.T) {
	r := newRig(t)
	if err := r.wire.Inject(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0)); err != nil {
		t.Fatal(err)
	}
	rep := r.wire.Recv(5 * time.Second)
	if rep == nil || parseARPFrame(t, rep).op != ARPReply {
		t.Fatalf("no reply: % x", rep)
	}
	ip := udp(pc1IP, routerIP, 300)
	r.wire.Inject(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, ip))
	bufs, sizes := [][]byte{make([]byte, 1600)}, []int{0}
	n, err := r.p.Read(bufs, sizes, 0)
	if err != nil || n != 1 || !bytes.Equal(bufs[0][:sizes[0]], ip) {
		t.Fatalf("Read %d %v", n, err)
	}
	write(t, r.p, udp(routerIP, pc1IP, 300), netip.Addr{})
	if f := r.wire.Recv(5 * time.Second); f == nil || Frame(f).Dst() != pc1MAC {
		t.Fatalf("reply frame % x", f)
	}
}

// TestClose: Read unblocks with ErrClosed; writes fail; closing the main
// port closes the device.
func TestClose(t *testing.T) {
	r := newRig(t)
	sub, _ := r.p.VLAN(7, false)
	errs := make(chan error, 2)
	for _, p := range []port.Port{r.p, sub} {
		go func() {
			_, err := p.Read([][]byte{make([]byte, 100)}, []int{0}, 0)
			errs <- err
		}()
	}
	time.Sleep(10 * time.Millisecond)
	sub.Close()
	if err := <-errs; !errors.Is(err, port.ErrClosed) {
		t.Fatalf("sub Read: %v", err)
	}
	r.p.Close()
	if err := <-errs; !errors.Is(err, port.ErrClosed) {
		t.Fatalf("main Read: %v", err)
	}
	if _, err := r.p.Write([][]byte{udp(routerIP, pc1IP, 60)}, 0); !errors.Is(err, port.ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	if err := r.wire.Inject(make([]byte, 60)); !errors.Is(err, port.ErrClosed) {
		t.Fatalf("device still open: %v", err)
	}
	r.l.Close() // twice is fine
}

// TestLinkEvents: carrier changes reach the main port and every VLAN.
func TestLinkEvents(t *testing.T) {
	r := newRig(t)
	sub, _ := r.p.VLAN(7, false)
	r.wire.SetCarrier(false)
	for _, p := range []*Port{r.p, sub.(*Port)} {
		select {
		case e := <-p.Events():
			if e != port.EventDown {
				t.Fatalf("%s: %v", p.Name(), e)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no event", p.Name())
		}
		if p.LinkUp() {
			t.Fatalf("%s up without carrier", p.Name())
		}
	}
	r.l.Close()
	if _, ok := <-r.p.Events(); ok {
		t.Fatal("events open after Close")
	}
}
