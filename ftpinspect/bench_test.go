package ftpinspect

import (
	"net/netip"
	"runtime"
	"testing"

	"natlab/packet"
)

// segTemplate is a prebuilt control segment whose sequence number a
// benchmark moves forward in place (incremental checksum).
type segTemplate struct {
	pkt []byte
	buf []byte
}

func newTemplate(src, dst netip.AddrPort, seq, ack uint32, flags uint8, payload string) *segTemplate {
	b, n := buildSeg(src, dst, seq, ack, flags, []byte(payload), nil)
	return &segTemplate{pkt: b[:n], buf: make([]byte, 2048)}
}

// at copies the template into the work buffer with seq and ack set.
func (t *segTemplate) at(seq, ack uint32) ([]byte, int) {
	n := copy(t.buf, t.pkt)
	tcp := packet.TCP(t.buf[packet.IPv4MinimumSize:n])
	tcp.SetSeq(seq)
	tcp.SetAck(ack)
	return t.buf, n
}

// openedInspector is an inspector with cfg and one control connection,
// cliC to srvR, after its handshake.
func openedInspector(tb testing.TB, cfg Config) *Inspector {
	in := New(cfg)
	h := &harness{t: tb, in: in, cli: cliC, srv: srvR, isn: [2]uint32{999, 4999}, rx: [2]*reasm{{base: 1000}, {base: 5000}}}
	h.open()
	return in
}

// lineStep returns a step that sends line on the control connection and
// the server's ACK of it, so the edit list is pruned and the connection's
// pinhole cap recycles the oldest pinhole: the steady state of a busy
// control connection.
func lineStep(in *Inspector, line string) func() {
	tpl := newTemplate(cliC, srvR, 1000, 5000, packet.TCPAck, line)
	ack := newTemplate(srvR, cliC, 5000, 1000, packet.TCPAck, "")
	seq, out := uint32(1000), uint32(1000)
	return func() {
		b, n := tpl.at(seq, 5000)
		r := in.ProcessIPv4(b, n)
		seq += uint32(len(line))
		out += uint32(r.Len - n + len(line))
		b, n = ack.at(5000, out)
		in.ProcessIPv4(b, n)
	}
}

func BenchmarkRewritePORT(b *testing.B) {
	b.ReportAllocs()
	in := openedInspector(b, Config{NAT: newFakeNAT()})
	step := lineStep(in, "PORT 10,0,0,10,195,80\r\n")
	for i := 0; i < b.N; i++ {
		step()
	}
	if s := in.Stats(); s.Rewrites != uint64(b.N) {
		b.Fatalf("rewrites %d of %d", s.Rewrites, b.N)
	}
}

// TestRewriteAllocs: the steady-state paths allocate nothing per line: a
// plain line and its ACK, and the rewrite path (PORT, NAT mapping, pinhole
// recycled at the per-connection cap, the server's ACK).
func TestRewriteAllocs(t *testing.T) {
	plain := lineStep(openedInspector(t, Config{NAT: newFakeNAT()}), "NOOP\r\n")
	if allocs := testing.AllocsPerRun(200, plain); allocs != 0 {
		t.Errorf("%v allocations per plain control line", allocs)
	}
	in := openedInspector(t, Config{NAT: newFakeNAT()})
	rewrite := lineStep(in, "PORT 10,0,0,10,195,80\r\n")
	for i := 0; i < 10; i++ {
		rewrite()
	}
	if allocs := testing.AllocsPerRun(200, rewrite); allocs != 0 {
		t.Errorf("%v allocations per rewritten line", allocs)
	}
	if s := in.Stats(); s.Rewrites != 211 {
		t.Errorf("rewrites %d", s.Rewrites)
	}
}

func BenchmarkPlainLine(b *testing.B) {
	b.ReportAllocs()
	in := openedInspector(b, Config{})
	noop := newTemplate(cliC, srvR, 1000, 5000, packet.TCPAck, "NOOP\r\n")
	seq := uint32(1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, n := noop.at(seq, 5000)
		in.ProcessIPv4(buf, n)
		seq += 6
	}
}

// BenchmarkNonFTP is the cost for every other TCP packet while no pinhole
// is open (the lock-free fast path).
func BenchmarkNonFTP(b *testing.B) {
	b.ReportAllocs()
	in := New(Config{})
	t := newTemplate(netip.MustParseAddrPort("10.0.0.10:40000"), netip.MustParseAddrPort("198.51.100.50:443"), 1, 1, packet.TCPAck, "x")
	for i := 0; i < b.N; i++ {
		buf, n := t.at(uint32(i), 1)
		in.ProcessIPv4(buf, n)
	}
}

// BenchmarkPinholeMemory reports the heap held by 1,000 control
// connections, each with one PORT rewritten and its pinhole pending.
func BenchmarkPinholeMemory(b *testing.B) {
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		in := New(Config{NAT: newFakeNAT()})
		for c := 0; c < 1000; c++ {
			cli := netip.AddrPortFrom(addrC, uint16(20000+c))
			h := &harness{t: b, in: in, cli: cli, srv: srvR, isn: [2]uint32{999, 4999}, rx: [2]*reasm{{base: 1000}, {base: 5000}}}
			h.open()
			tpl := newTemplate(cli, srvR, 1000, 5000, packet.TCPAck, "PORT 10,0,0,10,"+itoa(100+c/256)+","+itoa(c%256)+"\r\n")
			buf, n := tpl.at(1000, 5000)
			in.ProcessIPv4(buf, n)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if s := in.Stats(); s.Conns != 1000 || s.Pinholes != 1000 {
			b.Fatalf("stats %+v", s)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1000, "B/conn")
		runtime.KeepAlive(in)
	}
}

func itoa(v int) string { return string(AppendNumbers(nil, Kind229, netip.Addr{}, uint16(v), 0)) }
