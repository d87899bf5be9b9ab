package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dhcpLab: R1 leases its outside address from the ISP router (ip address dhcp) and serves R2's LAN
// through R2's relay (ip helper-address); PC1 behind R2 runs dhclient. R1's first pool is a decoy,
// so only the relay's giaddr picks R2LAN.
const dhcpLab = `name: %s
topology:
  nodes:
    isp:
      kind: router
      config: |
        hostname ISP
        ip dhcp excluded-address 203.0.113.1
        ip dhcp pool CUSTOMER
         network 203.0.113.0 255.255.255.252
         default-router 203.0.113.1
         lease 0 0 1
        interface Loopback0
         ip address 198.51.100.53 255.255.255.255
        interface GigabitEthernet0/0
         ip address 203.0.113.1 255.255.255.252
         no shutdown
    r1:
      kind: router
      config: |
        hostname R1
        ip dhcp excluded-address 10.2.0.1 10.2.0.9
        ip dhcp pool DECOY
         network 10.3.0.0 255.255.255.0
         default-router 10.3.0.1
        ip dhcp pool R2LAN
         network 10.2.0.0 255.255.255.0
         default-router 10.2.0.1
         lease 0 0 1
        interface GigabitEthernet0/1
         ip address dhcp
         no shutdown
        interface GigabitEthernet0/2
         ip address 10.12.0.1 255.255.255.252
         no shutdown
        ip route 10.2.0.0 255.255.255.0 10.12.0.2
    r2:
      kind: router
      config: |
        hostname R2
        interface GigabitEthernet0/0
         ip address 10.2.0.1 255.255.255.0
         ip helper-address 10.12.0.1
         no shutdown
        interface GigabitEthernet0/1
         ip address 10.12.0.2 255.255.255.252
         no shutdown
        ip route 0.0.0.0 0.0.0.0 10.12.0.1
    sw1: { kind: switch }
    pc1: { ip: dhcp }
  links:
    - endpoints: ["r1:Gi0/1", "isp:Gi0/0"]
    - endpoints: ["r1:Gi0/2", "r2:Gi0/1"]
    - endpoints: ["r2:Gi0/0", "sw1:p1"]
    - endpoints: ["pc1:eth0", "sw1:p2"]
`

// cliUntil runs a show command on node until its output matches re, and returns the last output.
func (e *env) cliUntil(lab, node, cmd, re string, d time.Duration) (string, bool) {
	e.t.Helper()
	var out string
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if out, _, _ = e.labs("", "cli", "--lab", lab, node, cmd); regexpMatch(re, out) {
			return out, true
		}
	}
	return out, false
}

// execUntil runs a command in a host until it exits 0, and returns its last output.
func (e *env) execUntil(lab, node string, d time.Duration, argv ...string) (string, bool) {
	e.t.Helper()
	var out string
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		var code int
		if out, _, code = e.labs("", append([]string{"exec", "--lab", lab, node, "--"}, argv...)...); code == 0 {
			return out, true
		}
	}
	return out, false
}

// R1's Gi0/1 leases 203.0.113.2 from the ISP router with a default route at distance 254 that carries
// its pings; PC1's dhclient leases an address of R2LAN from R1 through R2's helper address; `no ip
// address` releases R1's lease and takes the address and route away.
func TestDHCPClientAndRelay(t *testing.T) {
	e := newEnv(t)
	requireEthernetRouter(t, e.router)
	name := labName("d")
	e.up(writeTopology(t, fmt.Sprintf(dhcpLab, name)))
	e.cleanupLab(name)
	st := e.state(name)

	// The client.
	brief, ok := e.cliUntil(name, "r1", "show ip interface brief",
		`GigabitEthernet0/1 +203\.0\.113\.2 +YES DHCP +up +up`, 30*time.Second)
	if !ok {
		t.Fatalf("R1's Gi0/1 never leased 203.0.113.2:\n%s\nR1's log:\n%s", brief, e.routerLog(name, "r1"))
	}
	if out, _, _ := e.labs("", "cli", "--lab", name, "r1", "show ip route"); !strings.Contains(out, "S*    0.0.0.0/0 [254/0] via 203.0.113.1") {
		t.Errorf("R1 has no default route from the lease:\n%s", out)
	}
	if out, _, _ := e.labs("", "cli", "--lab", name, "r1", "show running-config"); !strings.Contains(out, " ip address dhcp\n") ||
		strings.Contains(out, "ip route 0.0.0.0") {
		t.Errorf("R1's running-config should say ip address dhcp and list no default route:\n%s", out)
	}
	if log, _, _ := e.labs("", "cli", "--lab", name, "r1", "show logging"); !strings.Contains(log,
		"%DHCP-6-ADDRESS_ASSIGN: Interface GigabitEthernet0/1 assigned DHCP address 203.0.113.2, mask 255.255.255.252, hostname R1") {
		t.Errorf("R1 did not log the assignment:\n%s", log)
	}
	if out, _, _ := e.labs("", "cli", "--lab", name, "r1", "ping 198.51.100.53 repeat 2 timeout 1"); !strings.Contains(out, "Success rate is 100 percent") {
		t.Errorf("R1 cannot ping past the ISP through the lease's default route:\n%s", out)
	}
	if out, _, _ := e.labs("", "cli", "--lab", name, "isp", "show ip dhcp binding"); !regexpMatch(`(?m)^203\.0\.113\.2 `, out) {
		t.Errorf("the ISP lists no binding for R1:\n%s", out)
	}

	// The relay.
	addr, ok := e.execUntil(name, "pc1", 40*time.Second, "sh", "-c",
		`ip -4 addr show dev eth0 | grep -E 'inet 10\.2\.0\.([1-9][0-9]|[1-9][0-9][0-9])/24'`)
	if !ok {
		out, _, _ := e.labs("", "cli", "--lab", name, "r2", "show ip dhcp server statistics")
		t.Fatalf("PC1 leased no address of R2LAN through the relay: %s\nR2:\n%s", addr, out)
	}
	m := regexp.MustCompile(`inet (10\.2\.0\.\d+)/24`).FindStringSubmatch(addr)
	if out, _, _ := e.labs("", "cli", "--lab", name, "r1", "show ip dhcp binding"); m == nil || !strings.Contains(out, m[1]+" ") {
		t.Errorf("R1's bindings lack PC1's %v:\n%s", m, out)
	}
	if out, ok := e.execUntil(name, "pc1", 5*time.Second, "sh", "-c", "ip route show default | grep 'via 10.2.0.1'"); !ok {
		t.Errorf("PC1 has no default route via 10.2.0.1: %s", out)
	}
	if code := e.ping(name, "pc1", "10.12.0.1"); code != 0 {
		t.Errorf("PC1 cannot ping R1 with its leased address: exit %d", code)
	}

	// Renewal: both pools lease for a minute, so both clients renew at T1 (30 s): each server receives
	// another DHCPREQUEST, and the clients keep their addresses.
	requests := func(node string) int {
		out, _, _ := e.labs("", "cli", "--lab", name, node, "show ip dhcp server statistics")
		m := regexp.MustCompile(`(?m)^DHCPREQUEST\s+(\d+)`).FindStringSubmatch(out)
		if m == nil {
			return -1
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	ispBefore, r1Before := requests("isp"), requests("r1")
	renewed := func() bool { return requests("isp") > ispBefore && requests("r1") > r1Before }
	deadline := time.Now().Add(50 * time.Second)
	for !renewed() && time.Now().Before(deadline) {
		time.Sleep(time.Second)
	}
	if !renewed() {
		t.Errorf("the one-minute leases were not renewed within 50 s: DHCPREQUEST at the ISP %d (was %d), at R1 %d (was %d)",
			requests("isp"), ispBefore, requests("r1"), r1Before)
	}
	if code := e.ping(name, "pc1", "10.12.0.1"); code != 0 {
		t.Errorf("PC1 lost its address across the renewal: exit %d", code)
	}
	if brief, _, _ := e.labs("", "cli", "--lab", name, "r1", "show ip interface brief"); !regexpMatch(`GigabitEthernet0/1\s+203\.0\.113\.2\s+YES DHCP`, brief) {
		t.Errorf("R1 lost its address across the renewal:\n%s", brief)
	}

	// The release.
	if out, _, code := e.labs("configure terminal\ninterface GigabitEthernet0/1\nno ip address\nend\n", "cli", "--lab", name, "r1"); code != 0 {
		t.Fatalf("no ip address on R1: exit %d\n%s", code, out)
	}
	if out, _, _ := e.labs("", "cli", "--lab", name, "r1", "show ip route"); strings.Contains(out, "0.0.0.0/0") ||
		strings.Contains(out, "203.0.113.") {
		t.Errorf("after no ip address R1 keeps the lease's routes:\n%s", out)
	}
	released := false
	var out string
	for deadline := time.Now().Add(5 * time.Second); !released && time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		out, _, _ = e.labs("", "cli", "--lab", name, "isp", "show ip dhcp binding")
		released = !regexpMatch(`(?m)^203\.0\.113\.2 `, out)
	}
	if !released {
		t.Errorf("R1's release did not reach the ISP:\n%s", out)
	}
	e.downClean(name, st)
}
