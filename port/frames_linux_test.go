package port_test

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"sync/atomic"
	"testing"

	"natlab/packet"
	"natlab/port"
)

// responder plays a minimal router on a frame device: it answers ARP
// requests and ICMP echo requests for addr with mac, the way a host on the
// far side expects, and counts what it saw.
type responder struct {
	mac  [6]byte
	addr netip.Addr

	arpRequests atomic.Int32 // who-has addr
	echoes      atomic.Int32 // echo requests to addr answered
	frames      atomic.Int32 // every frame read
	done        chan error   // Read's final error
}

// serve reads p until it is closed. Replies are built in place in the read
// buffer and written back.
func serve(t *testing.T, p port.Port, mac [6]byte, addr netip.Addr) *responder {
	t.Helper()
	r := &responder{mac: mac, addr: addr, done: make(chan error, 1)}
	go func() {
		bs := p.BatchSize()
		bufs := make([][]byte, bs)
		for i := range bufs {
			bufs[i] = make([]byte, 65536)
		}
		sizes := make([]int, bs)
		for {
			n, err := p.Read(bufs, sizes, 0)
			if err != nil {
				r.done <- err
				return
			}
			for i := 0; i < n; i++ {
				r.frames.Add(1)
				if reply := r.answer(bufs[i][:sizes[i]]); reply != nil {
					if _, err := p.Write([][]byte{reply}, 0); err != nil && !errors.Is(err, port.ErrClosed) {
						t.Errorf("write reply: %v", err)
					}
				}
			}
		}
	}()
	return r
}

// answer turns f into its reply in place, or returns nil.
func (r *responder) answer(f []byte) []byte {
	l2 := 14 // an 802.1Q tag stays where it is: the reply goes back in its VLAN
	if len(f) >= 18 && binary.BigEndian.Uint16(f[12:]) == 0x8100 {
		l2 = 18
	}
	if len(f) < l2 {
		return nil
	}
	me := r.addr.As4()
	switch binary.BigEndian.Uint16(f[l2-2:]) {
	case 0x0806: // ARP
		a := f[l2:]
		if len(a) < 28 || binary.BigEndian.Uint16(a[6:]) != 1 || [4]byte(a[24:28]) != me {
			return nil
		}
		r.arpRequests.Add(1)
		copy(f[0:6], a[8:14]) // to the sender
		copy(f[6:12], r.mac[:])
		binary.BigEndian.PutUint16(a[6:], 2)
		copy(a[18:28], a[8:18]) // target = old sender
		copy(a[8:14], r.mac[:])
		copy(a[14:18], me[:])
		return f[:l2+28]
	case 0x0800:
		ip := packet.IPv4(f[l2:])
		if len(ip) < 28 || ip.Protocol() != packet.ProtoICMP || ip.Dst() != r.addr {
			return nil
		}
		hl := int(ip[0]&0xf) * 4
		tl := int(binary.BigEndian.Uint16(ip[2:]))
		if tl > len(ip) || hl+8 > tl || ip[hl] != 8 {
			return nil
		}
		r.echoes.Add(1)
		var src [6]byte
		copy(src[:], f[6:12])
		copy(f[0:6], src[:])
		copy(f[6:12], r.mac[:])
		s, d := [4]byte(ip[12:16]), [4]byte(ip[16:20])
		copy(ip[12:16], d[:])
		copy(ip[16:20], s[:])
		ip[8] = 64
		binary.BigEndian.PutUint16(ip[10:], 0)
		binary.BigEndian.PutUint16(ip[10:], ^packet.Checksum(ip[:hl], 0))
		icmp := ip[hl:tl]
		icmp[0] = 0
		binary.BigEndian.PutUint16(icmp[2:], 0)
		binary.BigEndian.PutUint16(icmp[2:], ^packet.Checksum(icmp, 0))
		return f[:l2+tl]
	}
	return nil
}
