package l2switch

import (
	"bytes"
	"testing"

	"natlab/port"
)

// FuzzForward feeds two arbitrary frames into ports of a switch (the first
// teaches it a station the second may be addressed to) and checks what
// leaves: never the ingress port, untagged on access ports, only carried
// VLANs on trunks (the native one untagged), payload unchanged.
func FuzzForward(f *testing.F) {
	f.Add(uint8(0), ether(mac(2), mac(1), -1, 1), uint8(2), ether(mac(1), mac(2), 10, 2))
	f.Add(uint8(2), ether(bcast, mac(1), 0x2014, 1), uint8(3), ether(bcast, mac(3), 99, 2))
	f.Add(uint8(1), ether(bcast, mac(1), 0, 1), uint8(3), []byte{1, 2, 3})
	f.Add(uint8(3), ether(bcast, mac(1), -1, 1)[:16], uint8(0), ether(mac(1), mac(4), 10, 3))
	specs := []Port{{VLAN: 10}, {VLAN: 20}, {Mode: Trunk}, {Mode: Trunk, VLAN: 99, Allowed: []uint16{10}}}
	var hosts []*port.MemHost
	for i := range specs {
		m, h := port.NewMem("p", 1600) // room for a 1500-byte payload and its tag
		specs[i].Dev, hosts = mtuPort{m, 1500}, append(hosts, h)
	}
	s, err := build(specs, []Option{WithMaxEntries(16)})
	if err != nil {
		f.Fatal(err)
	}
	readers := make([]*reader, len(specs))
	for i := range readers {
		readers[i] = newReader(s, i)
	}
	f.Fuzz(func(t *testing.T, in1 uint8, f1 []byte, in2 uint8, f2 []byte) {
		s.fdb = newFDB(16, int64(DefaultAging)) // each input starts from an empty table
		for _, c := range []struct {
			in    int
			frame []byte
		}{{int(in1) % 4, f1}, {int(in2) % 4, f2}} {
			r := readers[c.in]
			n := copy(r.bufs[0], c.frame)
			r.sizes[0] = n
			r.batch(1)
			in := r.bufs[0][:n]
			for j, h := range hosts {
				for out := h.TryRecv(); out != nil; out = h.TryRecv() {
					checkEgress(t, s.ports[j], j == c.in, in, out)
				}
			}
		}
	})
}

func checkEgress(t *testing.T, ep *swPort, ingress bool, in, out []byte) {
	t.Helper()
	if ingress {
		t.Fatalf("a frame went back out of its port %s", ep.name)
	}
	tagged, tci, ok := frameVLAN(out)
	if !ok {
		t.Fatalf("%s sent a runt %x", ep.name, out)
	}
	switch vid := tci & vidMask; {
	case tagged && !ep.trunk:
		t.Fatalf("access port %s sent a tagged frame", ep.name)
	case tagged && (vid == ep.pvid || !ep.carries.has(vid)):
		t.Fatalf("trunk %s sent VLAN %d tagged (native %d)", ep.name, vid, ep.pvid)
	}
	inTagged, _, _ := frameVLAN(in)
	if !bytes.Equal(out[:12], in[:12]) || !bytes.Equal(out[12+tagLenIf(tagged):], in[12+tagLenIf(inTagged):]) {
		t.Fatalf("%s changed the frame:\n in %x\nout %x", ep.name, in, out)
	}
}
