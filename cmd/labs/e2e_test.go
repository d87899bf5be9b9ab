package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/labs"
)

// env is one test's view of the labs command: its own run directory and the built router.
type env struct {
	t      *testing.T
	bin    string
	router string
	runDir string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	netnstest.RequireRoot(t)
	bin, router := binaries(t)
	return &env{t: t, bin: bin, router: router, runDir: t.TempDir()}
}

// labs runs the labs command and returns its standard output, standard error and exit status.
func (e *env) labs(stdin string, args ...string) (string, string, int) {
	e.t.Helper()
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), labs.RunDirEnv+"="+e.runDir, "NATLAB_ROUTER="+e.router)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("labs %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// up deploys a topology and removes it when the test ends, also when the test fails.
func (e *env) up(args ...string) string {
	e.t.Helper()
	out, errs, code := e.labs("", append([]string{"up"}, args...)...)
	if code != 0 {
		e.t.Fatalf("labs up %v: exit %d\n%s%s", args, code, out, errs)
	}
	return out
}

func (e *env) cleanupLab(name string) {
	e.t.Cleanup(func() {
		if out, errs, code := e.labs("", "down", name); code != 0 {
			e.t.Errorf("labs down %s: exit %d\n%s%s", name, code, out, errs)
		}
	})
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// labName is unique per test binary and prefixed for this package (t-lb).
func labName(suffix string) string { return fmt.Sprintf("t-lb%04d%s", os.Getpid()%10000, suffix) }

func smallLab(name string, hosts int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\nmessage: small test lab\ntopology:\n  nodes:\n    r1:\n      kind: router\n      config: |\n        hostname R1\n", name)
	for i := 0; i < hosts; i++ {
		fmt.Fprintf(&b, "        interface GigabitEthernet0/%d\n         ip address 10.%d.0.1 255.255.255.0\n         no shutdown\n", i, i+1)
	}
	for i := 0; i < hosts; i++ {
		fmt.Fprintf(&b, "    h%d: { ip: 10.%d.0.10/24, gw: 10.%d.0.1 }\n", i+1, i+1, i+1)
	}
	b.WriteString("  links:\n")
	for i := 0; i < hosts; i++ {
		fmt.Fprintf(&b, "    - endpoints: [\"r1:Gi0/%d\", \"h%d:eth0\"]\n", i, i+1)
	}
	return b.String()
}

const smallTasks = `tasks:
  - name: ping
    points: 60
    wait: 5
    node: h1
    exec: ping -c 1 -W 1 10.2.0.10
    pass: h1 reaches h2 through R1
    fail: h1 cannot reach h2
  - name: route
    points: 40
    node: r1
    cli: show ip route
    match: 'C +10\.1\.0\.0/24 is directly connected, GigabitEthernet0/0'
    pass: R1 has the connected route
  - name: broken
    points: 10
    node: h1
    exec: "false"
    fail: this task always fails
`

func writeTopology(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "lab.yml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// leftovers lists what a lab could leave behind: namespaces, processes, devices with its prefix.
func leftovers(prefix string, pids []int) []string {
	var out []string
	if ents, err := os.ReadDir("/run/netns"); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), prefix) {
				out = append(out, "namespace "+e.Name())
			}
		}
	}
	links, _ := exec.Command("ip", "-o", "link", "show").Output()
	for _, ln := range strings.Split(string(links), "\n") {
		if f := strings.Fields(ln); len(f) > 1 && strings.HasPrefix(f[1], prefix) {
			out = append(out, "device "+strings.TrimSuffix(f[1], ":"))
		}
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && !strings.Contains(string(b), ") Z ") {
				out = append(out, fmt.Sprintf("process %d", pid))
			}
		}
	}
	return out
}

func (e *env) state(name string) *labs.State {
	e.t.Helper()
	b, err := os.ReadFile(filepath.Join(e.runDir, name, "state.json"))
	if err != nil {
		e.t.Fatal(err)
	}
	var s labs.State
	if err := json.Unmarshal(b, &s); err != nil {
		e.t.Fatal(err)
	}
	return &s
}

func pids(s *labs.State) []int {
	var out []int
	for _, p := range s.Procs {
		out = append(out, p.PID)
	}
	return out
}

// One router and two hosts, routing only: up, cli, exec, check, save, inspect, down.
func TestUpCLIExecCheckDown(t *testing.T) {
	e := newEnv(t)
	name := labName("a")
	lab := strings.Replace(smallLab(name, 2), "h1: { ip: 10.1.0.10/24, gw: 10.1.0.1 }", `h1: { ip: 10.1.0.10/24, gw: 10.1.0.1, routes: ["192.0.2.0/24 via 10.1.0.1"], exec: ["echo started > /dev/null"] }`, 1)
	file := writeTopology(t, lab+smallTasks)
	out := e.up(file)
	e.cleanupLab(name)
	if !strings.Contains(out, "small test lab") || !strings.Contains(out, "labs console r1") {
		t.Errorf("labs up printed:\n%s\nwant the message and how to reach the nodes", out)
	}
	st := e.state(name)

	out, _, code := e.labs("", "cli", "--lab", name, "r1", "show ip interface brief")
	if code != 0 || !regexpMatch(`GigabitEthernet0/0 +10\.1\.0\.1 +YES \w+ +up +up`, out) {
		t.Errorf("labs cli show ip interface brief: exit %d\n%s", code, out)
	}
	out, _, code = e.labs("configure terminal\nhostname R7\nhostnam\nend\n", "cli", "--lab", name, "--echo", "r1")
	if code != 1 || !strings.Contains(out, "R7(config)#hostnam\n% Incomplete command.") {
		t.Errorf("labs cli from standard input with a bad line: exit %d (want 1)\n%s", code, out)
	}
	out, _, code = e.labs("", "exec", "--lab", name, "h1", "--", "ping", "-c", "1", "-W", "2", "10.2.0.10")
	if code != 0 {
		t.Errorf("labs exec h1 ping h2: exit %d\n%s", code, out)
	}
	if out, _, _ = e.labs("", "exec", "--lab", name, "h1", "--", "ip", "route"); !strings.Contains(out, "192.0.2.0/24 via 10.1.0.1") || !strings.Contains(out, "default via 10.1.0.1") {
		t.Errorf("h1 routes:\n%s\nwant the default route and 192.0.2.0/24", out)
	}
	if _, _, code = e.labs("", "exec", "--lab", name, "h1", "--", "sh", "-c", "exit 3"); code != 3 {
		t.Errorf("labs exec exit status %d, want 3", code)
	}
	e.checkCapture(name)
	out, _, code = e.labs("", "check", "--lab", name, "ping", "route")
	if code != 0 || !strings.Contains(out, "[PASS] ping") || !strings.Contains(out, "Score: 100/100 (100%)") {
		t.Errorf("labs check ping route: exit %d\n%s", code, out)
	}
	out, _, code = e.labs("", "check", "--lab", name)
	if code != 1 || !strings.Contains(out, "[FAIL] broken") || !strings.Contains(out, "this task always fails") || !strings.Contains(out, "Score: 100/110 (91%)") {
		t.Errorf("labs check: exit %d (want 1)\n%s", code, out)
	}
	out, _, code = e.labs("", "check", "--lab", name, "--json", "route")
	var rep labs.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Percent != 100 {
		t.Errorf("labs check --json: exit %d\n%s", code, out)
	}
	out, _, code = e.labs("", "inspect", "--lab", name)
	if code != 0 || !regexpMatch(`r1 +router +running`, out) || !strings.Contains(out, "eth0 10.2.0.10/24") {
		t.Errorf("labs inspect: exit %d\n%s", code, out)
	}
	// Save, and the saved config wins on the next up (the hostname R7 typed above).
	saveDir := filepath.Join(filepath.Dir(file), name+"-configs")
	if out, _, code = e.labs("", "save", "--lab", name); code != 0 {
		t.Fatalf("labs save: exit %d\n%s", code, out)
	}
	if b, err := os.ReadFile(filepath.Join(saveDir, "r1.cfg")); err != nil || !strings.Contains(string(b), "hostname R7") {
		t.Errorf("saved config: %v\n%s", err, b)
	}

	out, errs, code := e.labs("", "down", name)
	if code != 0 {
		t.Fatalf("labs down: exit %d\n%s%s", code, out, errs)
	}
	if left := leftovers(name, pids(st)); len(left) > 0 {
		t.Errorf("left behind after down: %v", left)
	}
	if out, _, code = e.labs("", "down", name); code != 0 || !strings.Contains(out, "not running") {
		t.Errorf("second labs down: exit %d\n%s", code, out)
	}

	e.up(file)
	if out, _, _ = e.labs("", "cli", "--lab", name, "r1", "show running-config | include hostname"); !strings.Contains(out, "hostname R7") {
		t.Errorf("after up with a saved config: %q, want hostname R7", out)
	}
	e.labs("", "down", name)
	e.up(file, "--reset")
	if out, _, _ = e.labs("", "cli", "--lab", name, "r1", "show running-config | include hostname"); !strings.Contains(out, "hostname R1") {
		t.Errorf("after up --reset: %q, want hostname R1", out)
	}
}

// A router killed with SIGKILL and a topology file that is gone: down still removes everything.
func TestDownAfterKillAndDeletedFile(t *testing.T) {
	e := newEnv(t)
	name := labName("k")
	file := writeTopology(t, smallLab(name, 2)+"    # a host program that daemonizes\n")
	text, _ := os.ReadFile(file)
	text = bytes.Replace(text, []byte("h2: { ip: 10.2.0.10/24, gw: 10.2.0.1 }"), []byte(`h2: { ip: 10.2.0.10/24, gw: 10.2.0.1, exec: ["sleep 300 &", "setsid sleep 301 < /dev/null > /dev/null 2>&1 &"] }`), 1)
	os.WriteFile(file, text, 0o644)
	e.up(file)
	e.cleanupLab(name)
	st := e.state(name)
	var router int
	for _, p := range st.Procs {
		if p.Role == "router" {
			router = p.PID
		}
	}
	if err := syscall.Kill(router, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	os.Remove(file)
	time.Sleep(100 * time.Millisecond)
	out, _, code := e.labs("", "inspect", "--lab", name)
	if code != 0 || !regexpMatch(`r1 +router +exited`, out) {
		t.Errorf("inspect after the router died: exit %d\n%s", code, out)
	}
	out, errs, code := e.labs("", "down")
	if code != 0 {
		t.Fatalf("labs down: exit %d\n%s%s", code, out, errs)
	}
	if left := leftovers(name, pids(st)); len(left) > 0 {
		t.Errorf("left behind after down: %v", left)
	}
	if _, err := os.Stat(filepath.Join(e.runDir, name)); !os.IsNotExist(err) {
		t.Errorf("state directory left behind: %v", err)
	}
}

// checkCapture captures R1's Gi0/1 while h1 pings h2 and reads the pcap back.
func (e *env) checkCapture(name string) {
	t := e.t
	file := filepath.Join(t.TempDir(), "gi01.pcap")
	cmd := exec.Command(e.bin, "capture", "--lab", name, "r1", "Gi0/1", "-c", "4", "-w", file)
	cmd.Env = append(os.Environ(), labs.RunDirEnv+"="+e.runDir)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(300 * time.Millisecond)
	e.labs("", "exec", "--lab", name, "h1", "--", "ping", "-c", "4", "-i", "0.2", "-W", "1", "10.2.0.10")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("labs capture: %v\n%s", err, errb.String())
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Signal(syscall.SIGINT)
		<-done
	}
	b, err := os.ReadFile(file)
	if err != nil || len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(b[20:]) != 101 {
		t.Fatalf("capture file: %v, %d bytes; want a pcap with LINKTYPE_RAW", err, len(b))
	}
	icmp := 0
	for off := 24; off+16 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off+8:]))
		pkt := b[off+16 : min(off+16+n, len(b))]
		if len(pkt) >= 20 && pkt[0]>>4 == 4 && pkt[9] == 1 && net.IP(pkt[12:16]).String() == "10.1.0.10" && net.IP(pkt[16:20]).String() == "10.2.0.10" {
			icmp++
		}
		off += 16 + n
	}
	if icmp == 0 {
		t.Errorf("the capture of Gi0/1 has no ICMP packet from h1 to h2 (%d bytes; %s)", len(b), errb.String())
	}
}

// A lab that cannot come up (a host command fails, a router that exits) leaves nothing behind.
func TestUpFailureCleansUp(t *testing.T) {
	e := newEnv(t)
	name := labName("f")
	lab := strings.Replace(smallLab(name, 2), "h2: { ip: 10.2.0.10/24, gw: 10.2.0.1 }", `h2: { ip: 10.2.0.10/24, gw: 10.2.0.1, exec: ["sleep 300 &", "echo broken >&2; exit 7"] }`, 1)
	file := writeTopology(t, lab)
	out, errs, code := e.labs("", "up", file)
	if code != 1 || !strings.Contains(out+errs, "exit status 7") || !strings.Contains(out+errs, "broken") {
		t.Errorf("labs up with a failing exec: exit %d\n%s%s", code, out, errs)
	}
	if left := leftovers(name, nil); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if _, err := os.Stat(filepath.Join(e.runDir, name)); !os.IsNotExist(err) {
		t.Errorf("state directory left behind: %v", err)
	}

	e.router = "/bin/false"
	out, errs, code = e.labs("", "up", file)
	if code != 1 || !strings.Contains(out+errs, "the router exited during start") {
		t.Errorf("labs up with a router that exits: exit %d\n%s%s", code, out, errs)
	}
	if left := leftovers(name, nil); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
