package ether

import (
	"encoding/binary"
	"net/netip"
	"sync"
	"testing"
	"time"

	"natlab/internal/testclock"
	"natlab/packet"
	"natlab/port"
)

var (
	routerMAC = MAC{0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00}
	pc1MAC    = MAC{0x00, 0x50, 0x79, 0x66, 0x68, 0x00}
	pc2MAC    = MAC{0x00, 0x50, 0x79, 0x66, 0x68, 0x02}
	otherMAC  = MAC{0x00, 0x50, 0x79, 0x66, 0x68, 0x09}

	routerIP = netip.MustParseAddr("192.168.1.1")
	pc1IP    = netip.MustParseAddr("192.168.1.20")
	pc2IP    = netip.MustParseAddr("192.168.1.30")
)

// testHost is a Host whose answers a test sets, recording Unresolved.
type testHost struct {
	addr    netip.Prefix
	mu      sync.Mutex
	answers map[netip.Addr]bool
	asked   []netip.Addr
	dropped [][]byte
}

func (h *testHost) Address() netip.Prefix { return h.addr }

func (h *testHost) Answers(target, sender netip.Addr) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.asked = append(h.asked, target)
	return h.answers[target]
}

func (h *testHost) Unresolved(pkt []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropped = append(h.dropped, append([]byte(nil), pkt...))
}

func (h *testHost) unresolved() [][]byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([][]byte(nil), h.dropped...)
}

// rig is a Link over an in-memory frame device, the host end of the wire,
// a fake clock, and the main port's host (192.168.1.1/24).
type rig struct {
	l    *Link
	p    *Port
	wire *port.MemHost
	clk  *testclock.Clock
	host *testHost
}

func newRig(t testing.TB) *rig {
	t.Helper()
	m, wire := port.NewMem("eth0", 1500)
	clk := testclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := NewLink(m, routerMAC, clk.Now)
	t.Cleanup(func() { l.Close() })
	h := &testHost{addr: netip.PrefixFrom(routerIP, 24), answers: map[netip.Addr]bool{}}
	l.Port().SetHost(h)
	l.Port().SetName("GigabitEthernet0/0")
	return &rig{l: l, p: l.Port(), wire: wire, clk: clk, host: h}
}

// advance moves the clock and runs the timers at the new time.
func (r *rig) advance(d time.Duration) {
	r.clk.Advance(d)
	r.l.tick(r.clk.Now())
}

// sent returns every frame the link wrote so far.
func (r *rig) sent() [][]byte {
	var out [][]byte
	for f := r.wire.TryRecv(); f != nil; f = r.wire.TryRecv() {
		out = append(out, f)
	}
	return out
}

// one returns the only frame the link wrote.
func (r *rig) one(t *testing.T) []byte {
	t.Helper()
	fs := r.sent()
	if len(fs) != 1 {
		t.Fatalf("link sent %d frames, want 1", len(fs))
	}
	return fs[0]
}

// ethFrame builds a frame; vlan 0 is untagged.
func ethFrame(dst, src MAC, vlan, etype uint16, payload []byte) []byte {
	b := make([]byte, TaggedHeaderSize+len(payload))
	n := putHeader(b, dst, src, vlan, etype)
	return append(b[:n], payload...)
}

func arpPacket(op uint16, sha MAC, spa netip.Addr, tha MAC, tpa netip.Addr) []byte {
	b := make([]byte, ARPSize)
	putARP(b, op, sha, spa.As4(), tha, tpa.As4())
	return b
}

// arpFrame is an ARP packet in a frame; requests go to broadcast, replies
// to the target hardware address.
func arpFrame(op uint16, sha MAC, spa netip.Addr, tha MAC, tpa netip.Addr, vlan uint16) []byte {
	dst := Broadcast
	if op == ARPReply {
		dst = tha
	}
	return ethFrame(dst, sha, vlan, TypeARP, arpPacket(op, sha, spa, tha, tpa))
}

// udp is an IPv4 UDP packet of about size bytes.
func udp(src, dst netip.Addr, size int) []byte {
	b := make([]byte, 2048)
	n := packet.BuildUDP(b, src, dst, 1000, 2000, 1, 64, max(size-28, 0), nil)
	return b[:n]
}

// parsedARP decodes an ARP frame the link sent.
type parsedARP struct {
	dst, src MAC
	vlan     uint16
	op       uint16
	sha, tha MAC
	spa, tpa netip.Addr
	frameLen int
}

func parseARPFrame(t *testing.T, f []byte) parsedARP {
	t.Helper()
	d, ok := decode(f)
	if !ok || d.etype != TypeARP {
		t.Fatalf("not an ARP frame: % x", f)
	}
	a := ARP(f[d.payload:])
	if !a.IsValid() {
		t.Fatalf("bad ARP packet: % x", f)
	}
	return parsedARP{dst: d.dst, src: d.src, vlan: d.vlan, op: a.Op(), sha: a.SHA(), tha: a.THA(),
		spa: a.SPA(), tpa: a.TPA(), frameLen: len(f)}
}

// readIP reads one packet already waiting on p.
func readIP(t *testing.T, p *Port) []byte {
	t.Helper()
	if p.rx.len() == 0 {
		t.Fatalf("%s: no packet waiting", p.Name())
	}
	buf := make([]byte, 2048)
	bufs, sizes := [][]byte{buf}, []int{0}
	n, err := p.Read(bufs, sizes, 16)
	if err != nil || n != 1 {
		t.Fatalf("%s: Read = %d, %v", p.Name(), n, err)
	}
	return buf[16 : 16+sizes[0]]
}

func write(t *testing.T, p *Port, pkt []byte, hop netip.Addr) {
	t.Helper()
	buf := make([]byte, 16+len(pkt))
	copy(buf[16:], pkt)
	var err error
	if hop.IsValid() {
		_, err = p.WriteNextHop([][]byte{buf}, []netip.Addr{hop}, 16)
	} else {
		_, err = p.Write([][]byte{buf}, 16)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func vlanOf(f []byte) uint16 {
	if binary.BigEndian.Uint16(f[12:]) != TypeVLAN {
		return 0
	}
	return binary.BigEndian.Uint16(f[14:]) & vlanMask
}
