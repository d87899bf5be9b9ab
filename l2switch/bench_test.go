package l2switch

import (
	"runtime"
	"sync/atomic"
	"testing"

	"natlab/port"
)

// pump sends n copies of f into host in from another goroutine and reads
// n frames from host out. At most window frames are in flight, so no
// queue overflows and drops one.
func pump(tb testing.TB, in, out *port.MemHost, f []byte, n int, buf []byte) {
	const window = 256
	var received atomic.Int64
	go func() {
		for i := 0; i < n; i++ {
			for int64(i)-received.Load() >= window {
				runtime.Gosched()
			}
			for in.Inject(f) == port.ErrQueueFull {
				runtime.Gosched()
			}
		}
	}()
	for i := 0; i < n; i++ {
		if _, err := out.ReadInto(buf); err != nil {
			tb.Fatal(err)
		}
		received.Add(1)
	}
}

// forwardingRig is an access port in VLAN 10 and a trunk, with the station
// behind each learnt, so frames go by unicast and have their tag pushed
// (access to trunk) or popped (trunk to access).
func forwardingRig(tb testing.TB) (*rig, []byte, []byte) {
	r := newRig(tb, []Port{{VLAN: 10}, {Mode: Trunk}, {VLAN: 20}})
	a, b := mac(1), mac(2)
	r.send(tb, 0, ether(bcast, a, -1, 0))
	r.send(tb, 1, ether(bcast, b, 10, 0))
	r.got()
	return r, ether(b, a, -1, 1), ether(a, b, 10, 2)
}

// Forwarding a frame allocates nothing: learning a known station, the
// lookup, the tag pushed or popped, the write.
func TestForwardAllocatesNothing(t *testing.T) {
	r, toTrunk, toAccess := forwardingRig(t)
	buf := make([]byte, 2048)
	pump(t, r.hosts[0], r.hosts[1], toTrunk, 200, buf) // warm the free lists
	pump(t, r.hosts[1], r.hosts[0], toAccess, 200, buf)
	for _, c := range []struct {
		name    string
		in, out int
		f       []byte
	}{{"access to trunk", 0, 1, toTrunk}, {"trunk to access", 1, 0, toAccess}} {
		// AllocsPerRun counts every goroutine's allocations, the
		// switch's reader included.
		allocs := testing.AllocsPerRun(20, func() { pump(t, r.hosts[c.in], r.hosts[c.out], c.f, 100, buf) })
		// The pump's goroutine is one or two allocations per run of 100
		// frames; one per frame would be 100.
		if allocs > 3 {
			t.Errorf("%s: %.1f allocations per 100 frames", c.name, allocs)
		}
	}
	if st := r.sw.Stats(); st[2].OutFrames != 0 || st[1].OutFrames < 2300 {
		t.Errorf("VLAN 20's port sent %d frames (want none), the trunk %d", st[2].OutFrames, st[1].OutFrames)
	}
}

// BenchmarkForward: frames through the switch over Mem ports, access to
// trunk (tag pushed), one frame per op.
func BenchmarkForward(b *testing.B) {
	for _, c := range []struct {
		name    string
		in, out int
		popped  bool
	}{{"push", 0, 1, false}, {"pop", 1, 0, true}} {
		b.Run(c.name, func(b *testing.B) {
			r, toTrunk, toAccess := forwardingRig(b)
			f := toTrunk
			if c.popped {
				f = toAccess
			}
			buf := make([]byte, 2048)
			b.SetBytes(int64(len(f)))
			b.ReportAllocs()
			b.ResetTimer()
			pump(b, r.hosts[c.in], r.hosts[c.out], f, b.N, buf)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
