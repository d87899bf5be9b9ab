package port

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"natlab/packet"
)

// TestTUNOffloadDecode: what a TUN read's virtio-net header says is
// checked against the packet; nonsense is refused, never trusted.
func TestTUNOffloadDecode(t *testing.T) {
	tcp, tcpO, _ := superPacket(t, false, 8000, 1448, 0x18)
	udp, udpO, _ := superPacket(t, true, 4800, 1200, 0)
	hdr := func(o Offload) vnetHdr { return tunVnetHdr(o, nil) }
	edit := func(p []byte, f func([]byte)) []byte { q := bytes.Clone(p); f(q); return q }
	tests := []struct {
		name string
		h    vnetHdr
		pkt  []byte
		want Offload
		ok   bool
	}{
		{"plain", vnetHdr{}, tcp[:60], Offload{}, true},
		{"plain partial", vnetHdr{Flags: vnetNeedsCsum, CsumStart: 20, CsumOffset: 16}, tcp[:60],
			Offload{NeedsCsum: true, CsumStart: 20, CsumOffset: 16}, true},
		{"partial field past the end", vnetHdr{Flags: vnetNeedsCsum, CsumStart: 20, CsumOffset: 16}, tcp[:37], Offload{}, false},
		{"tso", hdr(tcpO), tcp, tcpO, true},
		{"tso ecn", func() vnetHdr { h := hdr(tcpO); h.GSOType |= vnetGSOECN; return h }(), tcp, tcpO, true},
		{"tso kernel hdr_len is the linear part", func() vnetHdr { h := hdr(tcpO); h.HdrLen = 1000; return h }(), tcp, tcpO, true},
		{"uso", hdr(udpO), udp, udpO, true},
		{"gso without partial checksum", func() vnetHdr { h := hdr(tcpO); h.Flags = 0; return h }(), tcp, Offload{}, false},
		{"gso size 0", func() vnetHdr { h := hdr(tcpO); h.GSOSize = 0; return h }(), tcp, Offload{}, false},
		{"hdr_len past the end", func() vnetHdr { h := hdr(tcpO); h.HdrLen = uint16(len(tcp) + 1); return h }(), tcp, Offload{}, false},
		{"tso on udp", hdr(tcpO), udp, Offload{}, false},
		{"uso on tcp", hdr(udpO), tcp, Offload{}, false},
		{"tso on icmp", hdr(tcpO), edit(tcp, func(p []byte) { p[9] = 1 }), Offload{}, false},
		{"csum start is not the transport header", func() vnetHdr { h := hdr(tcpO); h.CsumStart = 24; return h }(), tcp, Offload{}, false},
		{"tcp csum offset", func() vnetHdr { h := hdr(tcpO); h.CsumOffset = 6; return h }(), tcp, Offload{}, false},
		{"tcp data offset under 5", hdr(tcpO), edit(tcp, func(p []byte) { p[32] = 0x40 }), Offload{}, false},
		{"headers only", hdr(tcpO), tcp[:40], Offload{}, false},
		{"tso on ipv6", hdr(tcpO), edit(tcp, func(p []byte) { p[0] = 0x60 }), Offload{}, false},
		{"unknown gso type", vnetHdr{Flags: vnetNeedsCsum, GSOType: 3, GSOSize: 1448, CsumStart: 20, CsumOffset: 16}, tcp, Offload{}, false},
		{"tcpv6", vnetHdr{Flags: vnetNeedsCsum, GSOType: vnetGSOTCPv6, GSOSize: 1440, CsumStart: 40, CsumOffset: 16},
			edit(tcp, func(p []byte) { p[0] = 0x60; p[40+12] = 0x50 }),
			Offload{GSO: GSOTCPv6, NeedsCsum: true, GSOSize: 1440, CsumStart: 40, CsumOffset: 16, HdrLen: 60}, true},
		{"tcpv6 on ipv4", vnetHdr{Flags: vnetNeedsCsum, GSOType: vnetGSOTCPv6, GSOSize: 1440, CsumStart: 20, CsumOffset: 16}, tcp, Offload{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tunOffload(tc.h, tc.pkt)
			if ok != tc.ok || ok && got != tc.want {
				t.Errorf("tunOffload = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestTUNVnetHdr: the header written is the one read, and CWR on a TCP
// super-packet marks it ECN.
func TestTUNVnetHdr(t *testing.T) {
	tcp, o, _ := superPacket(t, false, 8000, 1448, 0x18)
	h := tunVnetHdr(o, tcp)
	if h.GSOType != vnetGSOTCPv4 || h.Flags != vnetNeedsCsum || h.GSOSize != o.GSOSize || h.HdrLen != o.HdrLen ||
		h.CsumStart != o.CsumStart || h.CsumOffset != o.CsumOffset {
		t.Errorf("header %+v for %+v", h, o)
	}
	var b [vnetHdrLen]byte
	h.encode(b[:])
	if back, ok := tunOffload(decodeVnetHdr(b[:]), tcp); !ok || back != o {
		t.Errorf("round trip %+v, %v; want %+v", back, ok, o)
	}
	cwr := bytes.Clone(tcp)
	cwr[20+13] |= 0x80
	if h := tunVnetHdr(o, cwr); h.GSOType != vnetGSOTCPv4|vnetGSOECN {
		t.Errorf("CWR: gso type %#x", h.GSOType)
	}
	if h := tunVnetHdr(Offload{}, cwr); h != (vnetHdr{}) {
		t.Errorf("plain packet: %+v", h)
	}
}

// FuzzTUNOffload: any header and packet are decoded without panicking;
// what is accepted is inside the packet, and plain Read's handling of it
// (finish the checksum, or plan and cut the segments) does not panic.
func FuzzTUNOffload(f *testing.F) {
	tcp, tcpO, _ := superPacket(f, false, 3000, 1000, 0x18)
	udp, udpO, _ := superPacket(f, true, 2400, 1200, 0)
	for _, c := range []struct {
		o   Offload
		pkt []byte
	}{{tcpO, tcp}, {udpO, udp}, {Offload{}, tcp[:40]}, {Offload{NeedsCsum: true, CsumStart: 20, CsumOffset: 16}, tcp[:100]}} {
		var b [vnetHdrLen]byte
		tunVnetHdr(c.o, c.pkt).encode(b[:])
		f.Add(b[:], c.pkt)
	}
	seg := make([]byte, 2000)
	f.Fuzz(func(t *testing.T, hdr, pkt []byte) {
		if len(hdr) < vnetHdrLen {
			return
		}
		o, ok := tunOffload(decodeVnetHdr(hdr), pkt)
		if !ok {
			return
		}
		if o.NeedsCsum && int(o.CsumStart)+int(o.CsumOffset)+2 > len(pkt) {
			t.Fatalf("checksum field outside the packet: %+v, %d bytes", o, len(pkt))
		}
		if o.GSO == GSONone {
			FinishChecksum(bytes.Clone(pkt), o)
			return
		}
		if o.GSOSize == 0 || !o.NeedsCsum || int(o.HdrLen) >= len(pkt) {
			t.Fatalf("super-packet accepted: %+v, %d bytes", o, len(pkt))
		}
		if plan, err := planGSOAt(pkt, 0, o.vnetType(), o.GSOSize); err == nil {
			for k := 0; k < plan.segs && k < 50; k++ {
				plan.segment(pkt, k, seg)
			}
		}
	})
}

// fastNetns creates a namespace t-fast-<pid>-<tag> without IPv6 (so no
// router solicitations cross its TUN), removed at cleanup, or skips when
// that is impossible here.
func fastNetns(t testing.TB, tag string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("no ip command (iproute2)")
	}
	name := fmt.Sprintf("t-fast-%d-%s", os.Getpid(), tag)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	exec.Command("ip", "netns", "exec", name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1").Run()
	return name
}

// openFast opens a fast TUN into namespace ns as eth0 with addr and a
// default route to gw, closed at cleanup.
func openFast(t testing.TB, ns, addr, gw string, queues int) *FastTUN {
	t.Helper()
	dev := fmt.Sprintf("tf%d%s", os.Getpid()%100000, ns[len(ns)-1:])
	p, err := OpenFastTUN(TUNConfig{Device: dev, Netns: ns, HostName: "eth0",
		HostAddr: netip.MustParsePrefix(addr), HostGateway: netip.MustParseAddr(gw)}, FastTUNOptions{Queues: queues})
	if errors.Is(err, ErrNoOffload) {
		t.Skipf("no TUN offloads here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p.(*FastTUN)
}

// fwdStats counts what the mini router saw.
type fwdStats struct {
	packets, supers, bad atomic.Uint64
}

// miniForward is a router with TTL-- only: it moves packets from src to
// dst until src is closed, super-packets whole (ReadOffload,
// WriteOffload) or, with plain, as wire-sized packets (Read, Write), whose
// size and TCP checksum it checks.
func miniForward(src, dst Port, plain bool, st *fwdStats) {
	n := src.BatchSize()
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, OffloadHeadroom+MaxOffloadPacket)
	}
	sizes, offl := make([]int, n), make([]Offload, n)
	out, outOffl := make([][]byte, 0, n), make([]Offload, 0, n)
	for {
		var (
			got int
			err error
		)
		if plain {
			got, err = src.Read(bufs, sizes, OffloadHeadroom)
		} else {
			got, err = src.(OffloadPort).ReadOffload(bufs, sizes, offl, OffloadHeadroom)
		}
		if err != nil {
			return
		}
		out, outOffl = out[:0], outOffl[:0]
		for i := 0; i < got; i++ {
			p := bufs[i][OffloadHeadroom : OffloadHeadroom+sizes[i]]
			if len(p) < 20 || p[0]>>4 != 4 || p[8] <= 1 {
				continue
			}
			st.packets.Add(1)
			if plain {
				offl[i] = Offload{}
				if len(p) > src.MTU() || !tcpChecksumOK(p) {
					st.bad.Add(1)
				}
			} else if offl[i].GSO != GSONone {
				st.supers.Add(1)
				if !offl[i].NeedsCsum || offl[i].GSOSize == 0 {
					st.bad.Add(1)
				}
			}
			// TTL-- with the header checksum updated as Linux's
			// ip_decrease_ttl does.
			p[8]--
			c := uint32(binary.BigEndian.Uint16(p[10:])) + 0x0100
			binary.BigEndian.PutUint16(p[10:], uint16(c+c>>16))
			out = append(out, bufs[i][:OffloadHeadroom+sizes[i]])
			outOffl = append(outOffl, offl[i])
		}
		if plain {
			_, err = dst.Write(out, OffloadHeadroom)
		} else {
			_, err = dst.(OffloadPort).WriteOffload(out, outOffl, OffloadHeadroom)
		}
		if err != nil {
			return
		}
	}
}

// tcpChecksumOK reports whether a TCP packet's checksum is right (other
// protocols pass).
func tcpChecksumOK(p []byte) bool {
	if p[9] != 6 {
		return true
	}
	ihl := int(p[0]&0xf) * 4
	end := int(binary.BigEndian.Uint16(p[2:]))
	if end > len(p) || ihl+20 > end {
		return false
	}
	return packet.Checksum(p[ihl:end], pseudoSum(p[:ihl], end-ihl)) == 0xffff
}

// twoNets is two namespaces, a (10.10.1.2/24) and b (10.10.2.2/24), each
// behind a fast TUN of the test's.
func twoNets(t *testing.T, queues int) (nsA, nsB string, a, b *FastTUN) {
	nsA, nsB = fastNetns(t, "a"), fastNetns(t, "b")
	a = openFast(t, nsA, "10.10.1.2/24", "10.10.1.1", queues)
	b = openFast(t, nsB, "10.10.2.2/24", "10.10.2.1", queues)
	return
}

// echoServer listens in ns on addr:0 and echoes every connection.
func echoServer(t *testing.T, ns, addr string) string {
	var ln net.Listener
	if err := inNetns(ns, func() (err error) { ln, err = net.Listen("tcp4", addr+":0"); return }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(time.Minute))
				io.Copy(c, c)
				c.(*net.TCPConn).CloseWrite()
			}()
		}
	}()
	return ln.Addr().String()
}

// echoFlow connects from ns to addr, sends size pseudo-random bytes and
// checks that exactly they come back.
func echoFlow(t *testing.T, ns, addr string, size int, seed uint64) error {
	var c net.Conn
	if err := inNetns(ns, func() (err error) { c, err = net.DialTimeout("tcp4", addr, 5*time.Second); return }); err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	data := make([]byte, size)
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	r.Read(data)
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(data)
		c.(*net.TCPConn).CloseWrite()
		werr <- err
	}()
	back, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if err := <-werr; err != nil {
		return err
	}
	if !bytes.Equal(back, data) {
		return fmt.Errorf("%d bytes sent, %d came back, equal %v", len(data), len(back), bytes.Equal(back, data))
	}
	return nil
}

// TestFastTUNForwardTCP runs a TCP echo between two namespaces through two
// fast TUNs and a TTL-only router: both directions carry TSO super-packets
// (read whole, written whole) and the bytes come back unchanged. With
// plain, the router reads a->b with plain Read (split, finished,
// wire-sized, checked) and writes with plain Write.
func TestFastTUNForwardTCP(t *testing.T) {
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprintf("plain=%v", plain), func(t *testing.T) {
			nsA, nsB, a, b := twoNets(t, 1)
			var ab, ba fwdStats
			go miniForward(a, b, plain, &ab)
			go miniForward(b, a, false, &ba)
			addr := echoServer(t, nsB, "10.10.2.2")
			start := time.Now()
			const size = 64 << 20
			if err := echoFlow(t, nsA, addr, size, 1); err != nil {
				t.Fatal(err)
			}
			el := time.Since(start)
			t.Logf("%d MB each way in %v (%.1f Gbit/s each way); a->b %d packets, %d super; b->a %d packets, %d super; stats a %+v b %+v",
				size>>20, el, float64(size)*8/el.Seconds()/1e9, ab.packets.Load(), ab.supers.Load(), ba.packets.Load(), ba.supers.Load(), a.Stats(), b.Stats())
			if ab.bad.Load() != 0 || ba.bad.Load() != 0 {
				t.Errorf("bad packets: a->b %d, b->a %d", ab.bad.Load(), ba.bad.Load())
			}
			if ba.supers.Load() == 0 {
				t.Error("no super-packets b->a")
			}
			if !plain && ab.supers.Load() == 0 {
				t.Error("no super-packets a->b")
			}
			if plain && a.Stats().Segments == 0 {
				t.Error("plain Read cut no super-packet")
			}
		})
	}
}

// TestFastTUNMultiQueue: with two queues per device and a router goroutine
// per queue, several TCP flows are spread over both queues.
func TestFastTUNMultiQueue(t *testing.T) {
	nsA, nsB, a, b := twoNets(t, 2)
	qa, qb := a.Queues(), b.Queues()
	if len(qa) != 2 || len(qb) != 2 || qa[0] != Port(a) {
		t.Fatalf("queues %d %d, first %T", len(qa), len(qb), qa[0])
	}
	st := make([]fwdStats, 4)
	for k := 0; k < 2; k++ {
		go miniForward(qa[k], qb[k], false, &st[2*k])
		go miniForward(qb[k], qa[k], false, &st[2*k+1])
	}
	addr := echoServer(t, nsB, "10.10.2.2")
	// The kernel hashes each flow to a queue: four flows all land on one
	// of two queues one time in eight, so a round that did may be redone.
	for round := 0; round < 4; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for f := 0; f < 4; f++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- echoFlow(t, nsA, addr, 4<<20, uint64(round*4+f))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if st[0].packets.Load() > 0 && st[2].packets.Load() > 0 {
			break
		}
	}
	t.Logf("queue 0: a->b %d b->a %d; queue 1: a->b %d b->a %d packets", st[0].packets.Load(), st[1].packets.Load(),
		st[2].packets.Load(), st[3].packets.Load())
	if st[0].packets.Load() == 0 || st[2].packets.Load() == 0 {
		t.Error("one queue got no packets")
	}
}

// pinger writes ICMP echo requests into a fast TUN and reads the answers
// of the namespace behind it.
type pinger struct {
	q      Port
	bufs   [][]byte
	sizes  []int
	offl   []Offload
	offset int
	seq    uint16
	plain  bool
}

func newPinger(q Port, offset int, plain bool) *pinger {
	p := &pinger{q: q, offset: offset, plain: plain, sizes: make([]int, 4), offl: make([]Offload, 4)}
	for range 4 {
		p.bufs = append(p.bufs, make([]byte, offset+MaxOffloadPacket))
	}
	return p
}

// ping sends one echo request and waits for its reply.
func (p *pinger) ping() error {
	p.seq++
	src, dst := netip.AddrFrom4([4]byte{10, 10, 9, 1}), netip.AddrFrom4([4]byte{10, 10, 9, 2})
	packet.BuildEcho(p.bufs[0][p.offset:], 8, src, dst, 7, p.seq, p.seq, 64, 56, nil)
	var err error
	if p.plain {
		_, err = p.q.Write(p.bufs[:1], p.offset)
	} else {
		p.offl[0] = Offload{}
		_, err = p.q.(OffloadPort).WriteOffload(p.bufs[:1], p.offl[:1], p.offset)
	}
	if err != nil {
		return err
	}
	for range 10 {
		var got int
		if p.plain {
			got, err = p.q.Read(p.bufs, p.sizes, p.offset)
		} else {
			got, err = p.q.(OffloadPort).ReadOffload(p.bufs, p.sizes, p.offl, p.offset)
		}
		if err != nil {
			return err
		}
		for i := 0; i < got; i++ {
			r := p.bufs[i][p.offset : p.offset+p.sizes[i]]
			if len(r) >= 28 && r[9] == 1 && r[20] == 0 && binary.BigEndian.Uint16(r[26:]) == p.seq {
				return nil
			}
		}
	}
	return errors.New("no echo reply")
}

// TestFastTUNAllocs: reading and writing allocate nothing per packet, with
// and without headroom, through the offload and the plain calls.
func TestFastTUNAllocs(t *testing.T) {
	ns := fastNetns(t, "p")
	tun := openFast(t, ns, "10.10.9.2/24", "10.10.9.1", 1)
	for _, tc := range []struct {
		name   string
		offset int
		plain  bool
	}{{"offload headroom", OffloadHeadroom, false}, {"offload no headroom", 0, false}, {"plain headroom", OffloadHeadroom, true}, {"plain no headroom", 0, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPinger(tun, tc.offset, tc.plain)
			if err := p.ping(); err != nil {
				t.Fatal(err)
			}
			var err error
			allocs := testing.AllocsPerRun(200, func() {
				if e := p.ping(); e != nil {
					err = e
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if allocs != 0 {
				t.Errorf("%.1f allocations per echo", allocs)
			}
		})
	}
}

// BenchmarkFastTUNPing is one WriteOffload and one ReadOffload (an echo
// through the namespace's stack) per op.
func BenchmarkFastTUNPing(b *testing.B) {
	ns := fastNetns(b, "b")
	tun := openFast(b, ns, "10.10.9.2/24", "10.10.9.1", 1)
	p := newPinger(tun, OffloadHeadroom, false)
	b.ReportAllocs()
	for b.Loop() {
		if err := p.ping(); err != nil {
			b.Fatal(err)
		}
	}
}
