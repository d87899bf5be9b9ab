package ether

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

// TestSetMAC: after SetHardwareAddr the link answers ARP with the new
// address, sends IPv4 from it, takes frames to it and no longer takes
// frames to the old one.
func TestSetMAC(t *testing.T) {
	r := newRig(t)
	newMAC := MAC{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	r.p.SetHardwareAddr(newMAC)
	if r.l.MAC() != newMAC || r.p.MAC() != newMAC {
		t.Fatalf("MAC %s, want %s", r.l.MAC(), newMAC)
	}
	r.wire.Inject(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0))
	rep := r.wire.Recv(5 * time.Second)
	if rep == nil {
		t.Fatal("no ARP reply")
	}
	if a := parseARPFrame(t, rep); a.sha != newMAC || Frame(rep).Src() != newMAC {
		t.Fatalf("ARP reply from %s (frame %s), want %s", a.sha, Frame(rep).Src(), newMAC)
	}
	write(t, r.p, udp(routerIP, pc1IP, 100), netip.Addr{})
	if f := r.wire.Recv(5 * time.Second); f == nil || Frame(f).Src() != newMAC {
		t.Fatalf("IPv4 frame % x, want source %s", f, newMAC)
	}
	old := udp(pc1IP, routerIP, 200)
	r.wire.Inject(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, old))
	ip := udp(pc1IP, routerIP, 300)
	r.wire.Inject(ethFrame(newMAC, pc1MAC, 0, TypeIPv4, ip))
	bufs, sizes := [][]byte{make([]byte, 1600)}, []int{0}
	n, err := r.p.Read(bufs, sizes, 0)
	if err != nil || n != 1 || !bytes.Equal(bufs[0][:sizes[0]], ip) {
		t.Fatalf("Read %d %v % x: want only the frame to the new address", n, err, bufs[0][:sizes[0]])
	}
}
