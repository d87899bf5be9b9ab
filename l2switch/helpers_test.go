package l2switch

import (
	"encoding/binary"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/port"
)

// rig is a switch over Mem ports and the hosts at their far ends.
type rig struct {
	sw    *Switch
	hosts []*port.MemHost
	clock *testclock.Clock
}

// newRig starts a switch with one Mem port per spec, on a fake clock.
func newRig(t testing.TB, specs []Port, opts ...Option) *rig {
	t.Helper()
	r := &rig{clock: testclock.New(time.Unix(1_000_000, 0))}
	for i := range specs {
		m, h := port.NewMem("p"+string(rune('1'+i)), 1500)
		specs[i].Dev = m
		r.hosts = append(r.hosts, h)
	}
	sw, err := New(specs, append([]Option{WithClock(r.clock.Now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	r.sw = sw
	return r
}

func mac(last byte) [6]byte { return [6]byte{0xaa, 0xbb, 0xcc, 0, 0, last} }

var bcast = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// ether builds a frame: tag < 0 untagged, else a tag with that TCI. The
// payload is an IPv4 EtherType and 46 bytes whose first byte is id.
func ether(dst, src [6]byte, tag int, id byte) []byte {
	f := append(dst[:], src[:]...)
	if tag >= 0 {
		f = binary.BigEndian.AppendUint16(f, etherTypeVLAN)
		f = binary.BigEndian.AppendUint16(f, uint16(tag))
	}
	f = binary.BigEndian.AppendUint16(f, 0x0800)
	payload := make([]byte, 46)
	payload[0] = id
	return append(f, payload...)
}

// send injects a frame on port i and waits until the switch has taken it
// in (so frames sent one after another are handled in order).
func (r *rig) send(t testing.TB, i int, f []byte) {
	t.Helper()
	before := r.sw.Stats()[i].InFrames
	if err := r.hosts[i].Inject(f); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for r.sw.Stats()[i].InFrames == before {
		if time.Now().After(deadline) {
			t.Fatalf("port %d did not read the frame", i)
		}
		time.Sleep(100 * time.Microsecond)
	}
	// The reader counts a batch before it writes it: wait for the writes.
	time.Sleep(2 * time.Millisecond)
}

// got returns, per port, the frames it sent since the last call.
func (r *rig) got() [][][]byte {
	out := make([][][]byte, len(r.hosts))
	for i, h := range r.hosts {
		for f := h.TryRecv(); f != nil; f = h.TryRecv() {
			out[i] = append(out[i], f)
		}
	}
	return out
}

// tagOf describes a frame's tagging: -1 untagged, else the TCI.
func tagOf(f []byte) int {
	tagged, tci, ok := frameVLAN(f)
	if !ok || !tagged {
		return -1
	}
	return int(tci)
}
