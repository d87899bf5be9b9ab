package port_test

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"net"
	"net/netip"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netns"

	"natlab/port"
)

// ipRun runs an ip(8) command and fails the test on error.
func ipRun(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// vethToPC creates a veth pair: end in ns "rtr" (up, no address) and eth0
// in ns "pc" with addr.
func vethToPC(t testing.TB, rtrNS, end, pcNS, addr string) {
	t.Helper()
	ipRun(t, "-n", rtrNS, "link", "add", end, "type", "veth", "peer", "name", "eth0", "netns", pcNS)
	ipRun(t, "-n", rtrNS, "link", "set", end, "up")
	ipRun(t, "-n", pcNS, "addr", "add", addr, "dev", "eth0")
	ipRun(t, "-n", pcNS, "link", "set", "eth0", "up")
	ipRun(t, "-n", pcNS, "link", "set", "lo", "up")
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func waitEvent(t *testing.T, ev <-chan port.Event, want port.Event) {
	t.Helper()
	for {
		select {
		case e := <-ev:
			if e == want {
				return
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("no %v event", want)
		}
	}
}

// TestPacketVethPing opens one end of a veth pair in a namespace (not the
// test's own) with OpenPacket; a PC namespace on the other end pings the
// address the test answers for. The
// test sees the ARP request, its replies make the ping succeed, the link
// state follows both sides, and Close unblocks Read.
func TestPacketVethPing(t *testing.T) {
	rtr, pc := netnsForTest(t, 3), netnsForTest(t, 4)
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("no ping (iputils-ping)")
	}
	vethToPC(t, rtr, "r0", pc, "192.168.79.10/24")

	p, err := port.OpenPacket(port.PacketConfig{Interface: "r0", Netns: rtr})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name() != "r0" || p.MTU() != 1500 || p.BatchSize() < 8 {
		t.Errorf("name %s mtu %d batch %d", p.Name(), p.MTU(), p.BatchSize())
	}
	l := p.(port.Linker)
	waitFor(t, "link up", l.LinkUp)

	mac := [6]byte{0xaa, 0xbb, 0xcc, 0, 2, 0}
	r := serve(t, p, mac, netip.MustParseAddr("192.168.79.1"))
	if out, err := nsRun(pc, "ping", "-c2", "-W2", "192.168.79.1"); err != nil {
		t.Fatalf("ping from the PC: %v\n%s", err, out)
	}
	if r.arpRequests.Load() < 1 || r.echoes.Load() < 2 {
		t.Errorf("saw %d ARP requests and %d echo requests", r.arpRequests.Load(), r.echoes.Load())
	}

	// The router's shutdown takes the PC's carrier; the PC downing its NIC
	// takes the router's line.
	if err := l.SetLinkUp(false); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, l.Events(), port.EventDown)
	if out, _ := nsRun(pc, "ip", "-o", "link", "show", "eth0"); !strings.Contains(out, "NO-CARRIER") {
		t.Errorf("PC after SetLinkUp(false): %s", out)
	}
	if err := l.SetLinkUp(true); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, l.Events(), port.EventUp)
	waitFor(t, "link up again", l.LinkUp)
	ipRun(t, "-n", pc, "link", "set", "eth0", "down")
	waitEvent(t, l.Events(), port.EventDown)
	if l.LinkUp() {
		t.Error("LinkUp with the PC's NIC down")
	}
	ipRun(t, "-n", pc, "link", "set", "eth0", "up")
	waitEvent(t, l.Events(), port.EventUp)

	time.Sleep(50 * time.Millisecond) // let Read block again
	p.Close()
	select {
	case err := <-r.done:
		if !errors.Is(err, port.ErrClosed) {
			t.Errorf("Read after Close: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not unblock Read")
	}
	if _, err := p.Write([][]byte{make([]byte, 60)}, 0); !errors.Is(err, port.ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
}

func TestPacketBadConfig(t *testing.T) {
	netnsForTest(t, 5) // for the root check
	for _, c := range []port.PacketConfig{
		{Interface: ""},
		{Interface: "way-too-long-interface-name"},
		{Interface: "does-not-exist"},
		{Interface: "lo", Netns: "t-port-no-such-namespace"},
	} {
		if p, err := port.OpenPacket(c); err == nil {
			p.Close()
			t.Errorf("OpenPacket(%+v) succeeded", c)
		} else if !strings.HasPrefix(err.Error(), "packet: ") {
			t.Errorf("OpenPacket(%+v): %v", c, err)
		}
	}
}

// inNS runs f on a thread in namespace ns; sockets f opens stay there.
func inNS(t testing.TB, ns string, f func()) {
	t.Helper()
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		target, err := netns.GetFromName(ns)
		if err == nil {
			err = netns.Set(target)
			target.Close()
		}
		if err == nil {
			f()
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// bridge copies frames from a to b, batch at a time, until a is closed.
func bridge(a, b port.Port, batch int) {
	bufs := make([][]byte, batch)
	for i := range bufs {
		bufs[i] = make([]byte, 2048)
	}
	sizes := make([]int, len(bufs))
	out := make([][]byte, len(bufs))
	for {
		n, err := a.Read(bufs, sizes, 0)
		if err != nil {
			return
		}
		for i := 0; i < n; i++ {
			out[i] = bufs[i][:sizes[i]]
		}
		if _, err := b.Write(out[:n], 0); err != nil {
			return
		}
	}
}

// TestPacketOffloadsTCP bridges two PCs through two AF_PACKET ports and
// moves 8 MB over TCP between them. The sender's stack hands its veth
// segmentation offload super-frames with partial checksums; the receiver's
// veth gets what Write sent, plain frames its stack checks in full. The
// transfer arriving intact proves the split and the checksums.
func TestPacketOffloadsTCP(t *testing.T) {
	rtr, pcA, pcB := netnsForTest(t, 6), netnsForTest(t, 7), netnsForTest(t, 8)
	vethToPC(t, rtr, "a0", pcA, "192.168.81.10/24")
	vethToPC(t, rtr, "b0", pcB, "192.168.81.20/24")
	a, err := port.OpenPacket(port.PacketConfig{Interface: "a0", Netns: rtr})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := port.OpenPacket(port.PacketConfig{Interface: "b0", Netns: rtr})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Four buffers a Read: a super-frame's segments take several Reads.
	go bridge(a, b, 4)
	go bridge(b, a, b.BatchSize())

	var ln net.Listener
	inNS(t, pcB, func() { ln, err = net.Listen("tcp4", "192.168.81.20:0") })
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sums := make(chan [32]byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			sums <- [32]byte{}
			return
		}
		defer c.Close()
		h := sha256.New()
		io.Copy(h, c)
		sums <- [32]byte(h.Sum(nil))
	}()
	data := make([]byte, 8<<20)
	rand.Read(data)
	var c net.Conn
	inNS(t, pcA, func() {
		c, err = (&net.Dialer{Timeout: 5 * time.Second}).Dial("tcp4", ln.Addr().String())
	})
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	start := time.Now()
	if _, err := c.Write(data); err != nil {
		t.Fatal(err)
	}
	c.Close()
	select {
	case got := <-sums:
		if got != sha256.Sum256(data) {
			t.Fatal("transfer corrupted")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("transfer did not finish")
	}
	el := time.Since(start)
	sa := a.(*port.Packet).Stats()
	t.Logf("8 MB in %v (%.0f Mbit/s); sender side: %+v", el, 8*8*1.048576/el.Seconds(), sa)
	if sa.Offloads == 0 || sa.Segments <= sa.Offloads || sa.ChecksumsCompleted == 0 {
		t.Errorf("no offloads met: %+v (veth TSO off?)", sa)
	}
	if sa.Dropped != 0 {
		t.Errorf("dropped %d frames", sa.Dropped)
	}
}

// TestPacketVLANTags sends tagged frames both ways between two AF_PACKET
// ports on a veth pair. The receiving kernel strips the tag into the
// packet's metadata; Read must hand out the frame as it was on the wire.
func TestPacketVLANTags(t *testing.T) {
	ns := netnsForTest(t, 9)
	ipRun(t, "-n", ns, "link", "add", "x0", "type", "veth", "peer", "name", "x1")
	ipRun(t, "-n", ns, "link", "set", "x0", "up")
	ipRun(t, "-n", ns, "link", "set", "x1", "up")
	x0, err := port.OpenPacket(port.PacketConfig{Interface: "x0", Netns: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer x0.Close()
	x1, err := port.OpenPacket(port.PacketConfig{Interface: "x1", Netns: ns})
	if err != nil {
		t.Fatal(err)
	}
	defer x1.Close()
	frames := func(p port.Port) <-chan []byte {
		ch := make(chan []byte, 64)
		go func() {
			bufs, sizes := [][]byte{make([]byte, 2048)}, []int{0}
			for {
				if _, err := p.Read(bufs, sizes, 0); err != nil {
					close(ch)
					return
				}
				ch <- append([]byte(nil), bufs[0][:sizes[0]]...)
			}
		}()
		return ch
	}
	in0, in1 := frames(x0), frames(x1)
	for i, tt := range []struct {
		from port.Port
		to   <-chan []byte
		tpid uint16
		tci  uint16
	}{
		{x0, in1, 0x8100, 10},
		{x1, in0, 0x8100, 0x2000 | 4094}, // priority 1
		{x0, in1, 0x88a8, 20},            // 802.1ad outer tag
	} {
		f := make([]byte, 100)
		copy(f, []byte{0x02, 0, 0, 0, 0, 0x22, 0x02, 0, 0, 0, 0, 0x11})
		f[12], f[13] = byte(tt.tpid>>8), byte(tt.tpid)
		f[14], f[15] = byte(tt.tci>>8), byte(tt.tci)
		f[16], f[17] = 0x88, 0xb5 // local experimental EtherType
		for j := 18; j < len(f); j++ {
			f[j] = byte(i + j)
		}
		if _, err := tt.from.Write([][]byte{f}, 0); err != nil {
			t.Fatal(err)
		}
		timeout := time.After(2 * time.Second)
	wait:
		for {
			select {
			case g := <-tt.to:
				if len(g) >= 18 && g[17] == 0xb5 || len(g) >= 14 && g[13] == 0xb5 {
					if string(g) != string(f) {
						t.Errorf("frame %d: sent %x\nread %x", i, f, g)
					}
					break wait
				}
			case <-timeout:
				t.Fatalf("frame %d did not arrive", i)
			}
		}
	}
	if s := x1.(*port.Packet).Stats(); s.VLANRestored == 0 {
		t.Errorf("no tags came back from auxdata: %+v", s)
	}
}
