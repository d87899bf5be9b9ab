package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A Go router's crash: the panic, the goroutines, and (GOTRACEBACK=crash) the SIGABRT with the
// register dump that ends the output.
const panicDump = `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]

goroutine 1 [running]:
natlab/nat.(*Table).lookup(0x0, {0xc000012345, 0x4})
	/src/natlab/nat/table.go:88 +0x2c
main.main()
	/src/natlab/cmd/router/main.go:40 +0x1d

goroutine 6 [select]:
natlab/console.(*Server).serve(0xc0000a2000)
	/src/natlab/console/server.go:61 +0x85
SIGABRT: abort
PC=0x46b3a1 m=0 sigcode=0

goroutine 0 gp=0x5f3a40 m=0 mp=0x5f4100 [idle]:
runtime.raise()
	/usr/local/go/src/runtime/sys_linux_amd64.s:154 +0x21
` + registers

// A fault outside Go code: no panic line, the signal heads the dump.
const signalDump = `SIGSEGV: segmentation violation
PC=0x7f3a2b1c m=3 sigcode=1 addr=0x10
signal arrived during cgo execution

goroutine 7 gp=0xc000007c00 m=3 mp=0xc000100008 [syscall]:
runtime.cgocall(0x4a3f20, 0xc00004bf48)
	/usr/local/go/src/runtime/cgocall.go:167 +0x4b
` + registers

const registers = `rax    0x0
rbx    0x0
rcx    0x46b3a1
rdx    0x0
rdi    0x2
rsi    0x0
rbp    0x7ffc3f1e2a40
rsp    0x7ffc3f1e2a28
r8     0x0
r9     0x0
r10    0x8
r11    0x246
r12    0x0
r13    0x0
r14    0x5f3a40
r15    0x0
rip    0x46b3a1
rflags 0x246
cs     0x33
fs     0x0
gs     0x0
`

// crashingRouter is a router stand-in that writes dump to standard error and exits with status 2,
// as a Go program does when it crashes.
func crashingRouter(t *testing.T, dump string) string {
	path := filepath.Join(t.TempDir(), "router")
	script := "#!/bin/sh\ncat >&2 <<'EOF'\n" + dump + "EOF\nexit 2\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// A router that crashes while the lab comes up is reported by its panic (or signal) line and the
// first frame, not by the registers at the end of its output.
func TestUpReportsCrash(t *testing.T) {
	e := newEnv(t)
	name := labName("c")
	file := writeTopology(t, smallLab(name, 1))
	for _, tt := range []struct {
		name, dump string
		want       []string
	}{
		{"panic", panicDump, []string{
			"r1: the router crashed during start (exit status 2):",
			"  panic: runtime error: invalid memory address or nil pointer dereference\n  [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\n  natlab/nat.(*Table).lookup(0x0, {0xc000012345, 0x4})\n  \t/src/natlab/nat/table.go:88 +0x2c\n",
		}},
		{"signal", signalDump, []string{
			"r1: the router crashed during start (exit status 2):",
			"  SIGSEGV: segmentation violation\n  runtime.cgocall(0x4a3f20, 0xc00004bf48)\n  \t/usr/local/go/src/runtime/cgocall.go:167 +0x4b\n",
		}},
	} {
		e.router = crashingRouter(t, tt.dump)
		out, errs, code := e.labs("", "up", file)
		for _, w := range tt.want {
			if code != 1 || !strings.Contains(out+errs, w) {
				t.Errorf("%s: labs up with a crashing router: exit %d\n%s%s\nwant exit 1 and\n%s", tt.name, code, out, errs, w)
			}
		}
		if strings.Contains(out+errs, "rflags") {
			t.Errorf("%s: the message shows the register dump:\n%s", tt.name, errs)
		}
		if left := leftovers(name, nil); len(left) > 0 {
			t.Errorf("%s: left behind: %v", tt.name, left)
		}
	}
}

// routerPID is the PID of the router process of node r1 as labs inspect --json reports it.
func (e *env) routerPID(name string) int {
	e.t.Helper()
	for _, p := range e.state(name).Procs {
		if p.Node == "r1" && p.Role == "router" {
			return p.PID
		}
	}
	e.t.Fatalf("no router r1 in the state of %s", name)
	return 0
}

// waitFor polls labs inspect until its output matches re.
func (e *env) waitFor(name, re string, d time.Duration) string {
	e.t.Helper()
	var out string
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if out, _, _ = e.labs("", "inspect", "--lab", name); regexpMatch(re, out) {
			return out
		}
	}
	e.t.Fatalf("labs inspect never matched %s:\n%s", re, out)
	return ""
}

// A router killed while the lab runs is reported dead with the signal; with a restart policy (the
// --restart flag or restart: on-failure) it comes back with its startup-config and its hosts' routes.
func TestRouterKilledWhileRunning(t *testing.T) {
	e := newEnv(t)
	name := labName("s")
	plain := smallLab(name, 2)
	withRoute := strings.Replace(plain, "h1: { ip: 10.1.0.10/24, gw: 10.1.0.1 }", `h1: { ip: 10.1.0.10/24, routes: ["10.2.0.0/24 via 10.1.0.1"] }`, 1)
	onFailure := strings.Replace(withRoute, "kind: router\n", "kind: router\n      restart: on-failure\n", 1)
	for _, tt := range []struct {
		name, lab string
		args      []string
		restart   bool
	}{
		{"no restart", plain, nil, false},
		{"--restart", withRoute, []string{"--restart"}, true},
		{"restart: on-failure", onFailure, nil, true},
	} {
		file := writeTopology(t, tt.lab)
		e.up(append([]string{file}, tt.args...)...)
		if err := syscall.Kill(e.routerPID(name), syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if !tt.restart {
			out := e.waitFor(name, `r1 +router +exited(.|\n)*r1: killed`, 5*time.Second)
			if !regexpMatch(`r1: killed by signal 9 \(SIGKILL\) at \d\d:\d\d:\d\d\n`, out) {
				t.Errorf("%s: labs inspect after kill -9:\n%s", tt.name, out)
			}
		} else {
			out := e.waitFor(name, `r1 +router +running(.|\n)*restarted 1 time`, 15*time.Second)
			if !regexpMatch(`r1: killed by signal 9 \(SIGKILL\) at \d\d:\d\d:\d\d; restarted 1 time`, out) {
				t.Errorf("%s: labs inspect after the restart:\n%s", tt.name, out)
			}
			if out, _, code := e.labs("", "cli", "--lab", name, "r1", "show running-config | include hostname"); code != 0 || !strings.Contains(out, "hostname R1") {
				t.Errorf("%s: labs cli after the restart: exit %d\n%s", tt.name, code, out)
			}
			// The host's routes went with the interface; the restart puts them back.
			var out2 string
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				if out2, _, _ = e.labs("", "exec", "--lab", name, "h1", "--", "ping", "-c", "1", "-W", "1", "10.2.0.10"); strings.Contains(out2, " 0% packet loss") {
					break
				}
			}
			if !strings.Contains(out2, " 0% packet loss") {
				t.Errorf("%s: h1 cannot reach h2 after the restart:\n%s", tt.name, out2)
			}
		}
		st := e.state(name)
		if out, errs, code := e.labs("", "down", name); code != 0 {
			t.Fatalf("labs down: exit %d\n%s%s", code, out, errs)
		}
		if left := leftovers(name, pids(st)); len(left) > 0 {
			t.Errorf("%s: left behind after down: %v", tt.name, left)
		}
	}
}
