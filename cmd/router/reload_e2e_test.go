package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/console"
	"natlab/internal/netnstest"
)

// TestReloadOverConsole runs the router binary with a console socket: configure and save, change more,
// reload answering no. Every console connection ends; the socket answers again with the saved
// configuration only; a script on standard input goes on on the reloaded router.
func TestReloadOverConsole(t *testing.T) {
	dir := t.TempDir()
	sock, startup := filepath.Join(dir, "console"), filepath.Join(dir, "startup-config")
	if err := os.WriteFile(startup, []byte("hostname BOOT\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(netnstest.RouterBinary(t), "--daemon", "--console", sock, "--startup-config", startup)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	dial := func() *console.Client {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			cl, err := console.Dial(sock, 2*time.Second)
			if err == nil {
				return cl
			}
			if time.Now().After(deadline) {
				t.Fatalf("console: %v\n%s", err, stderr.String())
			}
		}
	}
	runAll := func(cl *console.Client, lines ...string) (string, error) {
		var out bytes.Buffer
		for _, l := range lines {
			if _, err := cl.Run(l, &out); err != nil {
				return out.String(), err
			}
		}
		return out.String(), nil
	}
	cl := dial()
	bystander := dial()
	if out, err := runAll(cl, "configure terminal", "hostname SAVED", "end", "write memory",
		"configure terminal", "hostname UNSAVED", "end"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	// In CLI mode the questions come as the prompts of the answering lines.
	var prompts []string
	var out string
	var err error
	for _, l := range []string{"reload", "no", ""} {
		var o string
		o, err = runAll(cl, l)
		out += o
		prompts = append(prompts, cl.Prompt())
		if err != nil {
			break
		}
	}
	if len(prompts) < 2 || prompts[0] != "System configuration has been modified. Save? [yes/no]: " || prompts[1] != "Proceed with reload? [confirm]" {
		t.Errorf("reload dialogue prompts %q:\n%s", prompts, out)
	}
	if err == nil && !cl.Closed() {
		if _, err := runAll(cl, "show clock"); err == nil {
			t.Errorf("the session that reloaded goes on:\n%s", out)
		}
	}
	cl.Close()
	// The reload runs after the confirmation's answer: the other session
	// ends within moments, not necessarily before its next command.
	bystander.SetDeadline(time.Now().Add(5 * time.Second))
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		out, err := runAll(bystander, "show clock")
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("another console session survived the reload:\n%s", out)
			break
		}
	}
	bystander.Close()

	after := dial()
	defer after.Close()
	if p := after.Prompt(); p != "SAVED#" && p != "SAVED>" {
		t.Errorf("prompt after reload %q, want SAVED's", p)
	}
	out, err = runAll(after, "enable", "show running-config | include hostname", "show version | include uptime")
	if err != nil || !strings.Contains(out, "hostname SAVED") || strings.Contains(out, "UNSAVED") {
		t.Errorf("after reload (%v):\n%s", err, out)
	}
	if !strings.Contains(out, "uptime is 0 minutes") {
		t.Errorf("uptime after reload:\n%s", out)
	}
}

// TestReloadScript: on standard input, the lines after a reload run on the reloaded router.
func TestReloadScript(t *testing.T) {
	startup := filepath.Join(t.TempDir(), "startup-config")
	cmd := exec.Command(netnstest.RouterBinary(t), "--startup-config", startup)
	cmd.Stdin = strings.NewReader("enable\nconfigure terminal\nhostname GONE\nend\nreload\nno\n\nenable\nshow running-config | include hostname\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"GONE#reload\n\nSystem configuration has been modified. Save? [yes/no]: no\nProceed with reload? [confirm]\n",
		"Router>enable\nRouter#show running-config | include hostname\nhostname Router\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("transcript lacks %q:\n%s", want, out)
		}
	}
}

// TestReloadKeepsTUN: a reload keeps the TUN device (a PC's NIC): after it, the PC pings the router
// again with the saved address, and the interface counters restarted.
func TestReloadKeepsTUN(t *testing.T) {
	netnstest.RequireRoot(t, "ping")
	a := netnstest.Namespace(t, "t-rld-a")
	startup := filepath.Join(t.TempDir(), "startup-config")
	r := netnstest.StartRouter(t, "--startup-config", startup,
		"--port", "g0/0=tun:trl"+pidSuffix()+",netns="+a+",name=eth0,addr=10.1.0.10/24,gw=10.1.0.1")
	r.MustRun(10*time.Second, "enable", "conf t", "int g0/0", "ip add 10.1.0.1 255.255.255.0", "no shut", "end", "write memory")
	netnstest.Exec(t, a, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.1.0.1")
	r.Run(10*time.Second, "reload", "")
	r.MustRun(10*time.Second, "enable")
	netnstest.Exec(t, a, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.1.0.1")
	if n := inputPackets(t, r, "g0/0"); n < 3 || n > 10 {
		t.Errorf("packets input %d after the reload and 3 pings", n)
	}
}
