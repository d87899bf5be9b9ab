package device

import (
	"testing"

	"natlab/packet"
	"natlab/router"
)

// FuzzPacketTrace: whatever bytes arrive, on any interface, the trace of
// the whole router (every feature's dry run) neither panics nor invents an
// action, and both layouts render.
func FuzzPacketTrace(f *testing.F) {
	for _, fl := range []TraceFlow{
		tcpFlow("198.51.100.7", 40000, "203.0.113.100", 21),
		tcpFlow("192.168.1.10", 40000, "198.51.100.7", 80),
		udpFlow("192.168.2.10", 53, "198.51.100.7", 53),
		{Proto: packet.ProtoICMP, Src: tcpFlow("192.168.1.10", 0, "8.8.8.8", 0).Src, Dst: tcpFlow("8.8.8.8", 0, "8.8.8.8", 0).Dst, SrcPort: 8},
	} {
		b, _ := buildTracePacket(fl)
		f.Add(b, uint8(0))
		f.Add(b, uint8(1))
	}
	f.Add([]byte{0x45, 0, 0, 20}, uint8(2))
	l := newTraceLab(f)
	ifaces := l.d.Router.Interfaces()
	f.Fuzz(func(t *testing.T, pkt []byte, which uint8) {
		in := ifaces[int(which)%len(ifaces)]
		r := l.d.Router.TraceWith(in, pkt, l.d.traceOptions(true))
		switch r.Action {
		case router.ActionAllow, router.ActionDrop, router.ActionUnknown:
		default:
			t.Fatalf("action %q", r.Action)
		}
		if b := r.JSON(true); len(b) == 0 {
			t.Fatal("no JSON")
		}
		r.WriteText(&discard{}, true)
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
