package port_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"natlab/port"
)

// TestTAPNamespacePing moves a TAP into a namespace that plays a PC; the PC
// pings the router's address, so the frames the test reads are an ARP
// request and an echo request, and the frames it writes (ARP reply, echo
// reply) make the ping succeed. SetLinkUp switches the carrier the PC sees;
// Close unblocks Read.
func TestTAPNamespacePing(t *testing.T) {
	ns := netnsForTest(t, 2)
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("no ping (iputils-ping)")
	}
	dev := fmt.Sprintf("tpt%d", os.Getpid()%100000)
	p, err := port.OpenTAP(port.TAPConfig{
		Device:      dev,
		Netns:       ns,
		HostName:    "eth0",
		HostAddr:    netip.MustParsePrefix("192.168.78.10/24"),
		HostGateway: netip.MustParseAddr("192.168.78.1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name() != "eth0" || p.MTU() != 1500 || p.BatchSize() != 1 {
		t.Errorf("name %s mtu %d batch %d", p.Name(), p.MTU(), p.BatchSize())
	}
	if out, _ := nsRun(ns, "ip", "-o", "link", "show", "eth0"); !strings.Contains(out, "link/ether") {
		t.Errorf("host side is not an Ethernet device: %s", out)
	}
	r := serve(t, p, [6]byte{0xaa, 0xbb, 0xcc, 0, 1, 0}, netip.MustParseAddr("192.168.78.1"))
	if out, err := nsRun(ns, "ping", "-c2", "-W2", "192.168.78.1"); err != nil {
		t.Fatalf("ping from the namespace: %v\n%s", err, out)
	}
	if r.arpRequests.Load() < 1 || r.echoes.Load() < 2 {
		t.Errorf("saw %d ARP requests and %d echo requests", r.arpRequests.Load(), r.echoes.Load())
	}
	if out, _ := nsRun(ns, "ip", "neigh", "show", "192.168.78.1"); !strings.Contains(out, "aa:bb:cc:00:01:00") {
		t.Errorf("PC's ARP cache: %s", out)
	}

	l := p.(port.Linker)
	for _, up := range []bool{false, true} {
		if err := l.SetLinkUp(up); err != nil {
			t.Fatal(err)
		}
		out, _ := nsRun(ns, "ip", "-o", "link", "show", "eth0")
		if strings.Contains(out, "NO-CARRIER") == up {
			t.Errorf("SetLinkUp(%v): %s", up, out)
		}
		if l.LinkUp() != up {
			t.Errorf("SetLinkUp(%v): LinkUp %v", up, l.LinkUp())
		}
	}

	p.Close()
	select {
	case err := <-r.done:
		if !errors.Is(err, port.ErrClosed) {
			t.Errorf("Read after Close: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not unblock Read")
	}
}

func TestTAPBadConfig(t *testing.T) {
	for _, c := range []port.TAPConfig{
		{Device: ""},
		{Device: "way-too-long-device-name"},
		{Device: "ok", HostGateway: netip.MustParseAddr("2001:db8::1")},
	} {
		if p, err := port.OpenTAP(c); err == nil {
			p.Close()
			t.Errorf("OpenTAP(%+v) succeeded", c)
		} else if !strings.HasPrefix(err.Error(), "tap: ") {
			t.Errorf("OpenTAP(%+v): %v", c, err)
		}
	}
}
