package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// requireEthernetRouter skips a test when the router binary cannot open Ethernet ports yet (its --port
// help names no tap:).
func requireEthernetRouter(t *testing.T, router string) {
	t.Helper()
	out, _ := exec.Command(router, "--help").CombinedOutput()
	if !strings.Contains(string(out), "tap:") || !strings.Contains(string(out), "-mac") {
		t.Skip("the router has no tap:/eth: ports or --mac yet")
	}
}

// Three hosts on one switch behind R1 reach a server behind R1's other interface (a TUN), and R1
// learned them by ARP; capture of R1's Gi0/0 (the TAP, at the switch port) gives Ethernet frames.
func TestSwitchBehindRouter(t *testing.T) {
	e := newEnv(t)
	requireEthernetRouter(t, e.router)
	name := labName("w")
	file := writeTopology(t, fmt.Sprintf(`name: %s
topology:
  nodes:
    r1:
      kind: router
      config: |
        hostname R1
        interface GigabitEthernet0/0
         ip address 10.1.0.1 255.255.255.0
         ip nat inside
         no shutdown
        interface GigabitEthernet0/1
         ip address 10.2.0.1 255.255.255.0
         ip nat outside
         no shutdown
        access-list 1 permit 10.1.0.0 0.0.0.255
        ip nat inside source list 1 interface GigabitEthernet0/1 overload
    sw1: { kind: switch }
    h1: { ip: 10.1.0.11/24, gw: 10.1.0.1 }
    h2: { ip: 10.1.0.12/24, gw: 10.1.0.1 }
    h3: { ip: 10.1.0.13/24, gw: 10.1.0.1 }
    srv: { ip: 10.2.0.10/24, gw: 10.2.0.1 }
  links:
    - endpoints: ["r1:Gi0/0", "sw1:p1"]
    - endpoints: ["h1:eth0", "sw1:p2"]
    - endpoints: ["h2:eth0", "sw1:p3"]
    - endpoints: ["h3:eth0", "sw1:p4"]
    - endpoints: ["r1:Gi0/1", "srv:eth0"]
`, name))
	e.up(file)
	e.cleanupLab(name)
	st := e.state(name)
	for _, h := range []string{"h1", "h2", "h3"} {
		if code := e.ping(name, h, "10.2.0.10"); code != 0 {
			t.Errorf("%s cannot reach srv behind R1: exit %d", h, code)
		}
	}
	out, _, _ := e.labs("", "cli", "--lab", name, "r1", "show ip arp")
	for _, a := range []string{"10.1.0.11", "10.1.0.12", "10.1.0.13"} {
		if !strings.Contains(out, a) {
			t.Errorf("R1's show ip arp has no %s:\n%s", a, out)
		}
	}
	// The three PCs share R1's outside address through PAT, each with its own port.
	out, _, _ = e.labs("", "cli", "--lab", name, "r1", "show ip nat translations")
	globals := map[string]bool{}
	for _, a := range []string{"10.1.0.11", "10.1.0.12", "10.1.0.13"} {
		m := regexp.MustCompile(`icmp (10\.2\.0\.1:\d+) +` + regexp.QuoteMeta(a) + `:\d+`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("no PAT translation for %s:\n%s", a, out)
			continue
		}
		globals[m[1]] = true
	}
	if len(globals) != 3 {
		t.Errorf("the three PCs do not have three distinct global ports: %v\n%s", globals, out)
	}
	pcap := e.capture([]string{"r1", "Gi0/0"}, func() { e.ping(name, "h1", "10.2.0.10") })
	if lt := binary.LittleEndian.Uint32(pcap[20:]); lt != 1 {
		t.Errorf("capture of R1 Gi0/0: link type %d, want 1 (Ethernet)", lt)
	}
	e.downClean(name, st)
}

// Two routers joined by a link route between their LANs: r2's host pings r1's, and traceroute shows
// both routers.
func TestRouterToRouter(t *testing.T) {
	e := newEnv(t)
	requireEthernetRouter(t, e.router)
	name := labName("r")
	file := writeTopology(t, fmt.Sprintf(`name: %s
topology:
  nodes:
    r1:
      kind: router
      config: |
        hostname R1
        interface GigabitEthernet0/0
         ip address 10.1.0.1 255.255.255.0
         no shutdown
        interface GigabitEthernet0/1
         ip address 10.12.0.1 255.255.255.252
         no shutdown
        ip route 10.2.0.0 255.255.255.0 10.12.0.2
    r2:
      kind: router
      config: |
        hostname R2
        interface GigabitEthernet0/0
         ip address 10.2.0.1 255.255.255.0
         no shutdown
        interface GigabitEthernet0/1
         ip address 10.12.0.2 255.255.255.252
         no shutdown
        ip route 10.1.0.0 255.255.255.0 10.12.0.1
    h1: { ip: 10.1.0.10/24, gw: 10.1.0.1 }
    h2: { ip: 10.2.0.10/24, gw: 10.2.0.1 }
  links:
    - endpoints: ["r1:Gi0/0", "h1:eth0"]
    - endpoints: ["r1:Gi0/1", "r2:Gi0/1"]
    - endpoints: ["r2:Gi0/0", "h2:eth0"]
`, name))
	e.up(file)
	e.cleanupLab(name)
	st := e.state(name)
	if code := e.ping(name, "h2", "10.1.0.10"); code != 0 {
		t.Errorf("h2 (behind R2) cannot ping h1 (behind R1): exit %d", code)
	}
	out, _, code := e.labs("", "exec", "--lab", name, "h2", "--", "traceroute", "-n", "-w", "1", "-q", "1", "-m", "5", "10.1.0.10")
	if code != 0 || !regexpMatch(`(?m)^ 1 +10\.2\.0\.1 `, out) || !regexpMatch(`(?m)^ 2 +10\.12\.0\.1 `, out) || !regexpMatch(`(?m)^ 3 +10\.1\.0\.10 `, out) {
		t.Errorf("traceroute from h2 to h1: exit %d\n%s\nwant R2 (10.2.0.1), R1 (10.12.0.1), h1", code, out)
	}
	pcap := e.capture([]string{"r1", "Gi0/1"}, func() { e.ping(name, "h2", "10.1.0.10") })
	if lt := binary.LittleEndian.Uint32(pcap[20:]); lt != 1 {
		t.Errorf("capture of R1 Gi0/1: link type %d, want 1 (Ethernet)", lt)
	}
	e.downClean(name, st)
}

// A host in VLAN 10 and one in VLAN 20 of one switch, whose trunk goes to R1 with a subinterface per
// VLAN, ping each other through R1.
func TestVLANsThroughRouterOnAStick(t *testing.T) {
	e := newEnv(t)
	requireEthernetRouter(t, e.router)
	name := labName("o")
	file := writeTopology(t, fmt.Sprintf(`name: %s
topology:
  nodes:
    r1:
      kind: router
      config: |
        hostname R1
        interface GigabitEthernet0/0
         no shutdown
        interface GigabitEthernet0/0.10
         encapsulation dot1Q 10
         ip address 192.168.10.1 255.255.255.0
        interface GigabitEthernet0/0.20
         encapsulation dot1Q 20
         ip address 192.168.20.1 255.255.255.0
    sw1: { kind: switch, vlans: { p2: 10, p3: 20 }, trunks: [p1] }
    pc10: { ip: 192.168.10.20/24, gw: 192.168.10.1 }
    pc20: { ip: 192.168.20.20/24, gw: 192.168.20.1 }
  links:
    - endpoints: ["r1:Gi0/0", "sw1:p1"]
    - endpoints: ["pc10:eth0", "sw1:p2"]
    - endpoints: ["pc20:eth0", "sw1:p3"]
`, name))
	e.up(file, "--restart")
	e.cleanupLab(name)
	st := e.state(name)
	if code := e.ping(name, "pc10", "192.168.20.20"); code != 0 {
		t.Errorf("pc10 (VLAN 10) cannot ping pc20 (VLAN 20) through R1: exit %d", code)
	}
	// R1 restarted comes back with a new TAP in the switch, which the Go switch opens by itself.
	if err := syscall.Kill(e.routerPID(name), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	e.waitFor(name, `r1 +router +running(.|\n)*restarted 1 time`, 15*time.Second)
	reached := false
	for deadline := time.Now().Add(10 * time.Second); !reached && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		reached = e.ping(name, "pc10", "192.168.20.20") == 0
	}
	if !reached {
		out, _ := os.ReadFile(filepath.Join(e.runDir, name, "sw1.log"))
		t.Errorf("pc10 cannot ping pc20 after R1 restarted; the switch's log:\n%s", out)
	}
	e.downClean(name, st)
}
