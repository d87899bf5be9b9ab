package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

// TestForwardingBetweenNamespaces is the foundation end-to-end test: two namespaces play PCs on two router
// interfaces backed by TUN devices; the router is configured through its CLI on standard input, as a
// student types it; real ping and traceroute cross it.
func TestForwardingBetweenNamespaces(t *testing.T) {
	netnstest.RequireRoot(t, "ping", "traceroute")
	a := netnstest.Namespace(t, "t-fwd-a")
	b := netnstest.Namespace(t, "t-fwd-b")
	r := netnstest.StartRouter(t,
		"--port", "g0/0=tun:tfa"+pidSuffix()+",netns="+a+",name=eth0,addr=10.1.0.10/24,gw=10.1.0.1",
		"--port", "g0/1=tun:tfb"+pidSuffix()+",netns="+b+",name=eth0,addr=10.2.0.10/24,gw=10.2.0.1")
	r.MustRun(10*time.Second,
		"enable", "conf t", "hostname R1",
		"int g0/0", "ip add 10.1.0.1 255.255.255.0", "no shut",
		"int gi 0/1", "ip address 10.2.0.1 255.255.255.0", "no sh",
		"end")
	brief := r.Run(5*time.Second, "sh ip int br")
	for _, want := range []string{
		"GigabitEthernet0/0         10.1.0.1        YES manual up                    up",
		"GigabitEthernet0/1         10.2.0.1        YES manual up                    up",
		"GigabitEthernet0/2         unassigned      YES unset  administratively down down",
	} {
		if !strings.Contains(brief, want) {
			t.Errorf("show ip interface brief lacks %q:\n%s", want, brief)
		}
	}
	before := inputPackets(t, r, "g0/0")

	t.Run("ping across", func(t *testing.T) {
		netnstest.Exec(t, a, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.2.0.10")
		netnstest.Exec(t, b, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.1.0.10")
	})
	t.Run("ping the router", func(t *testing.T) {
		netnstest.Exec(t, a, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.1.0.1")
		netnstest.Exec(t, a, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.2.0.1")
	})
	t.Run("traceroute shows the router first", func(t *testing.T) {
		out := netnstest.Exec(t, a, "traceroute", "-n", "-q", "1", "-w", "2", "-m", "5", "10.2.0.10")
		hops := regexp.MustCompile(`(?m)^\s*(\d+)\s+(\S+)`).FindAllStringSubmatch(out, -1)
		if len(hops) < 2 || hops[0][2] != "10.1.0.1" || hops[1][2] != "10.2.0.10" {
			t.Errorf("traceroute hops = %v, want 10.1.0.1 then 10.2.0.10:\n%s", hops, out)
		}
	})
	t.Run("TTL 1 gets time exceeded", func(t *testing.T) {
		out, err := netnstest.Try(a, "ping", "-c", "1", "-t", "1", "-W", "2", "10.2.0.10")
		if err == nil || !strings.Contains(out, "From 10.1.0.1") || !strings.Contains(out, "Time to live exceeded") {
			t.Errorf("ping -t 1: err=%v\n%s", err, out)
		}
	})
	t.Run("unrouted destination gets unreachable", func(t *testing.T) {
		out, err := netnstest.Try(a, "ping", "-c", "1", "-W", "2", "10.99.0.1")
		if err == nil || !strings.Contains(out, "From 10.1.0.1") || !strings.Contains(out, "Unreachable") {
			t.Errorf("ping unrouted: err=%v\n%s", err, out)
		}
	})
	t.Run("router ping and traceroute", func(t *testing.T) {
		out := r.Run(20*time.Second, "ping 10.2.0.10")
		if !strings.Contains(out, "!!!!!") || !strings.Contains(out, "Success rate is 100 percent (5/5)") {
			t.Errorf("router ping:\n%s", out)
		}
		out = r.Run(30*time.Second, "traceroute 10.2.0.10")
		if !regexp.MustCompile(`(?m)^  1 10\.2\.0\.10 \d+ msec`).MatchString(out) {
			t.Errorf("router traceroute:\n%s", out)
		}
	})
	t.Run("counters move", func(t *testing.T) {
		if after := inputPackets(t, r, "g0/0"); after < before+10 {
			t.Errorf("GigabitEthernet0/0 packets input went from %d to %d, want at least 10 more", before, after)
		}
	})
	t.Run("shutdown stops forwarding", func(t *testing.T) {
		out := r.Run(5*time.Second, "conf t", "int g0/1", "shutdown", "end")
		if !strings.Contains(out, "%LINK-5-CHANGED: Interface GigabitEthernet0/1, changed state to administratively down") {
			t.Errorf("shutdown did not log %%LINK-5-CHANGED:\n%s", out)
		}
		if out, err := netnstest.Try(a, "ping", "-c", "1", "-W", "1", "10.2.0.10"); err == nil {
			t.Errorf("ping through a shut interface succeeded:\n%s", out)
		}
	})
}

var packetsInput = regexp.MustCompile(`(\d+) packets input`)

func inputPackets(t *testing.T, r *netnstest.Router, ifname string) int {
	t.Helper()
	out := r.Run(5*time.Second, "show interfaces "+ifname)
	m := packetsInput.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("show interfaces %s has no packets input line:\n%s", ifname, out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func pidSuffix() string { return strconv.Itoa(os.Getpid() % 100000) }
