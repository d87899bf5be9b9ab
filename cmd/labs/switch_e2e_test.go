package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"natlab/labs"
)

// Switches without VLANs: hosts on two switches joined by a link, a host-to-host link, a host with
// two interfaces; capture of a switch port gives Ethernet frames; down leaves nothing.
func TestSwitchesAndHostLinks(t *testing.T) {
	e := newEnv(t)
	name := labName("s")
	file := writeTopology(t, fmt.Sprintf(`name: %s
topology:
  nodes:
    sw1: { kind: switch }
    sw2: { kind: switch, trunks: [down] }
    a: { ip: 10.10.0.1/24 }
    c: { ip: 10.10.0.2/24 }
    d:
      interfaces: { eth0: 10.9.0.1/24, eth1: 10.10.0.3/24 }
    e: { ip: 10.9.0.2/24 }
  links:
    - endpoints: ["a:eth0", "sw1:p1"]
    - endpoints: ["sw1:up", "sw2:down"]
    - endpoints: ["c:eth0", "sw2:p1"]
    - endpoints: ["d:eth0", "e:eth0"]
    - endpoints: ["d:eth1", "sw2:p9"]
`, name))
	e.up(file)
	e.cleanupLab(name)
	st := e.state(name)
	for _, p := range [][2]string{{"a", "10.10.0.2"}, {"a", "10.10.0.3"}, {"d", "10.9.0.2"}} {
		if code := e.ping(name, p[0], p[1]); code != 0 {
			t.Errorf("%s cannot ping %s: exit %d", p[0], p[1], code)
		}
	}
	out, _, code := e.labs("", "inspect", "--lab", name)
	if code != 0 || !strings.Contains(out, "down (trunk)->sw1:up") || !strings.Contains(out, "p1 (access 1)->a:eth0") || !strings.Contains(out, "eth1 10.10.0.3/24") {
		t.Errorf("labs inspect: exit %d\n%s", code, out)
	}
	pcap := e.capture([]string{name, "sw2:p1"}, func() { e.ping(name, "a", "10.10.0.2") })
	if linktype := binary.LittleEndian.Uint32(pcap[20:]); linktype != 1 {
		t.Fatalf("capture on a switch port: link type %d, want 1 (Ethernet)", linktype)
	}
	icmp := 0
	for _, f := range pcapFrames(pcap) {
		if len(f) >= 34 && binary.BigEndian.Uint16(f[12:]) == 0x0800 && f[23] == 1 {
			icmp++
		}
	}
	if icmp == 0 {
		t.Errorf("the capture of sw2:p1 has no ICMP frame (%d frames)", len(pcapFrames(pcap)))
	}
	e.downClean(name, st)
}

// Two switches joined by a trunk carry VLAN 10 between their access ports and keep VLAN 20 apart from
// it; capture of the trunk sees the 802.1Q tag.
func TestSwitchVLANsAndTrunk(t *testing.T) {
	e := newEnv(t)
	name := labName("v")
	file := writeTopology(t, fmt.Sprintf(`name: %s
topology:
  nodes:
    sw1: { kind: switch, vlans: { p1: 10, p2: 20 }, trunks: [up] }
    sw2: { kind: switch, vlans: { p1: 10 }, trunks: [down] }
    a: { ip: 10.10.0.1/24 }
    b: { ip: 10.10.0.3/24 }
    c: { ip: 10.10.0.2/24 }
  links:
    - endpoints: ["a:eth0", "sw1:p1"]
    - endpoints: ["b:eth0", "sw1:p2"]
    - endpoints: ["sw1:up", "sw2:down"]
    - endpoints: ["c:eth0", "sw2:p1"]
`, name))
	e.up(file)
	e.cleanupLab(name)
	st := e.state(name)
	if code := e.ping(name, "a", "10.10.0.2"); code != 0 {
		t.Errorf("a (sw1 VLAN 10) cannot ping c (sw2 VLAN 10) over the trunk: exit %d", code)
	}
	if code := e.ping(name, "b", "10.10.0.2"); code == 0 {
		t.Errorf("b (VLAN 20) reaches c (VLAN 10): the VLANs are not apart")
	}
	// sw1 and sw2 have VLANs: they are Go switches (labs switch), supervised like routers.
	for _, sw := range []string{"sw1", "sw2"} {
		if !slices.ContainsFunc(st.Procs, func(p labs.Proc) bool { return p.Node == sw && p.Role == "switch" }) {
			t.Errorf("no switch process recorded for %s: %+v", sw, st.Procs)
		}
	}
	out, _, _ := e.labs("", "inspect", "--lab", name)
	if !strings.Contains(out, "up (trunk)->sw2:down") || !strings.Contains(out, "p2 (access 20)->b:eth0") {
		t.Errorf("labs inspect:\n%s\nwant sw1's trunk up and p2 in VLAN 20", out)
	}
	pcap := e.capture([]string{name, "sw2:down"}, func() { e.ping(name, "a", "10.10.0.2") })
	tagged := 0
	for _, f := range pcapFrames(pcap) {
		if len(f) >= 18 && binary.BigEndian.Uint16(f[12:]) == 0x8100 && binary.BigEndian.Uint16(f[14:])&0xfff == 10 {
			tagged++
		}
	}
	if tagged == 0 {
		t.Errorf("the capture of the trunk has no frame tagged with VLAN 10 (%d frames)", len(pcapFrames(pcap)))
	}
	e.downClean(name, st)
}

func (e *env) ping(lab, from, to string) int {
	_, _, code := e.labs("", "exec", "--lab", lab, from, "--", "ping", "-c", "1", "-W", "1", to)
	return code
}

// downClean takes the lab down and checks that nothing is left: namespaces, devices in this namespace,
// processes.
func (e *env) downClean(name string, st *labs.State) {
	e.t.Helper()
	if out, errs, code := e.labs("", "down", name); code != 0 {
		e.t.Fatalf("labs down: exit %d\n%s%s", code, out, errs)
	}
	if left := leftovers(name, pids(st)); len(left) > 0 {
		e.t.Errorf("left behind after down: %v", left)
	}
}

// capture runs labs capture with args (a link end) for up to 30 frames (or 5 s: hosts send IGMP and MLD
// too) while traffic runs four times, and returns
// the pcap.
func (e *env) capture(args []string, traffic func()) []byte {
	t := e.t
	t.Helper()
	file := filepath.Join(t.TempDir(), "c.pcap")
	cmd := exec.Command(e.bin, append(append([]string{"capture"}, args...), "-c", "30", "-w", file)...)
	cmd.Env = append(os.Environ(), labs.RunDirEnv+"="+e.runDir)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(300 * time.Millisecond)
	for i := 0; i < 4; i++ {
		traffic()
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("labs capture %v: %v\n%s", args, err, errb.String())
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Signal(syscall.SIGINT)
		<-done
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 {
		t.Fatalf("capture file: %v, %d bytes; want a pcap (%s)", err, len(b), errb.String())
	}
	return b
}

// pcapFrames splits a pcap into its packets.
func pcapFrames(b []byte) [][]byte {
	var out [][]byte
	for off := 24; off+16 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off+8:]))
		out = append(out, b[off+16:min(off+16+n, len(b))])
		off += 16 + n
	}
	return out
}
