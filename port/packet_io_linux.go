package port

import (
	"encoding/binary"
	"errors"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rxState is Read's: recvmmsg vectors over its own buffers, and where the
// last batch is in being handed out (a super-frame may take several Reads).
type rxState struct {
	buf [packetRxBatch][]byte
	hdr [packetRxBatch][vnetHdrLen]byte
	ctl [packetRxBatch][packetCtlLen]byte
	iov [packetRxBatch][2]unix.Iovec
	msg [packetRxBatch]unix.Mmsghdr

	n, next int     // frames in the batch, next to hand out
	split   bool    // the next frame is a super-frame being split
	plan    gsoPlan // its plan
	seg     int     // its next segment

	fn    func(fd uintptr) bool // made once: a method value allocates
	got   int
	errno syscall.Errno
}

func (r *rxState) init(p *Packet) {
	for i := range r.msg {
		r.buf[i] = make([]byte, packetRxBuf)
		r.iov[i][0].Base = &r.hdr[i][0]
		r.iov[i][0].SetLen(vnetHdrLen)
		r.iov[i][1].Base = &r.buf[i][0]
		r.iov[i][1].SetLen(packetRxBuf)
		r.msg[i].Hdr.Iov = &r.iov[i][0]
		r.msg[i].Hdr.SetIovlen(2)
		r.msg[i].Hdr.Control = &r.ctl[i][0]
	}
	r.fn = r.recv
}

// recv is one non-blocking recvmmsg; false asks the poller to wait.
func (r *rxState) recv(fd uintptr) bool {
	n, _, errno := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.msg[0])), packetRxBatch, unix.MSG_DONTWAIT, 0, 0)
	if errno == unix.EAGAIN {
		return false
	}
	r.got, r.errno = int(n), errno
	return true
}

// Read implements Port. It blocks (in the runtime's poller, without a
// thread) until frames arrive, takes up to eight per recvmmsg, and hands
// out wire-correct frames only: a partial transport checksum is finished,
// an offload super-frame is split into MTU-sized segments (spread over
// several Reads when bufs runs out), and a VLAN tag the kernel stripped is
// put back after the source MAC. Frames that cannot be made right are
// dropped and counted (Stats).
func (p *Packet) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	r := &p.rx
	out := 0
	for out < len(bufs) {
		if p.closed.Load() {
			return 0, ErrClosed
		}
		if r.next == r.n {
			if out > 0 {
				break
			}
			if err := p.fill(); err != nil {
				return 0, err
			}
			continue
		}
		out += p.take(bufs[out:], sizes[out:], offset)
	}
	return out, nil
}

// fill blocks until a batch of frames is read.
func (p *Packet) fill() error {
	r := &p.rx
	for {
		for i := range r.msg {
			r.msg[i].Hdr.SetControllen(packetCtlLen)
			r.msg[i].Hdr.Flags = 0
			r.msg[i].Len = 0
		}
		if err := p.rc.Read(r.fn); err != nil {
			if p.closed.Load() || errors.Is(err, os.ErrClosed) {
				return ErrClosed
			}
			return err
		}
		switch r.errno {
		case 0:
			r.n, r.next = r.got, 0
			return nil
		case unix.EINTR, unix.ENETDOWN, unix.ENOBUFS, unix.ENOMEM:
			// ENETDOWN is reported once when the interface goes down;
			// the socket keeps working when it comes back.
			continue
		}
		if p.closed.Load() {
			return ErrClosed
		}
		return r.errno
	}
}

// take hands out frames of message r.next into bufs and returns how many.
func (p *Packet) take(bufs [][]byte, sizes []int, offset int) int {
	r := &p.rx
	i := r.next
	m := &r.msg[i]
	if m.Len < vnetHdrLen || m.Hdr.Flags&unix.MSG_TRUNC != 0 {
		p.dropped.Add(1)
		r.next++
		return 0
	}
	frame := r.buf[i][:m.Len-vnetHdrLen]
	h := decodeVnetHdr(r.hdr[i][:])
	tag, tagged := auxVLAN(r.ctl[i][:m.Hdr.Controllen])
	shift := 0
	if tagged {
		shift = 4
	}
	if h.GSOType == vnetGSONone {
		r.next++
		if h.Flags&vnetNeedsCsum != 0 {
			if completeChecksum(frame, int(h.CsumStart), int(h.CsumOffset)) != nil {
				p.dropped.Add(1)
				return 0
			}
			p.checksums.Add(1)
		}
		dst := bufs[0][offset:]
		if len(dst) < 12+shift || len(frame) < 14 {
			p.dropped.Add(1)
			return 0
		}
		sizes[0] = copy(dst[shift:], frame) + shift
		p.tag(dst, tag, tagged)
		return 1
	}
	if !r.split {
		plan, err := planGSO(frame, h)
		if err != nil {
			p.dropped.Add(1)
			r.next++
			return 0
		}
		r.plan, r.seg, r.split = plan, 0, true
		p.offloads.Add(1)
	}
	out := 0
	for out < len(bufs) && r.seg < r.plan.segs {
		dst := bufs[out][offset:]
		n := 0
		if len(dst) >= shift {
			n = r.plan.segment(frame, r.seg, dst[shift:])
		}
		r.seg++
		if n == 0 {
			p.dropped.Add(1)
			continue
		}
		sizes[out] = n + shift
		p.tag(dst, tag, tagged)
		out++
	}
	p.segments.Add(uint64(out))
	if r.seg == r.plan.segs {
		r.split = false
		r.next++
	}
	return out
}

// tag moves the MAC addresses of a frame written at dst[4:] to the front
// and puts the 802.1Q tag between them and the EtherType.
func (p *Packet) tag(dst []byte, tag uint32, tagged bool) {
	if !tagged {
		return
	}
	copy(dst[:12], dst[4:16])
	binary.BigEndian.PutUint32(dst[12:], tag)
	p.vlans.Add(1)
}

// cmsgHdrLen is sizeof(struct cmsghdr).
const cmsgHdrLen = int(unsafe.Sizeof(unix.Cmsghdr{}))

// auxVLAN finds the VLAN tag (TPID<<16 | TCI) the kernel stripped in a
// PACKET_AUXDATA control message. It parses in place:
// unix.ParseSocketControlMessage allocates.
func auxVLAN(ctl []byte) (uint32, bool) {
	for len(ctl) >= cmsgHdrLen {
		l := int(binary.NativeEndian.Uint64(ctl))
		if l < cmsgHdrLen || l > len(ctl) {
			return 0, false
		}
		level := int32(binary.NativeEndian.Uint32(ctl[8:]))
		typ := int32(binary.NativeEndian.Uint32(ctl[12:]))
		if level == unix.SOL_PACKET && typ == unix.PACKET_AUXDATA && l >= cmsgHdrLen+20 {
			d := ctl[cmsgHdrLen:l]
			status := binary.NativeEndian.Uint32(d)
			if status&unix.TP_STATUS_VLAN_VALID == 0 {
				return 0, false
			}
			tpid := uint32(0x8100)
			if status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
				tpid = uint32(binary.NativeEndian.Uint16(d[18:]))
			}
			return tpid<<16 | uint32(binary.NativeEndian.Uint16(d[16:])), true
		}
		ctl = ctl[min(len(ctl), (l+7)&^7):]
	}
	return 0, false
}

// txState is Write's: sendmmsg vectors, each frame behind a zero
// virtio_net_hdr (no offload: the frame is complete as it is).
type txState struct {
	hdr [vnetHdrLen]byte
	iov [packetBatch][2]unix.Iovec
	msg [packetBatch]unix.Mmsghdr

	from, to int
	fn       func(fd uintptr) bool
	sent     int
	errno    syscall.Errno
}

func (t *txState) init(p *Packet) {
	for i := range t.msg {
		t.iov[i][0].Base = &t.hdr[0]
		t.iov[i][0].SetLen(vnetHdrLen)
		t.msg[i].Hdr.Iov = &t.iov[i][0]
		t.msg[i].Hdr.SetIovlen(2)
	}
	t.fn = t.send
}

func (t *txState) send(fd uintptr) bool {
	n, _, errno := unix.Syscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&t.msg[t.from])), uintptr(t.to-t.from), unix.MSG_DONTWAIT, 0, 0)
	if errno == unix.EAGAIN {
		return false
	}
	t.sent, t.errno = int(n), errno
	return true
}

// Write implements Port: frames go out by sendmmsg, up to BatchSize per
// call. A frame the kernel refuses (too long, too short, the interface
// down) is lost alone, as on a wire.
func (p *Packet) Write(bufs [][]byte, offset int) (int, error) {
	if p.closed.Load() {
		return 0, ErrClosed
	}
	p.txMu.Lock()
	defer p.txMu.Unlock()
	t := &p.tx
	for start := 0; start < len(bufs); start += packetBatch {
		m := min(len(bufs)-start, packetBatch)
		for i := 0; i < m; i++ {
			b := bufs[start+i][offset:]
			if len(b) == 0 {
				t.iov[i][1].Base = nil
			} else {
				t.iov[i][1].Base = &b[0]
			}
			t.iov[i][1].SetLen(len(b))
		}
		for t.from, t.to = 0, m; t.from < t.to; {
			if err := p.rc.Write(t.fn); err != nil {
				if p.closed.Load() || errors.Is(err, os.ErrClosed) {
					return start + t.from, ErrClosed
				}
				return start + t.from, err
			}
			if t.errno != 0 || t.sent <= 0 {
				t.from++ // the frame at t.from was refused
				continue
			}
			t.from += t.sent
		}
	}
	return len(bufs), nil
}
