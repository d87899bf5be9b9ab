package port

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TUNSETOFFLOAD flags (linux/if_tun.h); x/sys/unix does not have them.
const (
	tunFCsum = 0x01
	tunFTSO4 = 0x02
	tunFTSO6 = 0x04
	tunFUSO4 = 0x20
	tunFUSO6 = 0x40
)

// vnetGSOTCPv6 is VIRTIO_NET_HDR_GSO_TCPV6 (gso.go has the IPv4 types).
const vnetGSOTCPv6 = 4

// fastTUNBatch is the most packets one wake-up drains. Each buffer holds a
// super-packet (MaxOffloadPacket), so this is also 2 MB of buffers per
// queue on the router's side; 32 small packets per wake-up already spread
// the wake-up's cost thin.
const fastTUNBatch = 32

// FastTUN is a Linux TUN device opened with the kernel's virtio-net header
// (IFF_TUN|IFF_NO_PI|IFF_VNET_HDR|IFF_MULTI_QUEUE) and its offloads on
// (TUNSETOFFLOAD CSUM|TSO4|TSO6, and USO4|USO6 where the kernel has them):
// the host's stack hands it TCP (and UDP) super-packets of up to 64 KB with
// partial checksums, and takes them back, so a TCP stream crosses it in
// one read and one write per ~40 segments instead of per segment.
//
// It is a Port (Read and Write move finished, wire-sized packets), an
// OffloadPort (ReadOffload and WriteOffload move super-packets whole), a
// MultiQueue and a Linker, placed and set up like a TUN. Its descriptors
// are non-blocking and wait in the runtime's poller; one wake-up drains up
// to BatchSize packets, one read(2) each (a TUN has no batched read).
type FastTUN struct {
	tunDev
	q      []*tunQueue
	queues []Port // what Queues returns: the port itself, then q[1:]
	uso    bool
}

// tunQueue is one queue's descriptor and the state of its reads and writes.
type tunQueue struct {
	dev  *FastTUN
	file *os.File
	rc   syscall.RawConn
	// fd is file's descriptor, for TryRead's reads that must not queue
	// behind a reader parked in the poller (which holds the file's read
	// lock). It is non-blocking; it stays valid until the port closes.
	fd uintptr
	// waitFn is waitReady as a method value made once; waitArmed its
	// state (see waitReady).
	waitFn    func(fd uintptr) bool
	waitArmed bool

	rmu   sync.Mutex // one reader at a time: rx and plain are its state
	rx    rxDrain
	plain plainRx

	wmu sync.Mutex // guards tx
	tx  txWritev

	superPackets, segments, checksums, dropped, writeErrors, coalesced atomic.Uint64
}

// rxDrain is the state of one ReadOffload, kept here so that the poller's
// callback is a method value made once (a closure per call allocates).
type rxDrain struct {
	bufs   [][]byte
	sizes  []int
	offl   []Offload
	offset int
	n      int
	block  bool // wait for a packet (false: return at once when none)
	errno  syscall.Errno
	hdr    [vnetHdrLen]byte
	iov    [2]unix.Iovec
	fn     func(fd uintptr) bool
}

// plainRx is plain Read's: one packet read whole into buf, then handed out
// (a super-packet split into segments over as many Reads as it takes).
type plainRx struct {
	buf   []byte // vnetHdrLen + MaxOffloadPacket, made on the first Read
	bufs  [1][]byte
	sizes [1]int
	offl  [1]Offload
	pkt   []byte
	o     Offload
	plan  gsoPlan
	seg   int
	left  bool // pkt has something left to hand out
}

// OpenFastTUN creates a TUN device with offloads and opts.Queues queues,
// sets its MTU and brings it up, then places and configures it as OpenTUN
// does (cfg.Netns, HostName, HostAddr, HostGateway). The returned Port is
// a *FastTUN. When the kernel refuses the virtio-net header or the
// offloads the error wraps ErrNoOffload. Needs CAP_NET_ADMIN. On error
// nothing is left behind.
func OpenFastTUN(cfg TUNConfig, opts FastTUNOptions) (Port, error) {
	c, err := checkTUNConfig("tun", cfg)
	if err != nil {
		return nil, err
	}
	nq := opts.Queues
	if nq == 0 {
		nq = 1
	}
	if nq < 0 || nq > MaxTUNQueues {
		return nil, fmt.Errorf("tun: %d queues (want 1 to %d)", opts.Queues, MaxTUNQueues)
	}
	t := &FastTUN{}
	files := make([]*os.File, 0, nq)
	fail := func(err error) (Port, error) {
		for _, f := range files {
			f.Close()
		}
		return nil, err
	}
	name := c.Device
	for k := 0; k < nq; k++ {
		f, got, err := openTUNQueue(name)
		if err != nil {
			return fail(err)
		}
		files = append(files, f)
		if k == 0 {
			// Later queues attach to the name the kernel gave the first.
			name = got
			if t.uso, err = setTUNOffloads(f, name); err != nil {
				return fail(err)
			}
		}
	}
	t.q = make([]*tunQueue, nq)
	t.queues = make([]Port, nq)
	for k, f := range files {
		rc, err := f.SyscallConn()
		if err != nil {
			return fail(fmt.Errorf("tun: %s: %w", name, err))
		}
		q := &tunQueue{dev: t, file: f, rc: rc}
		rc.Control(func(fd uintptr) { q.fd = fd })
		q.rx.fn = q.drain
		q.waitFn = q.waitReady
		q.tx.fn = q.writevFn
		t.q[k], t.queues[k] = q, q
	}
	t.queues[0] = t
	if err := t.attach("tun", c, name, files); err != nil {
		return nil, err // attach closed the descriptors
	}
	return t, nil
}

// openTUNQueue opens one non-blocking queue of TUN device name (creating
// the device with the first) and returns it with the device's name.
func openTUNQueue(name string) (*os.File, string, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, "", fmt.Errorf("tun: open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, "", fmt.Errorf("tun: %s: %w", name, err)
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI | unix.IFF_VNET_HDR | unix.IFF_MULTI_QUEUE)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EINVAL) {
			// EINVAL is the flags (or a device of another kind by that
			// name); EBUSY, EPERM and the like are not about offloads.
			return nil, "", fmt.Errorf("tun: create %s with IFF_VNET_HDR|IFF_MULTI_QUEUE: %w (%w)", name, ErrNoOffload, err)
		}
		return nil, "", fmt.Errorf("tun: create %s: %w", name, err)
	}
	// The header is 10 bytes by default; say so, in case a kernel differs.
	if err := unix.IoctlSetPointerInt(fd, unix.TUNSETVNETHDRSZ, vnetHdrLen); err != nil {
		unix.Close(fd)
		return nil, "", fmt.Errorf("tun: %s: TUNSETVNETHDRSZ: %w (%w)", name, ErrNoOffload, err)
	}
	got := ifr.Name()
	return os.NewFile(uintptr(fd), "/dev/net/tun:"+got), got, nil
}

// setTUNOffloads switches the device's offloads on, with UDP segmentation
// when the kernel takes it, and reports whether it did.
func setTUNOffloads(f *os.File, name string) (uso bool, err error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	base := tunFCsum | tunFTSO4 | tunFTSO6
	var errno error
	cerr := rc.Control(func(fd uintptr) {
		if errno = unix.IoctlSetInt(int(fd), unix.TUNSETOFFLOAD, base|tunFUSO4|tunFUSO6); errno == nil {
			uso = true
			return
		}
		errno = unix.IoctlSetInt(int(fd), unix.TUNSETOFFLOAD, base)
	})
	if cerr != nil {
		return false, cerr
	}
	if errno != nil {
		return false, fmt.Errorf("tun: %s: TUNSETOFFLOAD: %w (%w)", name, ErrNoOffload, errno)
	}
	return uso, nil
}

// BatchSize implements Port: the most packets one Read or ReadOffload
// returns.
func (t *FastTUN) BatchSize() int { return fastTUNBatch }

// Read implements Port on queue 0.
func (t *FastTUN) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	return t.q[0].Read(bufs, sizes, offset)
}

// Write implements Port on queue 0.
func (t *FastTUN) Write(bufs [][]byte, offset int) (int, error) {
	return t.q[0].Write(bufs, offset)
}

// ReadOffload implements OffloadPort on queue 0.
func (t *FastTUN) ReadOffload(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	return t.q[0].ReadOffload(bufs, sizes, offl, offset)
}

// WriteOffload implements OffloadPort on queue 0.
func (t *FastTUN) WriteOffload(bufs [][]byte, offl []Offload, offset int) (int, error) {
	return t.q[0].WriteOffload(bufs, offl, offset)
}

// Queues implements MultiQueue: the port itself (queue 0), then a Port and
// OffloadPort for each further queue. A queue's Close does nothing; the
// port's closes them all.
func (t *FastTUN) Queues() []Port { return t.queues }

// Stats returns the port's counters, summed over its queues.
func (t *FastTUN) Stats() FastTUNStats {
	s := FastTUNStats{USO: t.uso}
	for _, q := range t.q {
		s.SuperPackets += q.superPackets.Load()
		s.Segments += q.segments.Load()
		s.ChecksumsCompleted += q.checksums.Load()
		s.Dropped += q.dropped.Load()
		s.WriteErrors += q.writeErrors.Load()
		s.Coalesced += q.coalesced.Load()
	}
	return s
}

// Name implements Port: the device's name.
func (q *tunQueue) Name() string { return q.dev.Name() }

// MTU implements Port.
func (q *tunQueue) MTU() int { return q.dev.MTU() }

// BatchSize implements Port.
func (q *tunQueue) BatchSize() int { return fastTUNBatch }

// Close implements Port: a queue is closed with its port.
func (q *tunQueue) Close() error { return nil }

var errShortBuffer = errors.New("tun: buffer shorter than its offset")

// ReadOffload implements OffloadPort: it waits for a packet, then drains
// up to len(bufs) without waiting again. Each is read with its virtio-net
// header (into the bytes before offset when offset >= OffloadHeadroom) and
// returned as the kernel gave it: a super-packet whole, a partial checksum
// unfinished, described by offl[i]. A packet whose header does not match
// it, or longer than its buffer, is dropped and counted (Stats.Dropped).
func (q *tunQueue) ReadOffload(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	return q.readOffloadChecked(bufs, sizes, offl, offset, true)
}

// readOffloadChecked is ReadOffload (block) or TryRead: the buffers are
// checked, then read under the reader lock.
func (q *tunQueue) readOffloadChecked(bufs [][]byte, sizes []int, offl []Offload, offset int, block bool) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	if offset < 0 || len(sizes) < len(bufs) || len(offl) < len(bufs) {
		return 0, errShortBuffer
	}
	for _, b := range bufs {
		if len(b) <= offset {
			return 0, errShortBuffer
		}
	}
	q.rmu.Lock()
	defer q.rmu.Unlock()
	return q.readOffload(bufs, sizes, offl, offset, block)
}

// readOffload drains the descriptor into bufs: in the poller when block
// (waiting for a packet), else straight on the descriptor, returning 0 when
// none is waiting. A read that must not wait cannot go through the poller:
// a reader parked there (WaitReadable) holds the file's read lock.
func (q *tunQueue) readOffload(bufs [][]byte, sizes []int, offl []Offload, offset int, block bool) (int, error) {
	r := &q.rx
	r.bufs, r.sizes, r.offl, r.offset, r.block = bufs, sizes, offl, offset, block
	defer func() { r.bufs, r.sizes, r.offl = nil, nil, nil }()
	for {
		if q.dev.closed.Load() {
			return 0, ErrClosed
		}
		r.n, r.errno = 0, 0
		if !block {
			q.drain(q.fd)
		} else if err := q.rc.Read(r.fn); err != nil {
			if q.dev.closed.Load() || errors.Is(err, os.ErrClosed) {
				return 0, ErrClosed
			}
			return 0, err
		}
		switch r.errno {
		case 0:
		case unix.EBADFD, unix.EBADF:
			return 0, ErrClosed // the device is gone (its namespace was deleted, or the port closed)
		default:
			if r.n == 0 {
				return 0, r.errno
			}
		}
		if r.n > 0 || !block {
			return r.n, nil
		}
	}
}

// drain is the poller's callback: read packets until the batch is full or
// none is left. Returning false asks the poller to wait for the next.
func (q *tunQueue) drain(fd uintptr) bool {
	r := &q.rx
	for r.n < len(r.bufs) {
		b := r.bufs[r.n]
		var (
			n     uintptr
			errno syscall.Errno
			hdr   []byte
		)
		if r.offset >= vnetHdrLen {
			f := b[r.offset-vnetHdrLen:]
			n, _, errno = unix.Syscall(unix.SYS_READ, fd, uintptr(unsafe.Pointer(&f[0])), uintptr(len(f)))
			hdr = f[:vnetHdrLen]
		} else {
			p := b[r.offset:]
			r.iov[0].Base, r.iov[1].Base = &r.hdr[0], &p[0]
			r.iov[0].SetLen(vnetHdrLen)
			r.iov[1].SetLen(len(p))
			n, _, errno = unix.Syscall(unix.SYS_READV, fd, uintptr(unsafe.Pointer(&r.iov[0])), 2)
			r.iov[1].Base = nil // do not keep the caller's buffer
			hdr = r.hdr[:]
		}
		switch errno {
		case 0:
		case unix.EAGAIN:
			return r.n > 0 || !r.block
		case unix.EINTR:
			continue
		case unix.EINVAL, unix.EFAULT:
			// A packet the kernel cannot describe in a virtio-net header
			// (it is gone) or could not copy.
			q.dropped.Add(1)
			continue
		default:
			r.errno = errno
			return true
		}
		size := int(n) - vnetHdrLen
		if size <= 0 || size > len(b)-r.offset {
			q.dropped.Add(1) // empty, or cut short by the buffer
			continue
		}
		o, ok := tunOffload(decodeVnetHdr(hdr), b[r.offset:r.offset+size])
		if !ok {
			q.dropped.Add(1)
			continue
		}
		if o.GSO != GSONone {
			q.superPackets.Add(1)
		}
		r.sizes[r.n], r.offl[r.n] = size, o
		r.n++
	}
	return true
}

// tunOffload decodes the virtio-net header a TUN read put before pkt and
// checks it against the packet: a partial checksum's field inside it, a
// super-packet with a segment size, a partial checksum (the kernel always
// sets one on GSO), and the transport header the GSO type names where the
// checksum start says. HdrLen is worked out from the headers: the kernel's
// hdr_len is the skb's linear length, not the headers'.
func tunOffload(h vnetHdr, pkt []byte) (Offload, bool) {
	var o Offload
	if h.Flags&vnetNeedsCsum != 0 {
		if int(h.CsumStart)+int(h.CsumOffset)+2 > len(pkt) {
			return o, false
		}
		o.NeedsCsum, o.CsumStart, o.CsumOffset = true, h.CsumStart, h.CsumOffset
	}
	var proto byte
	switch h.GSOType &^ vnetGSOECN {
	case vnetGSONone:
		return o, true
	case vnetGSOTCPv4:
		o.GSO, proto = GSOTCPv4, 6
	case vnetGSOUDPL4:
		o.GSO, proto = GSOUDPL4, 17
	case vnetGSOTCPv6:
		o.GSO, proto = GSOTCPv6, 6
	default:
		return o, false
	}
	if h.GSOSize == 0 || !o.NeedsCsum || int(h.HdrLen) > len(pkt) || len(pkt) < 20 {
		return o, false
	}
	l4 := int(o.CsumStart)
	switch v := pkt[0] >> 4; {
	case v == 4 && o.GSO != GSOTCPv6:
		if l4 != int(pkt[0]&0xf)*4 || l4 < 20 || pkt[9] != proto {
			return o, false
		}
	case v == 6 && o.GSO != GSOTCPv4:
		if l4 < 40 { // after extension headers, which are not walked here
			return o, false
		}
	default:
		return o, false
	}
	hl := l4 + 8
	if proto == 6 {
		if o.CsumOffset != 16 || l4+20 > len(pkt) {
			return o, false
		}
		thl := int(pkt[l4+12]>>4) * 4
		if thl < 20 {
			return o, false
		}
		hl = l4 + thl
	} else if o.CsumOffset != 6 {
		return o, false
	}
	if hl >= len(pkt) {
		return o, false // no payload to segment
	}
	o.HdrLen, o.GSOSize = uint16(hl), h.GSOSize
	return o, true
}

// tunVnetHdr is the virtio-net header that writes pkt with o. A TCP
// super-packet whose first segment has CWR set is marked ECN, as the
// kernel marks its own (SKB_GSO_TCP_ECN).
func tunVnetHdr(o Offload, pkt []byte) vnetHdr {
	h := vnetHdr{GSOType: o.vnetType(), HdrLen: o.HdrLen, GSOSize: o.GSOSize, CsumStart: o.CsumStart, CsumOffset: o.CsumOffset}
	if o.NeedsCsum {
		h.Flags = vnetNeedsCsum
	}
	if (o.GSO == GSOTCPv4 || o.GSO == GSOTCPv6) && int(o.CsumStart)+13 < len(pkt) && pkt[o.CsumStart+13]&0x80 != 0 {
		h.GSOType |= vnetGSOECN
	}
	return h
}

// WriteOffload implements OffloadPort: each packet goes out with the
// virtio-net header offl[i] describes (nil offl: plain packets), written
// into the bytes before offset when offset >= OffloadHeadroom, else
// copied. A packet the kernel refuses is counted (Stats.WriteErrors) and
// the batch goes on. While the link is down (shutdown) packets are
// dropped, as the plain TUN drops them.
func (q *tunQueue) WriteOffload(bufs [][]byte, offl []Offload, offset int) (int, error) {
	if q.dev.closed.Load() {
		return 0, ErrClosed
	}
	if !q.dev.LinkUp() {
		return len(bufs), nil
	}
	if offset < 0 || offl != nil && len(offl) < len(bufs) {
		return 0, errShortBuffer
	}
	for i := 0; i < len(bufs); {
		b := bufs[i]
		if len(b) <= offset {
			q.writeErrors.Add(1)
			i++
			continue
		}
		var o Offload
		var run int
		if offl != nil {
			o = offl[i]
			run = q.udpRun(bufs[i:], offl[i:], offset)
		} else {
			run = q.udpRun(bufs[i:], nil, offset)
		}
		var err error
		if run > 1 {
			err = q.writeUDPRun(bufs[i:i+run], offset)
			q.coalesced.Add(uint64(run))
		} else {
			run = 1
			err = q.write(b, o, offset)
		}
		if err != nil {
			if q.dev.closed.Load() || errors.Is(err, os.ErrClosed) {
				return i, ErrClosed
			}
			q.writeErrors.Add(uint64(run))
		}
		i += run
	}
	return len(bufs), nil
}

// udpRun is how many datagrams from bufs[0] on go out as one super-packet:
// 1 unless the device takes UDP segmentation offload and they coalesce.
func (q *tunQueue) udpRun(bufs [][]byte, offl []Offload, offset int) int {
	if !q.dev.uso || len(bufs) < 2 {
		return 1
	}
	return udpGRORun(bufs, offl, offset)
}

// write sends one packet with its header.
func (q *tunQueue) write(b []byte, o Offload, offset int) error {
	h := tunVnetHdr(o, b[offset:])
	if offset >= vnetHdrLen {
		f := b[offset-vnetHdrLen:]
		h.encode(f)
		_, err := q.file.Write(f)
		return err
	}
	return q.writev(h, b[offset:])
}

// Write implements Port: plain, finished packets with a zero virtio-net
// header (which goes into the bytes before offset when offset >=
// OffloadHeadroom).
func (q *tunQueue) Write(bufs [][]byte, offset int) (int, error) {
	return q.WriteOffload(bufs, nil, offset)
}

// Read implements Port for callers that know nothing of offloads: it
// returns finished, wire-sized packets. A super-packet is cut into its
// segments (over several Reads when bufs runs out) and a partial checksum
// is finished; IPv6 super-packets, which this IPv4 router does not cut,
// are dropped.
func (q *tunQueue) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	return q.readPlain(bufs, sizes, offset, true)
}

// readPlain is Read; block false returns 0 at once when no packet waits.
func (q *tunQueue) readPlain(bufs [][]byte, sizes []int, offset int, block bool) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	if offset < 0 || len(sizes) < len(bufs) {
		return 0, errShortBuffer
	}
	q.rmu.Lock()
	defer q.rmu.Unlock()
	p := &q.plain
	if p.buf == nil {
		p.buf = make([]byte, vnetHdrLen+MaxOffloadPacket)
		p.bufs[0] = p.buf
	}
	out := 0
	for out < len(bufs) {
		if !p.left {
			n, err := q.readOffload(p.bufs[:], p.sizes[:], p.offl[:], vnetHdrLen, block && out == 0)
			if err != nil {
				if out > 0 {
					break // the packets in hand first; the error comes again
				}
				return 0, err
			}
			if n == 0 {
				break
			}
			if !q.takePlain(p.buf[vnetHdrLen:vnetHdrLen+p.sizes[0]], p.offl[0]) {
				continue
			}
		}
		out += q.handOut(bufs[out:], sizes[out:], offset)
	}
	return out, nil
}

// takePlain makes the packet just read the one being handed out.
func (q *tunQueue) takePlain(pkt []byte, o Offload) bool {
	p := &q.plain
	p.pkt, p.o, p.seg = pkt, o, 0
	if o.GSO == GSONone {
		if o.NeedsCsum {
			if FinishChecksum(pkt, o) != nil {
				q.dropped.Add(1)
				return false
			}
			q.checksums.Add(1)
		}
		p.left = true
		return true
	}
	plan, err := planGSOAt(pkt, 0, o.vnetType(), o.GSOSize)
	if err != nil {
		q.dropped.Add(1)
		return false
	}
	p.plan, p.left = plan, true
	return true
}

// handOut copies the packet in hand, or its next segments, into bufs.
func (q *tunQueue) handOut(bufs [][]byte, sizes []int, offset int) int {
	p := &q.plain
	if p.o.GSO == GSONone {
		p.left = false
		if len(bufs[0]) < offset {
			q.dropped.Add(1)
			return 0
		}
		sizes[0] = copy(bufs[0][offset:], p.pkt)
		return 1
	}
	out := 0
	for out < len(bufs) && p.seg < p.plan.segs {
		n := 0
		if len(bufs[out]) >= offset {
			n = p.plan.segment(p.pkt, p.seg, bufs[out][offset:])
		}
		p.seg++
		if n == 0 {
			q.dropped.Add(1)
			continue
		}
		sizes[out] = n
		out++
	}
	q.segments.Add(uint64(out))
	if p.seg == p.plan.segs {
		p.left = false
	}
	return out
}

// Compile-time checks of what a fast TUN is.
var (
	_ Port        = (*FastTUN)(nil)
	_ OffloadPort = (*FastTUN)(nil)
	_ MultiQueue  = (*FastTUN)(nil)
	_ Linker      = (*FastTUN)(nil)
	_ OffloadPort = (*tunQueue)(nil)
	_ Nonblocking = (*FastTUN)(nil)
	_ Nonblocking = (*tunQueue)(nil)
)
