package ether

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/packet"
	"natlab/port"
)

// TestKernelNeighbor: Linux's own ARP on the far side of a TAP. A host
// namespace pings the port's address (the kernel ARPs for us, we answer
// its echo requests), and the port resolves the host when it sends first.
func TestKernelNeighbor(t *testing.T) {
	netnstest.RequireRoot(t, "ping")
	ns := netnstest.Namespace(t, "ethertap")
	hostIP := netip.MustParseAddr("192.168.77.2")
	dev, err := port.OpenTAP(port.TAPConfig{
		Device: fmt.Sprintf("etap%d", os.Getpid()%100000), Netns: ns, HostName: "eth0",
		HostAddr: netip.PrefixFrom(hostIP, 24),
	})
	if err != nil {
		t.Fatal(err)
	}
	l := NewLink(dev, routerMAC, nil)
	t.Cleanup(func() { l.Close() })
	p := l.Port()
	h := &testHost{addr: netip.MustParsePrefix("192.168.77.1/24")}
	p.SetHost(h)

	// Answer echo requests to 192.168.77.1; pass everything else on.
	others := make(chan []byte, 16)
	go func() {
		bufs, sizes := [][]byte{make([]byte, 2048)}, []int{0}
		out := make([]byte, 2048)
		for {
			if _, err := p.Read(bufs, sizes, 0); err != nil {
				return
			}
			pkt := bufs[0][:sizes[0]]
			ip := packet.IPv4(pkt)
			if !ip.IsValid(len(pkt)) {
				continue
			}
			hl := ip.HeaderLength()
			if ip.Protocol() == packet.ProtoICMP && pkt[hl] == packet.ICMPEcho && ip.Dst() == h.addr.Addr() {
				id, seq := binary.BigEndian.Uint16(pkt[hl+4:]), binary.BigEndian.Uint16(pkt[hl+6:])
				n := packet.BuildEcho(out, packet.ICMPEchoReply, ip.Dst(), ip.Src(), id, seq, 1, 64, 0, pkt[hl+8:ip.TotalLength()])
				p.Write([][]byte{out[:n]}, 0)
				continue
			}
			others <- append([]byte(nil), pkt...)
		}
	}()

	netnstest.Exec(t, ns, "ping", "-c", "2", "-W", "3", "192.168.77.1")
	neigh := netnstest.Exec(t, ns, "ip", "neigh", "show", "192.168.77.1")
	if !strings.Contains(neigh, "aa:bb:cc:00:01:00") {
		t.Fatalf("the host's neighbor entry: %q", neigh)
	}
	if n := p.Neighbors(); len(n) != 1 || n[0].Addr != hostIP || n[0].Incomplete {
		t.Fatalf("learned %+v", n)
	}

	// Now we speak first: a UDP packet to a closed port comes back as a
	// port unreachable, once the host answered our request.
	p.ClearNeighbors()
	b := make([]byte, 100)
	n := packet.BuildUDP(b, h.addr.Addr(), hostIP, 40000, 9, 7, 64, 10, nil)
	p.Write([][]byte{b[:n]}, 0)
	select {
	case got := <-others:
		ip := packet.IPv4(got)
		if ip.Protocol() != packet.ProtoICMP || ip.Src() != hostIP || got[ip.HeaderLength()] != 3 {
			t.Fatalf("answer % x", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no answer from the host; stats %+v", p.Stats())
	}
	if s := p.Stats(); s.ARPRequestsOut == 0 || s.ARPRepliesIn == 0 {
		t.Errorf("stats %+v", s)
	}
}
