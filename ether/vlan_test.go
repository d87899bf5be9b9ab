package ether

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
)

// TestVLANDemux: tagged frames go to their VLAN's port, untagged ones to
// the native VLAN's port once declared, unknown VLANs are dropped and
// counted; writes carry the port's tag (none for the native VLAN).
func TestVLANDemux(t *testing.T) {
	r := newRig(t)
	p10, err := r.p.VLAN(10, false)
	if err != nil {
		t.Fatal(err)
	}
	v10 := p10.(*Port)
	v10.SetHost(&testHost{addr: netip.MustParsePrefix("10.0.10.1/24")})
	if v10.Name() != "eth0.10" || v10.VLANID() != 10 || v10.MAC() != routerMAC {
		t.Fatalf("VLAN port %s %d %v", v10.Name(), v10.VLANID(), v10.MAC())
	}
	ip := udp(pc1IP, routerIP, 60)

	// Before a native VLAN, untagged frames are the main port's.
	r.l.input(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, ip))
	readIP(t, r.p)
	r.l.input(ethFrame(routerMAC, pc1MAC, 10, TypeIPv4, ip))
	if !bytes.Equal(readIP(t, v10), ip) {
		t.Fatal("VLAN 10 packet changed")
	}

	p20, err := r.p.VLAN(20, true)
	if err != nil {
		t.Fatal(err)
	}
	v20 := p20.(*Port)
	r.l.input(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, ip))  // untagged: native
	r.l.input(ethFrame(routerMAC, pc1MAC, 20, TypeIPv4, ip)) // tagged native: accepted
	readIP(t, v20)
	readIP(t, v20)
	if r.p.rx.len() != 0 {
		t.Fatal("untagged frame reached the main port with a native VLAN declared")
	}
	r.l.input(ethFrame(routerMAC, pc1MAC, 30, TypeIPv4, ip))
	if s := r.p.Stats(); s.UnknownVLAN != 1 {
		t.Fatalf("unknown VLAN: %+v", s)
	}

	// Writes: VLAN 10 tagged, native untagged, main untagged.
	for _, tc := range []struct {
		p    *Port
		want uint16
	}{{v10, 10}, {v20, 0}, {r.p, 0}} {
		write(t, tc.p, udp(routerIP, netip.MustParseAddr("255.255.255.255"), 60), netip.Addr{})
		if got := vlanOf(r.one(t)); got != tc.want {
			t.Errorf("%s wrote VLAN %d, want %d", tc.p.Name(), got, tc.want)
		}
	}

	// ARP on a VLAN: answered with the VLAN's tag, learned there only.
	r.l.input(arpFrame(ARPRequest, pc2MAC, netip.MustParseAddr("10.0.10.5"), MAC{}, netip.MustParseAddr("10.0.10.1"), 10))
	rep := parseARPFrame(t, r.one(t))
	if rep.vlan != 10 || rep.op != ARPReply || rep.spa != netip.MustParseAddr("10.0.10.1") {
		t.Fatalf("VLAN reply %+v", rep)
	}
	if len(v10.Neighbors()) != 1 || len(r.p.Neighbors()) != 0 {
		t.Fatal("the ARP cache is not per subinterface")
	}

	// Duplicates refused; removal stops the demux and closes the port.
	if _, err := r.p.VLAN(10, false); !errors.Is(err, ErrVLANInUse) {
		t.Errorf("second VLAN 10: %v", err)
	}
	if _, err := r.p.VLAN(11, true); !errors.Is(err, ErrNativeInUse) {
		t.Errorf("second native: %v", err)
	}
	for _, id := range []uint16{0, 4095} {
		if _, err := r.p.VLAN(id, false); err == nil {
			t.Errorf("VLAN %d accepted", id)
		}
	}
	if _, err := v10.VLAN(5, false); !errors.Is(err, ErrNotTrunk) {
		t.Errorf("VLAN of a VLAN: %v", err)
	}
	r.p.RemoveVLAN(10)
	if _, err := v10.Read([][]byte{make([]byte, 100)}, []int{0}, 0); err == nil {
		t.Error("removed VLAN port still reads")
	}
	r.l.input(ethFrame(routerMAC, pc1MAC, 10, TypeIPv4, ip))
	if s := r.p.Stats(); s.UnknownVLAN != 2 {
		t.Errorf("removed VLAN's frame: %+v", s)
	}
	r.p.RemoveVLAN(20)
	r.l.input(ethFrame(routerMAC, pc1MAC, 0, TypeIPv4, ip))
	readIP(t, r.p) // untagged back to the main port
	if _, err := r.p.VLAN(10, false); err != nil {
		t.Errorf("VLAN 10 again: %v", err)
	}
}

// TestVLANShutdown: shutting a subinterface stops its traffic but not the
// device's carrier.
func TestVLANShutdown(t *testing.T) {
	r := newRig(t)
	p, _ := r.p.VLAN(10, false)
	v := p.(*Port)
	v.SetLinkUp(false)
	if v.LinkUp() || !r.p.LinkUp() || !r.wire.AdminUp() {
		t.Fatalf("sub %v main %v device %v", v.LinkUp(), r.p.LinkUp(), r.wire.AdminUp())
	}
	write(t, v, udp(routerIP, netip.MustParseAddr("255.255.255.255"), 60), netip.Addr{})
	r.l.input(ethFrame(routerMAC, pc1MAC, 10, TypeIPv4, udp(pc1IP, routerIP, 60)))
	if len(r.sent()) != 0 || v.rx.len() != 0 {
		t.Fatal("a shut subinterface carries traffic")
	}
	v.SetLinkUp(true)
	r.p.SetLinkUp(false)
	if r.wire.AdminUp() || v.LinkUp() {
		t.Fatal("main shutdown does not drop the carrier or its subinterfaces")
	}
}
