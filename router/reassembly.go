package router

import (
	"encoding/binary"
	"sync"

	"natlab/packet"
)

// Reassembly of fragmented datagrams addressed to the router (RFC 791
// §3.2, RFC 815), so that a large ping to the router, or the fragmented
// replies to a large ping from it, are answered as on IOS. Forwarded
// fragments are never reassembled. This path is rare and may allocate.

const (
	// reassemblyTimeout is how long a datagram's fragments wait for the
	// rest (Linux and IOS use 30 s).
	reassemblyTimeout = 30e9
	// maxReassemblies bounds the datagrams in progress: the oldest is
	// dropped to make room, so a fragment flood costs memory only up to
	// this many 64 KiB datagrams.
	maxReassemblies = 16
)

type fragKey struct {
	src, dst [4]byte
	id       uint16
	proto    packet.Proto
}

type fragFlow struct {
	key      fragKey
	started  int64
	header   []byte // the first fragment's header, once seen
	data     [65536]byte
	have     [65536 / 8 / 8]uint64 // bitmap of received 8-byte blocks
	total    int                   // payload length, -1 until the last fragment arrives
	received int                   // payload bytes received (distinct blocks)
}

type reassembler struct {
	mu    sync.Mutex
	flows []*fragFlow
}

// add files the fragment p and returns the whole datagram once complete,
// or nil.
func (ra *reassembler) add(p *Packet, now int64) []byte {
	b := p.Buf
	ip := packet.IPv4(b)
	off := ip.FragmentOffset()
	data := b[p.P.IHL:p.P.TotalLen]
	more := ip.Flags()&packet.IPv4FlagMoreFragments != 0
	if off+len(data) > 0xffff-p.P.IHL || more && len(data)%8 != 0 {
		return nil // RFC 791: all but the last fragment carry multiples of 8
	}
	k := fragKey{src: p.P.Src.As4(), dst: p.P.Dst.As4(), id: ip.ID(), proto: p.P.IPProto}

	ra.mu.Lock()
	defer ra.mu.Unlock()
	var f *fragFlow
	live := ra.flows[:0]
	for _, x := range ra.flows {
		if now-x.started > reassemblyTimeout {
			continue
		}
		live = append(live, x)
		if x.key == k {
			f = x
		}
	}
	clear(ra.flows[len(live):])
	ra.flows = live
	if f == nil {
		if len(ra.flows) == maxReassemblies {
			copy(ra.flows, ra.flows[1:])
			ra.flows = ra.flows[:len(ra.flows)-1]
		}
		f = &fragFlow{key: k, started: now, total: -1}
		ra.flows = append(ra.flows, f)
	}
	if off == 0 {
		f.header = append(f.header[:0], b[:p.P.IHL]...)
	}
	if !more {
		f.total = off + len(data)
	}
	copy(f.data[off:], data)
	for blk := off / 8; blk < (off+len(data)+7)/8; blk++ {
		if f.have[blk/64]&(1<<(blk%64)) == 0 {
			f.have[blk/64] |= 1 << (blk % 64)
			f.received += 8
		}
	}
	if f.total < 0 || f.header == nil || f.received < f.total {
		return nil
	}
	for i, x := range ra.flows {
		if x == f {
			ra.flows = append(ra.flows[:i], ra.flows[i+1:]...)
			break
		}
	}
	hl := len(f.header)
	whole := make([]byte, hl+f.total, hl+f.total+growRoom)
	copy(whole, f.header)
	copy(whole[hl:], f.data[:f.total])
	wip := packet.IPv4(whole)
	wip.SetTotalLength(uint16(len(whole)))
	fo := binary.BigEndian.Uint16(whole[6:]) & packet.IPv4FlagDontFragment
	binary.BigEndian.PutUint16(whole[6:], fo)
	wip.UpdateChecksum()
	return whole
}
