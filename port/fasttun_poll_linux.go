package port

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// txWritev is the state of a write without headroom: the virtio-net
// header and the packet go out in one writev(2), so a 64 KB super-packet
// is not copied to put 10 bytes before it. Its callback is a method value
// made once.
type txWritev struct {
	hdr   [vnetHdrLen]byte
	ipudp [udpHdrEnd]byte // a coalesced UDP super-packet's headers
	iov   [2 + maxUDPCoalesce]unix.Iovec
	niov  int
	errno syscall.Errno
	fn    func(fd uintptr) bool
}

// writev sends header h and pkt in one system call.
func (q *tunQueue) writev(h vnetHdr, pkt []byte) error {
	if len(pkt) == 0 {
		return nil
	}
	q.wmu.Lock()
	defer q.wmu.Unlock()
	w := &q.tx
	h.encode(w.hdr[:])
	w.iov[0].Base, w.iov[1].Base = &w.hdr[0], &pkt[0]
	w.iov[0].SetLen(vnetHdrLen)
	w.iov[1].SetLen(len(pkt))
	w.niov = 2
	return q.flushIov()
}

// writeUDPRun sends the datagrams of run (each at offset) as one UDP
// segmentation offload super-packet (udpgro.go): header, then each payload,
// in one writev.
func (q *tunQueue) writeUDPRun(run [][]byte, offset int) error {
	q.wmu.Lock()
	defer q.wmu.Unlock()
	w := &q.tx
	udpGROHeader(w.ipudp[:], run, offset).encode(w.hdr[:])
	w.iov[0].Base, w.iov[1].Base = &w.hdr[0], &w.ipudp[0]
	w.iov[0].SetLen(vnetHdrLen)
	w.iov[1].SetLen(udpHdrEnd)
	for k, b := range run {
		p := b[offset+udpHdrEnd:]
		w.iov[2+k].Base = &p[0]
		w.iov[2+k].SetLen(len(p))
	}
	w.niov = 2 + len(run)
	return q.flushIov()
}

// flushIov writes the prepared iovecs; q.wmu is held.
func (q *tunQueue) flushIov() error {
	w := &q.tx
	w.errno = 0
	err := q.rc.Write(w.fn)
	for k := 1; k < w.niov; k++ {
		w.iov[k].Base = nil // do not keep the caller's buffers
	}
	if err != nil {
		return err
	}
	if w.errno != 0 {
		return w.errno
	}
	return nil
}

// writevFn is the poller's callback for writev.
func (q *tunQueue) writevFn(fd uintptr) bool {
	w := &q.tx
	for {
		_, _, errno := unix.Syscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&w.iov[0])), uintptr(w.niov))
		switch errno {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false // wait until the device takes more
		}
		w.errno = errno
		return true
	}
}

// TryRead implements Nonblocking: ReadOffload, or Read when offl is nil,
// that returns 0 at once when no packet waits.
func (q *tunQueue) TryRead(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	if offl == nil {
		return q.readPlain(bufs, sizes, offset, false)
	}
	return q.readOffloadChecked(bufs, sizes, offl, offset, false)
}

// WaitReadable implements Nonblocking: it parks in the runtime's poller
// until the descriptor turns readable (at once when it became readable
// since the last wait).
func (q *tunQueue) WaitReadable() error {
	if q.dev.closed.Load() {
		return ErrClosed
	}
	err := q.rc.Read(q.waitFn)
	if err != nil || q.dev.closed.Load() {
		return ErrClosed
	}
	return nil
}

// waitReady is WaitReadable's callback, which the poller calls under the
// file's read lock: first to ask whether to wait (no, when a packet is
// there), then again once the descriptor turned readable. waitArmed is
// its state between the two calls; every wait ends with it false.
func (q *tunQueue) waitReady(fd uintptr) bool {
	if q.waitArmed {
		q.waitArmed = false
		return true
	}
	if readable(fd) {
		return true
	}
	q.waitArmed = true
	return false
}

// TryRead implements Nonblocking on queue 0.
func (t *FastTUN) TryRead(bufs [][]byte, sizes []int, offl []Offload, offset int) (int, error) {
	return t.q[0].TryRead(bufs, sizes, offl, offset)
}

// WaitReadable implements Nonblocking on queue 0.
func (t *FastTUN) WaitReadable() error { return t.q[0].WaitReadable() }

// readable reports whether a read on fd would find a packet now: the
// poller's readiness is an edge that another reader (TryRead, or a reader
// retired by a reload) may have taken without reading everything.
func readable(fd uintptr) bool {
	pfd := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	n, err := unix.Poll(pfd[:], 0)
	return err == nil && n > 0 && pfd[0].Revents&unix.POLLIN != 0
}
