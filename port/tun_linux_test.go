package port_test

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"natlab/port"
	"natlab/router"
)

// netnsForTest creates a namespace t-port-<pid> (t-port-<pid>-<n> for n >
// 0) removed at cleanup, or skips when that is impossible here.
func netnsForTest(t *testing.T, n int) string {
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
	name := fmt.Sprintf("t-port-%d", os.Getpid())
	if n > 0 {
		name += fmt.Sprintf("-%d", n)
	}
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	return name
}

func nsRun(ns string, args ...string) (string, error) {
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...).CombinedOutput()
	return string(out), err
}

// tunKinds are the two TUN ports: water's, one packet per system call,
// and the fast one with offloads (which skips where the kernel has none).
var tunKinds = []struct {
	name  string
	open  func(port.TUNConfig) (port.Port, error)
	batch int
}{
	{"water", port.OpenTUN, 1},
	{"fast", func(c port.TUNConfig) (port.Port, error) { return port.OpenFastTUN(c, port.FastTUNOptions{}) }, 32},
}

// TestTUNNamespacePing moves a TUN into a namespace that plays a PC and
// pings the router through it, both ways; shutdown drops the carrier and
// the PC keeps its configuration.
func TestTUNNamespacePing(t *testing.T) {
	for k, kind := range tunKinds {
		t.Run(kind.name, func(t *testing.T) {
			testTUNNamespacePing(t, 2*k, kind.open, kind.batch)
		})
	}
}

func testTUNNamespacePing(t *testing.T, n int, open func(port.TUNConfig) (port.Port, error), batch int) {
	ns := netnsForTest(t, n)
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("no ping (iputils-ping)")
	}
	dev := fmt.Sprintf("tport%d-%d", os.Getpid()%100000, n)
	p, err := open(port.TUNConfig{
		Device:      dev,
		Netns:       ns,
		HostName:    "eth0",
		HostAddr:    netip.MustParsePrefix("192.168.77.10/24"),
		HostGateway: netip.MustParseAddr("192.168.77.1"),
	})
	if errors.Is(err, port.ErrNoOffload) {
		t.Skipf("no TUN offloads here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name() != "eth0" || p.MTU() != 1500 || p.BatchSize() != batch {
		t.Errorf("name %s mtu %d batch %d", p.Name(), p.MTU(), p.BatchSize())
	}
	r := router.New(router.Options{})
	defer r.Close()
	if err := r.Bind("GigabitEthernet0/0", p); err != nil {
		t.Fatal(err)
	}
	gi := r.Interface("GigabitEthernet0/0")
	gi.SetAddress(netip.MustParsePrefix("192.168.77.1/24"))
	gi.SetShutdown(false)
	r.Loopback(0).SetAddress(netip.MustParsePrefix("10.77.0.1/32"))
	if !gi.LineUp() {
		t.Fatal("line down")
	}
	if out, err := nsRun(ns, "ip", "-o", "route", "show", "default"); err != nil || !strings.Contains(out, "via 192.168.77.1 dev eth0") {
		t.Fatalf("host default route: %v %s", err, out)
	}
	for _, dst := range []string{"192.168.77.1", "10.77.0.1"} {
		if out, err := nsRun(ns, "ping", "-c1", "-W1", dst); err != nil {
			t.Fatalf("ping %s from the namespace: %v\n%s", dst, err, out)
		}
	}
	var marks []byte
	r.Ping(netip.MustParseAddr("192.168.77.10"), router.PingOptions{Count: 2, Timeout: time.Second},
		func(seq int, mark byte, rtt time.Duration) { marks = append(marks, mark) })
	if string(marks) != "!!" {
		t.Errorf("router ping to the namespace: %q", marks)
	}
	if c := gi.Counters(); c.InPackets < 4 || c.OutPackets < 4 {
		t.Errorf("counters %+v", c)
	}

	gi.SetShutdown(true)
	if out, _ := nsRun(ns, "ip", "-o", "link", "show", "eth0"); !strings.Contains(out, "NO-CARRIER") && !strings.Contains(out, "state DOWN") {
		t.Errorf("host side still up after shutdown: %s", out)
	}
	if _, err := nsRun(ns, "ping", "-c1", "-W1", "192.168.77.1"); err == nil {
		t.Error("ping through a shut interface")
	}
	gi.SetShutdown(false)
	var out string
	for k := 0; k < 3; k++ { // the kernel may need a moment after carrier returns
		if out, err = nsRun(ns, "ping", "-c1", "-W1", "192.168.77.1"); err == nil {
			break
		}
	}
	if err != nil {
		t.Errorf("ping after no shutdown: %v\n%s", err, out)
	}

	// The PC downing its NIC takes the router's line down, and back up.
	changes := make(chan bool, 4)
	r.OnLinkChange(func(i *router.Interface, up bool) { changes <- up })
	for _, state := range []string{"down", "up"} {
		if out, err := nsRun(ns, "ip", "link", "set", "eth0", state); err != nil {
			t.Fatalf("ip link set eth0 %s: %v %s", state, err, out)
		}
		select {
		case up := <-changes:
			if up != (state == "up") || gi.LineUp() != up {
				t.Errorf("host %s: line up %v", state, up)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("host %s: no link change", state)
		}
	}
}

func TestTUNBadConfig(t *testing.T) {
	for _, kind := range tunKinds {
		for _, c := range []port.TUNConfig{
			{Device: ""},
			{Device: "way-too-long-device-name"},
			{Device: "ok", HostAddr: netip.MustParsePrefix("2001:db8::1/64")},
		} {
			if p, err := kind.open(c); err == nil {
				p.Close()
				t.Errorf("%s: open(%+v) succeeded", kind.name, c)
			}
		}
	}
}

func TestTUNMissingNamespace(t *testing.T) {
	netnsForTest(t, 1) // only for the root and /dev/net/tun checks
	for _, kind := range tunKinds {
		dev := fmt.Sprintf("tpx%d", os.Getpid()%100000)
		_, err := kind.open(port.TUNConfig{Device: dev, Netns: "t-port-does-not-exist"})
		if err == nil {
			t.Fatalf("%s: moved into a namespace that does not exist", kind.name)
		}
		if out, _ := exec.Command("ip", "link", "show", dev).CombinedOutput(); !strings.Contains(string(out), "does not exist") {
			t.Errorf("%s: device left behind: %s", kind.name, out)
		}
	}
}
