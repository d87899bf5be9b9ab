package ether

import (
	"net/netip"
	"testing"
)

// FuzzLink feeds random frames to a link with a trunk (main port, a VLAN,
// a native VLAN) and writes random packets: nothing panics, and the cache,
// queues and rings stay inside their bounds.
func FuzzLink(f *testing.F) {
	f.Add(arpFrame(ARPRequest, pc1MAC, pc1IP, MAC{}, routerIP, 0), []byte(nil))
	f.Add(arpFrame(ARPReply, pc1MAC, pc1IP, routerMAC, routerIP, 10), udp(routerIP, pc1IP, 60))
	f.Add(ethFrame(routerMAC, pc1MAC, 20, TypeIPv4, udp(pc1IP, routerIP, 60)), udp(routerIP, pc2IP, 20))
	f.Add(ethFrame(Broadcast, pc1MAC, 0, TypeARP, []byte{0, 1, 8, 0, 6, 4}), []byte{0x45})
	f.Add([]byte{0x81, 0}, []byte(nil))
	f.Fuzz(func(t *testing.T, frame, pkt []byte) {
		r := newRig(t)
		r.host.answers[pc2IP] = true
		v10, _ := r.p.VLAN(10, false)
		v20, _ := r.p.VLAN(20, true)
		ports := []*Port{r.p, v10.(*Port), v20.(*Port)}
		for _, p := range ports[1:] {
			p.SetHost(r.host)
		}
		for i := 0; i < 3; i++ {
			r.l.input(frame)
			for _, p := range ports {
				write(t, p, pkt, netip.Addr{})
				if len(frame) >= 4 {
					write(t, p, pkt, netip.AddrFrom4([4]byte(frame[:4])))
				}
			}
			r.advance(RetryInterval)
			r.sent()
		}
		for _, p := range ports {
			p.Neighbors()
			if len(p.c.m) > MaxEntries || p.rx.len() > rxRing || len(p.c.free) > QueuePerPort {
				t.Fatalf("%s out of bounds: %d entries, %d waiting, %d free", p.Name(), len(p.c.m), p.rx.len(), len(p.c.free))
			}
			queued := 0
			for _, e := range p.c.m {
				if e.nq > QueuePerHop || e.complete && e.nq != 0 {
					t.Fatalf("entry %+v", e)
				}
				queued += e.nq
			}
			if queued+len(p.c.free) != QueuePerPort {
				t.Fatalf("%s: %d queued + %d free", p.Name(), queued, len(p.c.free))
			}
		}
	})
}
