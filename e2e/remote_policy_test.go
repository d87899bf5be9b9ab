package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/labs"
)

// The vty policies of TestRemoteAccess, proven with the real clients from pc1.

// configureR1 types configuration lines on R1's console.
func (l *remoteLab) configureR1(t *testing.T, lines ...string) {
	t.Helper()
	script := "configure terminal\n" + strings.Join(lines, "\n") + "\nend"
	if out, err := l.run("cli", "--lab", l.name, "r1", script); err != nil {
		t.Fatalf("labs cli r1 %q: %v\n%s", lines, err, out)
	}
}

// sshWorks reports whether ssh from pc1 with the right password runs a command.
func (l *remoteLab) sshWorks(t *testing.T) (bool, string) {
	t.Helper()
	out, err := l.onPC1(30*time.Second, nil, append(sshArgs(remotePass), "show clock")...)
	return err == nil && strings.Contains(out, "UTC"), out
}

// testTextFSM: netmiko parses show ip interface brief with a TextFSM template (ntc-templates' layout;
// Debian ships textfsm but not ntc-templates, so the template is in testdata).
func (l *remoteLab) testTextFSM(t *testing.T) {
	script, _ := filepath.Abs("testdata/remote/netmiko_textfsm.py")
	templates, _ := filepath.Abs("testdata/remote/templates")
	out, err := l.onPC1(120*time.Second, []string{"NET_TEXTFSM=" + templates}, "/usr/bin/python3", script, remoteRouter, remoteUser, remotePass)
	if err != nil {
		t.Fatalf("netmiko with TextFSM: %v\n%s", err, out)
	}
	if !strings.Contains(out, "'intf': 'GigabitEthernet0/0'") || !strings.Contains(out, "'ipaddr': '192.168.1.1'") || !strings.Contains(out, "'status': 'up'") {
		t.Errorf("TextFSM did not parse show ip interface brief into records:\n%s", out)
	}
}

// testTransportSSHOnly: transport input ssh refuses telnet and keeps SSH.
func (l *remoteLab) testTransportSSHOnly(t *testing.T) {
	l.configureR1(t, "line vty 0 4", "transport input ssh")
	defer l.configureR1(t, "line vty 0 4", "transport input ssh telnet")
	p := startTerm(t, l.pc1, "telnet", remoteRouter)
	p.wait(20 * time.Second) // the router closes the connection without a session
	if strings.Contains(p.transcript(), "Username:") {
		t.Errorf("telnet got a login prompt with transport input ssh:\n%s", p.transcript())
	}
	if ok, out := l.sshWorks(t); !ok {
		t.Errorf("ssh refused with transport input ssh:\n%s", out)
	}
}

// testAccessClass: access-class refuses pc1 and admits it again once removed.
func (l *remoteLab) testAccessClass(t *testing.T) {
	l.configureR1(t, "access-list 5 deny 192.168.1.10", "access-list 5 permit any", "line vty 0 4", "access-class 5 in")
	if ok, out := l.sshWorks(t); ok {
		t.Errorf("ssh from pc1 works through access-class 5 in that denies it:\n%s", out)
	}
	l.configureR1(t, "line vty 0 4", "no access-class 5 in", "no access-list 5")
	if ok, out := l.sshWorks(t); !ok {
		t.Errorf("ssh from pc1 refused after no access-class:\n%s", out)
	}
}

// testExecTimeout: an idle SSH session is logged out after exec-timeout.
func (l *remoteLab) testExecTimeout(t *testing.T) {
	l.configureR1(t, "line vty 0 4", "exec-timeout 0 3")
	defer l.configureR1(t, "line vty 0 4", "exec-timeout 10 0")
	p := startTerm(t, l.pc1, sshArgs(remotePass, "-tt")...)
	p.expect(`R1#`, 30*time.Second)
	start := time.Now()
	if err := p.wait(20 * time.Second); err != nil && time.Since(start) >= 20*time.Second {
		t.Fatalf("the idle session was not logged out within 20 s of a 3 s exec-timeout:\n%s", p.transcript())
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Errorf("the session ended after %v, before its exec-timeout", d)
	}
	if log := l.cli(t, "show logging"); !strings.Contains(log, "%SYS-6-LOGOUT") {
		t.Errorf("no %%SYS-6-LOGOUT logged for the timed-out session:\n%s", log)
	}
}

// testKeySurvivesRestart: the router's host key is the same after it is killed and restarted by its
// supervisor (IOS keeps keys in NVRAM).
func (l *remoteLab) testKeySurvivesRestart(t *testing.T) {
	scan := func() string {
		out, err := l.onPC1(30*time.Second, nil, "ssh-keyscan", "-t", "rsa", remoteRouter)
		if err != nil || !strings.Contains(out, "ssh-rsa ") {
			t.Fatalf("ssh-keyscan: %v\n%s", err, out)
		}
		return regexp.MustCompile(`ssh-rsa \S+`).FindString(out)
	}
	before := scan()
	lab, err := labs.Open(l.name)
	if err != nil {
		t.Fatal(err)
	}
	pid := 0
	for _, st := range lab.Status() {
		if st.Name == "r1" {
			pid = st.PID
		}
	}
	if pid == 0 {
		t.Fatal("no running router process for r1")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); os.IsNotExist(err) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	netnstest.WaitTCP(t, l.pc1, remoteRouter, 22, 30*time.Second)
	if lab, err = labs.Open(l.name); err != nil {
		t.Fatal(err)
	}
	for _, st := range lab.Status() {
		if st.Name == "r1" && (st.PID == pid || st.PID == 0) {
			t.Fatalf("r1 was not restarted (pid %d, was %d)", st.PID, pid)
		}
	}
	if after := scan(); after != before {
		t.Errorf("the host key changed across a restart:\n before %.60s\n after  %.60s", before, after)
	}
}

// testLoginBlockFor: three wrong passwords within the window put the router in quiet mode, which
// refuses even the right password.
func (l *remoteLab) testLoginBlockFor(t *testing.T) {
	l.configureR1(t, "login block-for 60 attempts 3 within 60")
	for k := 0; k < 3; k++ {
		l.onPC1(30*time.Second, nil, append(sshArgs("wrong"), "show clock")...)
	}
	if ok, out := l.sshWorks(t); ok {
		t.Errorf("the right password works in quiet mode after three failures:\n%s", out)
	}
	if log := l.cli(t, "show logging"); !strings.Contains(log, "QUIET_MODE_ON") {
		t.Errorf("no %%SEC_LOGIN-1-QUIET_MODE_ON logged:\n%s", log)
	}
}
