package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/labs"
)

// The management lab: R1 and one host, pc1, which runs a syslog receiver
// and an SNTP server.
const mgmtTopology = `name: %s
topology:
  nodes:
    r1:
      kind: router
      config: |
        hostname R1
        interface GigabitEthernet0/0
         ip address 192.168.1.1 255.255.255.0
         no shutdown
    pc1: { ip: 192.168.1.10/24, gw: 192.168.1.1 }
  links:
    - endpoints: ["r1:Gi0/0", "pc1:eth0"]
`

// syslogReceiver appends every datagram to UDP 514 to a file, one a line.
const syslogReceiver = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 514))
with open(sys.argv[1], "a", buffering=1) as f:
    while True:
        data, _ = s.recvfrom(2048)
        f.write(data.decode(errors="replace") + "\n")
`

// sntpServer answers client-mode requests on UDP 123 with a stratum 2
// server-mode reply whose time is fixed at 2030-01-01 12:00:00 UTC.
const sntpServer = `
import socket, struct
T = 2208988800 + 1893499200
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 123))
while True:
    data, peer = s.recvfrom(2048)
    if len(data) < 48 or data[0] & 7 != 3:
        continue
    ts = struct.pack("!II", T, 0)
    reply = bytes([0x24, 2, 6, 0xec]) + struct.pack("!II", 0, 0) + bytes([192, 168, 1, 254]) + ts + data[40:48] + ts + ts
    s.sendto(reply, peer)
`

// TestManagement proves logging host and ntp server against real programs
// on a lab host: R1's configuration change reaches the syslog receiver
// until logging trap warnings stops it, and R1 synchronises its clock to
// the SNTP server.
func TestManagement(t *testing.T) {
	netnstest.RequireRoot(t)
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		t.Fatalf("python3 is missing: %v", err)
	}
	dir := t.TempDir()
	t.Setenv(labs.RunDirEnv, filepath.Join(dir, "run"))
	t.Setenv("NATLAB_ROUTER", netnstest.RouterBinary(t))
	labsBin := netnstest.Binary(t, "./cmd/labs")
	name := fmt.Sprintf("t-mg%04d", os.Getpid()%10000)
	run := func(args ...string) (string, error) {
		out, err := exec.Command(labsBin, args...).CombinedOutput()
		return string(out), err
	}
	file := filepath.Join(dir, "mgmt.yml")
	if err := os.WriteFile(file, fmt.Appendf(nil, mgmtTopology, name), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if out, err := run("down", name); err != nil {
			t.Errorf("labs down: %v\n%s", err, out)
		}
	})
	if out, err := run("up", file); err != nil {
		t.Fatalf("labs up: %v\n%s", err, out)
	}
	lab, err := labs.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	var pc1 string
	for _, n := range lab.Nodes {
		if n.Name == "pc1" {
			pc1 = n.Netns
		}
	}
	if pc1 == "" {
		t.Fatalf("no pc1 namespace: %+v", lab.Nodes)
	}
	serve := func(script string, args ...string) {
		cmd := exec.Command("ip", append([]string{"netns", "exec", pc1, "/usr/bin/python3", "-c", script}, args...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	}
	cli := func(script string) string {
		t.Helper()
		out, err := run("cli", "--lab", name, "r1", script)
		if err != nil {
			t.Fatalf("labs cli r1 %q: %v\n%s", script, err, out)
		}
		return out
	}
	// waitFor polls until cond holds or the time is up.
	waitFor := func(d time.Duration, cond func() bool) bool {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
			if cond() {
				return true
			}
		}
		return cond()
	}

	t.Run("syslog", func(t *testing.T) {
		received := filepath.Join(dir, "syslog.txt")
		serve(syslogReceiver, received)
		time.Sleep(300 * time.Millisecond) // the receiver binds
		cli("configure terminal\nlogging host 192.168.1.10\nend")
		got := func() string { b, _ := os.ReadFile(received); return string(b) }
		if !waitFor(10*time.Second, func() bool { return strings.Contains(got(), "%SYS-5-CONFIG_I") }) {
			t.Fatalf("the receiver got no %%SYS-5-CONFIG_I:\n%q", got())
		}
		if line := got(); !strings.HasPrefix(line, "<189>") {
			t.Errorf("not facility local7, severity notice: %q", line)
		}
		cli("configure terminal\nlogging trap warnings\nend")
		before := strings.Count(got(), "%SYS-5-CONFIG_I")
		cli("configure terminal\nhostname R1\nend")
		time.Sleep(2 * time.Second)
		if n := strings.Count(got(), "%SYS-5-CONFIG_I"); n != before {
			t.Errorf("logging trap warnings: %d notices arrived, had %d:\n%s", n, before, got())
		}
	})

	t.Run("ntp", func(t *testing.T) {
		serve(sntpServer)
		time.Sleep(300 * time.Millisecond)
		cli("configure terminal\nntp server 192.168.1.10\nend")
		var clock, status string
		ok := waitFor(15*time.Second, func() bool {
			clock = cli("show clock")
			return strings.Contains(clock, "2030")
		})
		if !ok {
			t.Fatalf("show clock did not move to 2030:\n%s", clock)
		}
		if strings.Contains(clock, "*1") || strings.Contains(clock, "*0") {
			t.Errorf("show clock still marks the time not authoritative:\n%s", clock)
		}
		status = cli("show ntp status")
		if !strings.Contains(status, "Clock is synchronized, stratum 3, reference is 192.168.1.10") {
			t.Errorf("show ntp status:\n%s", status)
		}
		if a := cli("show ntp associations"); !strings.Contains(a, "*~192.168.1.10") {
			t.Errorf("show ntp associations:\n%s", a)
		}
		if d := cli("show clock detail"); !strings.Contains(d, "Time source is NTP") {
			t.Errorf("show clock detail:\n%s", d)
		}
		if rc := cli("show running-config"); !strings.Contains(rc, "\nntp server 192.168.1.10\n") {
			t.Errorf("running-config lacks ntp server:\n%s", rc)
		}
	})
}
