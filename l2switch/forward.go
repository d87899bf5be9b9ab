package l2switch

import (
	"encoding/binary"
	"errors"
	"time"

	"natlab/port"
)

// reader is one port's forwarding loop and the buffers it owns.
type reader struct {
	s  *Switch
	in int
	sp *swPort

	bufs  [][]byte   // frames as read, each with room for one byte more than the largest (truncation shows)
	sizes []int      // their lengths
	alt   [][]byte   // per frame: the frame with its tag pushed or popped, when an egress port wants that
	out   [][][]byte // per egress port: the frames of this batch it sends
	bytes []uint64   // per egress port: their bytes
	c     batchCounts
}

func newReader(s *Switch, in int) *reader {
	sp := s.ports[in]
	n := sp.dev.BatchSize()
	if n <= 0 {
		n = 1
	}
	max := sp.mtu + ethHdrLen + tagLen
	r := &reader{s: s, in: in, sp: sp, bufs: make([][]byte, n), sizes: make([]int, n), alt: make([][]byte, n),
		out: make([][][]byte, len(s.ports)), bytes: make([]uint64, len(s.ports))}
	for i := range r.bufs {
		r.bufs[i] = make([]byte, max+1)
		r.alt[i] = make([]byte, max)
	}
	for j := range r.out {
		r.out[j] = make([][]byte, 0, n)
	}
	return r
}

// run reads and forwards until the switch closes.
func (r *reader) run() {
	for {
		n, err := r.sp.dev.Read(r.bufs, r.sizes, 0)
		if err != nil {
			if r.s.closed.Load() || errors.Is(err, port.ErrClosed) {
				return
			}
			// A device that fails keeps failing fast: do not spin on it.
			r.sp.c.readErrors.Add(1)
			select {
			case <-r.s.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		r.batch(n)
	}
}

// batch forwards n frames read into r.bufs.
func (r *reader) batch(n int) {
	now := r.s.clock().UnixNano()
	for i := 0; i < n; i++ {
		r.frame(i, now)
	}
	r.sp.c.add(&r.c)
	for j, frames := range r.out {
		if len(frames) == 0 {
			continue
		}
		ep := r.s.ports[j]
		sent, err := ep.dev.Write(frames, 0)
		if err != nil && sent < len(frames) {
			ep.c.outErrors.Add(uint64(len(frames) - sent))
		}
		if sent == len(frames) {
			ep.c.outBytes.Add(r.bytes[j])
		}
		ep.c.outFrames.Add(uint64(sent))
		clear(frames) // drop the references to this batch's buffers
		r.out[j], r.bytes[j] = frames[:0], 0
	}
}

// frame classifies frame i into its VLAN, learns its source and queues it
// to its egress ports.
func (r *reader) frame(i int, now int64) {
	sp := r.sp
	r.alt[i] = r.alt[i][:0] // not made for this frame yet
	sz := r.sizes[i]
	r.c.inFrames++
	if sz < 0 || sz >= len(r.bufs[i]) { // filled the buffer: maybe truncated
		r.c.giants++
		return
	}
	f := r.bufs[i][:sz]
	r.c.inBytes += uint64(len(f))
	tagged, tci, ok := frameVLAN(f)
	switch {
	case !ok:
		r.c.runts++
		return
	case len(f)-ethHdrLen-tagLenIf(tagged) > sp.mtu:
		r.c.giants++
		return
	}
	vlan := sp.pvid
	if tagged && tci&vidMask != 0 {
		vlan = tci & vidMask
		switch {
		case !sp.trunk:
			r.c.taggedOnAccess++
			return
		case vlan > MaxVLAN || !sp.carries.has(vlan):
			r.c.vlanDenied++
			return
		}
	} else if tagged {
		// A priority tag (VID 0) belongs to the port's untagged VLAN;
		// the frame keeps its priority bits where it leaves tagged.
		tci |= vlan
		binary.BigEndian.PutUint16(f[14:], tci)
	} else {
		tci = vlan
	}
	dst, src := f[:macLen], f[macLen:2*macLen]
	if src[0]&1 == 0 && !zeroMAC(src) {
		r.s.fdb.learn(keyOf(vlan, src), r.in, now)
	}
	if dst[0]&1 == 0 {
		if p, ok := r.s.fdb.lookup(keyOf(vlan, dst), now); ok {
			if p == r.in {
				r.c.filtered++
				return
			}
			if r.s.ports[p].carries.has(vlan) {
				r.emit(i, p, f, tagged, vlan, tci)
				return
			}
		}
	}
	r.c.flooded++
	for j, ep := range r.s.ports {
		if j != r.in && ep.carries.has(vlan) {
			r.emit(i, j, f, tagged, vlan, tci)
		}
	}
}

// emit queues frame i (f, tagged or not as it arrived, in vlan) to port j,
// tagged when j is a trunk and vlan is not its native VLAN. The frame with
// its tag pushed or popped is made once, in r.alt[i], whichever port asks
// first.
func (r *reader) emit(i, j int, f []byte, tagged bool, vlan, tci uint16) {
	ep := r.s.ports[j]
	wantTag := ep.trunk && vlan != ep.pvid
	v := f
	if wantTag != tagged {
		a := r.alt[i]
		if len(a) == 0 {
			if wantTag {
				a = pushTag(a[:cap(a)], f, tci)
			} else {
				a = popTag(a[:cap(a)], f)
			}
			r.alt[i] = a
		}
		v = a
	}
	if len(v)-ethHdrLen-tagLenIf(wantTag) > ep.mtu {
		ep.c.giants.Add(1)
		return
	}
	r.out[j] = append(r.out[j], v)
	r.bytes[j] += uint64(len(v))
}

func tagLenIf(tagged bool) int {
	if tagged {
		return tagLen
	}
	return 0
}

func zeroMAC(m []byte) bool {
	return m[0]|m[1]|m[2]|m[3]|m[4]|m[5] == 0
}
