package device

import (
	"bytes"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/packet"
	"natlab/port"
)

// reloadChassis is a chassis whose Gi0/0 is an in-memory IP port and whose
// Gi0/1 an in-memory Ethernet port, booted from a startup-config in a
// temporary directory; reloads arrive on the returned channel.
func reloadChassis(t *testing.T) (*Chassis, *port.MemHost, string, <-chan *Device) {
	t.Helper()
	c := NewChassis(Options{Interfaces: 4, Clock: fixedClock})
	t.Cleanup(func() { c.Close() })
	p0, h0 := port.NewMem("mem0", 1500)
	if err := c.BindPort("GigabitEthernet0/0", p0); err != nil {
		t.Fatal(err)
	}
	p1, _ := port.NewMemFrames("mem1", 1500)
	if err := c.BindEthernet("GigabitEthernet0/1", p1); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "startup-config")
	var errs bytes.Buffer
	if err := c.Boot(path, &errs); err != nil || errs.Len() > 0 {
		t.Fatalf("boot: %v %s", err, errs.String())
	}
	next := make(chan *Device, 4)
	c.OnReload(func(d *Device) { next <- d })
	return c, h0, path, next
}

// runOn types script into a new privileged session of d.
func runOn(d *Device, script string) string {
	var out bytes.Buffer
	s := d.Engine.NewSession(&out)
	s.SetMode(ios.Exec)
	s.SetTerminalLength(0)
	s.RunScript(strings.NewReader(script))
	return out.String()
}

// echo sends an echo request to 10.0.0.1 into host and returns the reply.
func echo(t *testing.T, host *port.MemHost, seq uint16) []byte {
	t.Helper()
	b := make([]byte, 128)
	n := packet.BuildEcho(b, 8, netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.1"), 7, seq, seq, 64, 32, nil)
	if err := host.Inject(b[:n]); err != nil {
		t.Fatal(err)
	}
	return host.Recv(2 * time.Second)
}

var packetsIn = regexp.MustCompile(`(\d+) packets input`)

func inputCount(t *testing.T, d *Device) string {
	t.Helper()
	m := packetsIn.FindStringSubmatch(runOn(d, "show interfaces GigabitEthernet0/0\n"))
	if m == nil {
		t.Fatal("show interfaces has no packets input")
	}
	return m[1]
}

// TestReloadDropsUnsavedChanges: configure and save, change more, reload
// answering no: the router comes back with the saved configuration only,
// its counters at zero, and its ports still forwarding.
func TestReloadDropsUnsavedChanges(t *testing.T) {
	c, h0, path, next := reloadChassis(t)
	d1 := c.Device()
	runOn(d1, "configure terminal\nhostname SAVED\ninterface GigabitEthernet0/0\nip address 10.0.0.1 255.255.255.0\nno shutdown\nend\nwrite memory\n"+
		"configure terminal\nhostname UNSAVED\ninterface GigabitEthernet0/1\nip address 10.1.0.1 255.255.255.0\nend\n")
	for seq := uint16(1); seq <= 3; seq++ {
		if echo(t, h0, seq) == nil {
			t.Fatal("no echo reply before the reload")
		}
	}
	if got := inputCount(t, d1); got != "3" {
		t.Fatalf("packets input %s before the reload, want 3", got)
	}
	out := runOn(d1, "reload\nmaybe\nno\n\nshow version\n")
	for _, want := range []string{
		"UNSAVED#reload\n\nSystem configuration has been modified. Save? [yes/no]: maybe\n% Please answer 'yes' or 'no'.\n" +
			"System configuration has been modified. Save? [yes/no]: no\nProceed with reload? [confirm]\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "show version") {
		t.Errorf("the session went on after the reload:\n%s", out)
	}
	var d2 *Device
	select {
	case d2 = <-next:
	case <-time.After(5 * time.Second):
		t.Fatal("no reload")
	}
	if d2 == d1 || c.Device() != d2 {
		t.Fatal("the chassis runs the old device")
	}
	if !strings.Contains(strings.Join(d1.Engine.LogBuffer(), "\n"), "%SYS-5-RELOAD: Reload requested by console. Reload Reason: Reload Command.") {
		t.Errorf("no %%SYS-5-RELOAD in the log:\n%s", strings.Join(d1.Engine.LogBuffer(), "\n"))
	}
	// The interfaces come up again as the saved configuration boots (they flap).
	if log := strings.Join(d2.Engine.LogBuffer(), "\n"); !strings.Contains(log, "%LINK-3-UPDOWN: Interface GigabitEthernet0/0, changed state to up") {
		t.Errorf("the reloaded router logged no Gi0/0 up:\n%s", log)
	}
	rc := d2.Engine.RunningConfig()
	if d2.Engine.Hostname() != "SAVED" || !strings.Contains(rc, " ip address 10.0.0.1 255.255.255.0\n") || strings.Contains(rc, "10.1.0.1") {
		t.Errorf("after reload, hostname %q and running-config:\n%s", d2.Engine.Hostname(), rc)
	}
	if saved, err := os.ReadFile(path); err != nil || strings.Contains(string(saved), "UNSAVED") {
		t.Errorf("startup-config after answering no: %v\n%s", err, saved)
	}
	if got := inputCount(t, d2); got != "0" {
		t.Errorf("packets input %s after the reload, want 0", got)
	}
	// The port outlived the old router: the first echo is the one the old
	// router's reader was blocked on, handed over.
	if echo(t, h0, 9) == nil {
		t.Fatal("no echo reply after the reload")
	}
	if got := inputCount(t, d2); got != "1" {
		t.Errorf("packets input %s after one echo, want 1", got)
	}
	// Nothing changed since boot: no Save question; n cancels.
	if out := runOn(d2, "reload\nn\nshow clock\n"); strings.Contains(out, "Save?") || !strings.Contains(out, "SAVED#show clock") {
		t.Errorf("reload of an unmodified router, cancelled:\n%s", out)
	}
}

// TestReloadSaves: answering yes saves as write memory does, then reloads
// into what was saved.
func TestReloadSaves(t *testing.T) {
	c, _, path, next := reloadChassis(t)
	out := runOn(c.Device(), "configure terminal\nhostname KEPT\nend\nreload\nyes\ny\n")
	if want := "Save? [yes/no]: yes\nBuilding configuration...\n[OK]\nProceed with reload? [confirm]y\n"; !strings.Contains(out, want) {
		t.Errorf("transcript lacks %q:\n%s", want, out)
	}
	select {
	case d := <-next:
		if d.Engine.Hostname() != "KEPT" {
			t.Errorf("hostname %q after reload", d.Engine.Hostname())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no reload")
	}
	if saved, _ := os.ReadFile(path); !strings.Contains(string(saved), "hostname KEPT") {
		t.Errorf("startup-config:\n%s", saved)
	}
}

// TestReloadWithoutChassis: a Device not built by a Chassis cannot rebuild
// itself and says so.
func TestReloadWithoutChassis(t *testing.T) {
	out := runOn(testDevice(t), "reload\n\n")
	if !strings.Contains(out, "% Reload is not supported by this router") {
		t.Errorf("reload without a chassis:\n%s", out)
	}
}

// TestLeaseAllocs: a lent port adds no allocation to the packet path.
func TestLeaseAllocs(t *testing.T) {
	p, host := port.NewMem("mem", 1500)
	h := newHeldPort(p)
	defer h.stop()
	l := h.lend()
	pkt := make([]byte, 64)
	n := packet.BuildEcho(pkt, 8, netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.1"), 1, 1, 1, 64, 16, nil)
	bufs := [][]byte{make([]byte, 1500)}
	sizes := []int{0}
	through := func(q port.Port) float64 {
		return testing.AllocsPerRun(200, func() {
			host.Inject(pkt[:n])
			if k, err := q.Read(bufs[:1], sizes, 0); k != 1 || err != nil {
				t.Fatalf("read %d %v", k, err)
			}
			q.Write(bufs[:1], 0)
			host.TryRecv()
		})
	}
	// The in-memory host side allocates on its own (TryRecv's copy): the
	// lease must add nothing to the bare port's count.
	if bare, lent := through(p), through(l); lent != bare {
		t.Errorf("%v allocations per packet through a lease, %v on the bare port", lent, bare)
	}
}
