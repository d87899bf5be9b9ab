package port

import "time"

// MemOffload is a Mem that carries each packet with its Offload, as the
// fast TUN does: super-packets and partial checksums pass whole, so
// whole-router tests exercise the router's offload path without a kernel.
// Each queued packet is stored behind its virtio-net header.
type MemOffload struct{ *Mem }

// MemOffloadHost is the far end of a MemOffload.
type MemOffloadHost struct{ h *MemHost }

// NewMemOffload returns a connected pair carrying packets of up to
// MaxOffloadPacket bytes.
func NewMemOffload(name string, mtu int) (*MemOffload, *MemOffloadHost) {
	m, h := newMem(name, mtu, 0)
	m.bufSize = vnetHdrLen + MaxOffloadPacket
	m.ready = make(chan struct{}, 1)
	return &MemOffload{m}, &MemOffloadHost{h}
}

// vnet is o as a virtio-net header.
func (o Offload) vnet() vnetHdr {
	h := vnetHdr{GSOType: o.vnetType(), HdrLen: o.HdrLen, GSOSize: o.GSOSize, CsumStart: o.CsumStart, CsumOffset: o.CsumOffset}
	if o.NeedsCsum {
		h.Flags = vnetNeedsCsum
	}
	return h
}

// offloadOf decodes a virtio-net header (its ECN bit dropped: the segments
// carry CWR as the super-packet's first segment does). ok is false for a
// GSO type the router does not know.
func offloadOf(h vnetHdr) (o Offload, ok bool) {
	o = Offload{NeedsCsum: h.Flags&vnetNeedsCsum != 0, HdrLen: h.HdrLen, GSOSize: h.GSOSize, CsumStart: h.CsumStart, CsumOffset: h.CsumOffset}
	switch h.GSOType &^ vnetGSOECN {
	case vnetGSONone:
	case vnetGSOTCPv4:
		o.GSO = GSOTCPv4
	case vnetGSOUDPL4:
		o.GSO = GSOUDPL4
	case 4:
		o.GSO = GSOTCPv6
	default:
		return Offload{}, false
	}
	if o.GSO == GSONone {
		o.GSOSize, o.HdrLen = 0, 0
	}
	if !o.NeedsCsum {
		o.CsumStart, o.CsumOffset = 0, 0
	}
	return o, true
}

// ReadOffload implements OffloadPort.
func (m *MemOffload) ReadOffload(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	n, err := m.Mem.Read(bufs, sizes, offset)
	m.decode(n, bufs, sizes, offl, offset)
	return n, err
}

// TryRead implements Nonblocking: ReadOffload, or with offl nil Read's
// finished packets, without waiting.
func (m *MemOffload) TryRead(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	if offl == nil {
		offl = make([]Offload, len(bufs))
		n, err := m.TryRead(bufs, sizes, offl, offset)
		return m.finish(n, err, bufs, sizes, offl, offset)
	}
	n, err := m.tryRead(bufs, sizes, offset)
	m.decode(n, bufs, sizes, offl, offset)
	return n, err
}

// WaitReadable implements Nonblocking.
func (m *MemOffload) WaitReadable() error { return m.waitReadable() }

// decode takes each packet's virtio-net header off into offl.
func (m *MemOffload) decode(n int, bufs [][]byte, sizes []int, offl []Offload, offset int) {
	for k := 0; k < n; k++ {
		b := bufs[k][offset : offset+sizes[k]]
		if len(b) < vnetHdrLen {
			sizes[k], offl[k] = 0, Offload{}
			continue
		}
		offl[k], _ = offloadOf(decodeVnetHdr(b))
		sizes[k] = copy(b, b[vnetHdrLen:])
	}
}

// WriteOffload implements OffloadPort.
func (m *MemOffload) WriteOffload(bufs [][]byte, offl []Offload, offset int) (int, error) {
	for k, b := range bufs {
		if err := m.writeOne(b[offset:], offl[k]); err != nil {
			return k, err
		}
	}
	return len(bufs), nil
}

// Read implements Port with finished packets: a partial checksum is
// completed; a super-packet is split into the buffers after it while they
// last (the rest of its segments are dropped and counted). It allocates:
// the router reads a MemOffload with ReadOffload; this is for tests that
// play a plain reader.
func (m *MemOffload) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	offl := make([]Offload, len(bufs))
	n, err := m.ReadOffload(bufs, sizes, offl, offset)
	return m.finish(n, err, bufs, sizes, offl, offset)
}

// finish turns the n packets just read with their offloads into finished
// packets in place.
func (m *MemOffload) finish(n int, err error, bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	out := make([][]byte, 0, len(bufs))
	for k := 0; k < n; k++ {
		pkt := append([]byte(nil), bufs[k][offset:offset+sizes[k]]...)
		segs := make([][]byte, max(OffloadSegments(pkt, offl[k]), 1))
		ss := make([]int, len(segs))
		for i := range segs {
			segs[i] = make([]byte, len(pkt))
		}
		c, serr := SplitOffload(pkt, offl[k], segs, ss)
		if serr != nil {
			m.Dropped.Add(1)
			continue
		}
		for i := 0; i < c; i++ {
			out = append(out, segs[i][:ss[i]])
		}
	}
	if len(out) > len(bufs) {
		m.Dropped.Add(uint64(len(out) - len(bufs)))
		out = out[:len(bufs)]
	}
	for k, p := range out {
		sizes[k] = copy(bufs[k][offset:], p)
	}
	return len(out), err
}

// Write implements Port: plain packets.
func (m *MemOffload) Write(bufs [][]byte, offset int) (int, error) {
	for k, b := range bufs {
		if err := m.writeOne(b[offset:], Offload{}); err != nil {
			return k, err
		}
	}
	return len(bufs), nil
}

func (m *MemOffload) writeOne(b []byte, o Offload) error {
	var hdr [vnetHdrLen]byte
	o.vnet().encode(hdr[:])
	if err := m.send(m.toHost, hdr[:], b); err == ErrClosed {
		return err
	}
	return nil // a down link or a full queue drops, counted, as a wire does
}

// InjectOffload sends one packet with its offload to the router. It
// allocates nothing once the port's buffers are warm.
func (h *MemOffloadHost) InjectOffload(p []byte, o Offload) error {
	var hdr [vnetHdrLen]byte
	o.vnet().encode(hdr[:])
	return h.h.m.send(h.h.m.toRouter, hdr[:], p)
}

// ReadOffloadInto waits for the next packet the router sent, copies it into
// dst and returns its length and offload. It allocates nothing.
func (h *MemOffloadHost) ReadOffloadInto(dst []byte) (int, Offload, error) {
	m := h.h.m
	select {
	case b := <-m.toHost:
		defer m.putBuf(b)
		if len(b) < vnetHdrLen {
			return 0, Offload{}, errGSO
		}
		o, _ := offloadOf(decodeVnetHdr(b))
		return copy(dst, b[vnetHdrLen:]), o, nil
	case <-m.done:
		return 0, Offload{}, ErrClosed
	}
}

// Inject sends one finished packet to the router.
func (h *MemOffloadHost) Inject(p []byte) error { return h.InjectOffload(p, Offload{}) }

// RecvOffload waits up to timeout for the next packet the router sent, and
// returns a copy with its offload; nil on timeout or close.
func (h *MemOffloadHost) RecvOffload(timeout time.Duration) ([]byte, Offload) {
	b := h.h.Recv(timeout)
	if len(b) < vnetHdrLen {
		return nil, Offload{}
	}
	o, _ := offloadOf(decodeVnetHdr(b))
	return b[vnetHdrLen:], o
}

// SetCarrier plays a cable being pulled or plugged in.
func (h *MemOffloadHost) SetCarrier(up bool) { h.h.SetCarrier(up) }
