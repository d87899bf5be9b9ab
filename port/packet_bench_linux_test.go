package port_test

import (
	"os"
	"os/exec"
	"strconv"
	"testing"

	"natlab/port"
)

// vethPorts opens both ends of a veth pair in a fresh namespace.
func vethPorts(tb testing.TB, n int) (port.Port, port.Port) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		tb.Skip("no ip command (iproute2)")
	}
	var ns string
	switch t := tb.(type) {
	case *testing.T:
		ns = netnsForTest(t, n)
	case *testing.B:
		ns = "t-port-bench-" + strconv.Itoa(os.Getpid())
		ipRun(tb, "netns", "add", ns)
		t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	}
	ipRun(tb, "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	ipRun(tb, "-n", ns, "link", "set", "v0", "up")
	ipRun(tb, "-n", ns, "link", "set", "v1", "up")
	var ps [2]port.Port
	for i, name := range []string{"v0", "v1"} {
		p, err := port.OpenPacket(port.PacketConfig{Interface: name, Netns: ns})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { p.Close() })
		ps[i] = p
	}
	return ps[0], ps[1]
}

// pingPong writes batch frames on a and reads them all on b.
type pingPong struct {
	a, b  port.Port
	out   [][]byte
	in    [][]byte
	sizes []int
}

func newPingPong(a, b port.Port, batch, size int) *pingPong {
	pp := &pingPong{a: a, b: b, out: make([][]byte, batch), in: make([][]byte, b.BatchSize()), sizes: make([]int, b.BatchSize())}
	for i := range pp.out {
		f := make([]byte, size)
		copy(f, []byte{0x02, 0, 0, 0, 0, 0x22, 0x02, 0, 0, 0, 0, 0x11, 0x88, 0xb5})
		pp.out[i] = f
	}
	for i := range pp.in {
		pp.in[i] = make([]byte, 2048)
	}
	return pp
}

func (pp *pingPong) round(tb testing.TB) {
	if _, err := pp.a.Write(pp.out, 0); err != nil {
		tb.Fatal(err)
	}
	for got := 0; got < len(pp.out); {
		n, err := pp.b.Read(pp.in, pp.sizes, 0)
		if err != nil {
			tb.Fatal(err)
		}
		for i := 0; i < n; i++ {
			if pp.in[i][13] == 0xb5 { // not the kernel's own IPv6 chatter
				got++
			}
		}
	}
}

// TestPacketNoAllocs: moving frames through Write and Read allocates
// nothing.
func TestPacketNoAllocs(t *testing.T) {
	a, b := vethPorts(t, 10)
	pp := newPingPong(a, b, 32, 1514)
	pp.round(t)
	if n := testing.AllocsPerRun(200, func() { pp.round(t) }); n != 0 {
		t.Errorf("%.1f allocations per 32 frames", n)
	}
}

// BenchmarkPacketVeth: 1514-byte frames, 32 per Write, across a veth pair
// between two AF_PACKET ports; one op is one frame.
func BenchmarkPacketVeth(b *testing.B) {
	x, y := vethPorts(b, 0)
	const batch = 32
	pp := newPingPong(x, y, batch, 1514)
	pp.round(b)
	b.SetBytes(1514)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		pp.round(b)
	}
}
