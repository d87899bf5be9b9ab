package ftpinspect

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
)

// The §9 topology: client C and server S inside, PAT address G, S's
// static global address Sg (the remote host R is srvR/cliR below).
var (
	addrC  = netip.MustParseAddr("10.0.0.10")
	addrS  = netip.MustParseAddr("10.0.0.20")
	addrG  = netip.MustParseAddr("203.0.113.1")
	addrSg = netip.MustParseAddr("203.0.113.20")
)

// fakeNAT is a Translator with a static table of inside globals and a
// port map that refuses a global port held by another inside endpoint.
type fakeNAT struct {
	globals  map[netip.Addr]netip.Addr
	used     map[netip.AddrPort]netip.AddrPort // global -> local
	nextPort uint16
	unmapped []netip.AddrPort
	fail     bool
}

func newFakeNAT() *fakeNAT {
	return &fakeNAT{
		globals: map[netip.Addr]netip.Addr{
			addrC: addrG, addrS: addrSg,
			netip.MustParseAddr("10.0.0.11"):       addrG,
			netip.MustParseAddr("10.0.0.21"):       addrSg,
			netip.MustParseAddr("192.168.100.200"): netip.MustParseAddr("1.2.3.4"),
		},
		used:     map[netip.AddrPort]netip.AddrPort{},
		nextPort: 1024,
	}
}

func (n *fakeNAT) Global(f packet.Tuple) (netip.Addr, bool) {
	g, ok := n.globals[f.SrcAddr()]
	return g, ok
}

func (n *fakeNAT) MapData(m DataMapping) (netip.AddrPort, error) {
	if n.fail {
		return netip.AddrPort{}, fmt.Errorf("no free port")
	}
	g := netip.AddrPortFrom(n.globals[m.Local.Addr()], m.Local.Port())
	if owner, ok := n.used[g]; ok && owner != m.Local {
		for {
			g = netip.AddrPortFrom(g.Addr(), n.nextPort)
			n.nextPort++
			if _, taken := n.used[g]; !taken {
				break
			}
		}
	}
	n.used[g] = m.Local
	return g, nil
}

func (n *fakeNAT) UnmapData(m DataMapping, global netip.AddrPort) {
	delete(n.used, global)
	n.unmapped = append(n.unmapped, global)
}

// seg is a decoded output segment.
type seg struct {
	seq, ack uint32
	flags    uint8
	payload  []byte
	sack     [][2]uint32
	drop     bool
	related  bool
}

// buildSeg writes an IPv4/TCP packet with optional SACK blocks into a
// fresh 4 KB buffer and returns the buffer and the packet length.
func buildSeg(src, dst netip.AddrPort, seq, ack uint32, flags uint8, payload []byte, sack [][2]uint32) ([]byte, int) {
	opt := 0
	if len(sack) > 0 {
		opt = 4 + 8*len(sack) // NOP NOP kind len blocks
	}
	thl := packet.TCPMinimumSize + opt
	n := packet.IPv4MinimumSize + thl + len(payload)
	b := make([]byte, 4096)
	packet.IPv4(b).Encode(&packet.IPv4Fields{TotalLen: uint16(n), ID: 1, TTL: 64, Protocol: packet.ProtoTCP, Src: src.Addr(), Dst: dst.Addr()})
	t := b[packet.IPv4MinimumSize:n]
	binary.BigEndian.PutUint16(t[0:], src.Port())
	binary.BigEndian.PutUint16(t[2:], dst.Port())
	binary.BigEndian.PutUint32(t[4:], seq)
	binary.BigEndian.PutUint32(t[8:], ack)
	t[12] = byte(thl/4) << 4
	t[13] = flags
	binary.BigEndian.PutUint16(t[14:], 65535)
	if opt > 0 {
		o := t[packet.TCPMinimumSize:]
		o[0], o[1], o[2], o[3] = 1, 1, 5, byte(2+8*len(sack))
		for i, s := range sack {
			binary.BigEndian.PutUint32(o[4+8*i:], s[0])
			binary.BigEndian.PutUint32(o[8+8*i:], s[1])
		}
	}
	copy(t[thl:], payload)
	packet.TCP(t).SetChecksum(^packet.Checksum(t, packet.PseudoHeaderChecksum(packet.ProtoTCP, src.Addr(), dst.Addr(), uint16(len(t)))))
	return b, n
}

// decodeSeg checks every header invariant of an output packet (§9 cases
// 32, 33: a full checksum recomputation equals the one on the wire, IP
// total length and header checksum) and returns its fields.
func decodeSeg(t testing.TB, b []byte) seg {
	t.Helper()
	var p packet.Parsed
	if r := p.Decode(b); r != packet.OK {
		t.Fatalf("output packet does not decode: %v", r)
	}
	if p.TotalLen != len(b) {
		t.Fatalf("IP total length %d, packet %d bytes", p.TotalLen, len(b))
	}
	if !p.TransportChecksumOK(b) {
		t.Fatalf("TCP checksum wrong on output packet")
	}
	tcp := packet.TCP(b[p.L4Off:])
	s := seg{seq: tcp.Seq(), ack: tcp.Ack(), flags: tcp.Flags(), payload: append([]byte(nil), b[p.PayloadOff:]...)}
	opts := tcp.Options()
	for i := 0; i < len(opts); {
		if opts[i] == 1 {
			i++
			continue
		}
		if opts[i] == 0 || i+1 >= len(opts) {
			break
		}
		if opts[i] == 5 {
			for j := i + 2; j+8 <= i+int(opts[i+1]); j += 8 {
				s.sack = append(s.sack, [2]uint32{binary.BigEndian.Uint32(opts[j:]), binary.BigEndian.Uint32(opts[j+4:])})
			}
		}
		i += int(opts[i+1])
	}
	return s
}

// harness drives one control connection through an Inspector and keeps
// what each receiver has reassembled.
type harness struct {
	t      testing.TB
	in     *Inspector
	nat    *fakeNAT
	now    time.Time
	events []Event
	debug  []string
	cli    netip.AddrPort
	srv    netip.AddrPort
	isn    [2]uint32 // initial sequence numbers: client, server
	rx     [2]*reasm // what the server (rx[0]) and the client (rx[1]) received
}

func newHarness(t testing.TB, cfg Config, cli, srv netip.AddrPort, nat *fakeNAT) *harness {
	h := &harness{t: t, nat: nat, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), cli: cli, srv: srv}
	cfg.Clock = func() time.Time { return h.now }
	if nat != nil {
		cfg.NAT = nat
	}
	cfg.Log = func(e Event) { h.events = append(h.events, e) }
	cfg.Debug = func(l string) { h.debug = append(h.debug, l) }
	h.in = New(cfg)
	h.isn = [2]uint32{999, 4999} // first data bytes at 1000 and 5000, as in §1.7/§3.8
	h.rx = [2]*reasm{{base: 1000}, {base: 5000}}
	return h
}

// openHarness is newHarness after the three-way handshake.
func openHarness(t testing.TB, cfg Config, cli, srv netip.AddrPort, nat *fakeNAT) *harness {
	h := newHarness(t, cfg, cli, srv, nat)
	h.open()
	return h
}

// open runs the three-way handshake.
func (h *harness) open() {
	h.packet(0, h.isn[0], 0, packet.TCPSyn, nil, nil)
	h.packet(1, h.isn[1], h.isn[0]+1, packet.TCPSyn|packet.TCPAck, nil, nil)
	h.packet(0, h.isn[0]+1, h.isn[1]+1, packet.TCPAck, nil, nil)
}

// packet sends one segment from dir (0 client, 1 server) and returns the
// decoded output; output payload goes to the receiver's reassembly.
func (h *harness) packet(dir int, seq, ack uint32, flags uint8, payload []byte, sack [][2]uint32) seg {
	h.t.Helper()
	src, dst := h.cli, h.srv
	if dir == 1 {
		src, dst = dst, src
	}
	b, n := buildSeg(src, dst, seq, ack, flags, payload, sack)
	r := h.in.ProcessIPv4(b, n)
	if r.Drop {
		return seg{drop: true}
	}
	s := decodeSeg(h.t, b[:r.Len])
	s.related = r.Related
	if flags&packet.TCPSyn == 0 {
		h.rx[dir].add(h.t, s.seq, s.payload)
	}
	return s
}

// data sends payload at offset off of dir's stream (seq = first data
// byte + off), acknowledging everything the other side sent.
func (h *harness) data(dir int, off int, payload string) seg {
	h.t.Helper()
	return h.packet(dir, h.isn[dir]+1+uint32(off), h.acked(1-dir), packet.TCPAck|packet.TCPPsh, []byte(payload), nil)
}

// acked is the acknowledgment the receiver of dir's stream sends: the end
// of what it has received in order (output sequence space).
func (h *harness) acked(dir int) uint32 {
	return h.rx[dir].base + uint32(len(h.rx[dir].stream()))
}

// reasm is a receiver: output bytes by output sequence number. A byte
// received twice must be identical (retransmissions are byte-identical).
type reasm struct {
	base uint32
	buf  []byte
	have []bool
}

func (r *reasm) add(t testing.TB, seq uint32, p []byte) {
	t.Helper()
	off := int(int32(seq - r.base))
	if off < 0 {
		t.Fatalf("output seq %d before stream start %d", seq, r.base)
	}
	for i, c := range p {
		j := off + i
		for len(r.buf) <= j {
			r.buf = append(r.buf, 0)
			r.have = append(r.have, false)
		}
		if r.have[j] && r.buf[j] != c {
			t.Fatalf("byte %d received as %q, then as %q", j, r.buf[j], c)
		}
		r.buf[j], r.have[j] = c, true
	}
}

// stream returns the contiguous bytes received from the start.
func (r *reasm) stream() string {
	n := 0
	for n < len(r.have) && r.have[n] {
		n++
	}
	return string(r.buf[:n])
}

func (h *harness) eventKinds() []EventKind {
	var k []EventKind
	for _, e := range h.events {
		k = append(k, e.Kind)
	}
	return k
}

func (h *harness) hasEvent(k EventKind) bool {
	for _, e := range h.events {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// dataSYN sends a data-connection SYN from src to dst and reports whether
// a pinhole (or an opened data flow) covered it.
func (h *harness) dataSYN(src, dst netip.AddrPort) bool {
	return h.related(src, dst, 77, 0, packet.TCPSyn, "")
}

// related sends a data-connection segment from src to dst and reports
// whether a pinhole or an opened data flow covered it.
func (h *harness) related(src, dst netip.AddrPort, seq, ack uint32, flags uint8, payload string) bool {
	b, n := buildSeg(src, dst, seq, ack, flags, []byte(payload), nil)
	return h.in.ProcessIPv4(b, n).Related
}

var (
	cliC = netip.MustParseAddrPort("10.0.0.10:40000")
	srvR = netip.MustParseAddrPort("198.51.100.50:21")
	srvS = netip.MustParseAddrPort("10.0.0.20:21")
	cliR = netip.MustParseAddrPort("198.51.100.50:45000")
)
