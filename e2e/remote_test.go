package e2e

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/labs"
)

// The remote-access lab: R1 with SSH and telnet on its vty lines, pc1 on Gi0/0 where the clients
// run, pc2 on Gi0/1 (whose description the clients change and save).
const (
	remoteRouter = "192.168.1.1"
	remoteUser   = "admin"
	remotePass   = "cisco"
)

const remoteTopology = `name: %s
topology:
  nodes:
    r1:
      kind: router
      restart: on-failure
      username: admin
      password: cisco
      config: |
        hostname R1
        ip domain-name lab.example
        crypto key generate rsa modulus 2048
        username admin privilege 15 secret cisco
        interface GigabitEthernet0/0
         ip address 192.168.1.1 255.255.255.0
         no shutdown
        interface GigabitEthernet0/1
         ip address 10.0.0.1 255.255.255.0
         no shutdown
        line vty 0 4
         login local
         transport input ssh telnet
    pc1: { ip: 192.168.1.10/24, gw: 192.168.1.1 }
    pc2: { ip: 10.0.0.10/24, gw: 10.0.0.1 }
  links:
    - endpoints: ["r1:Gi0/0", "pc1:eth0"]
    - endpoints: ["r1:Gi0/1", "pc2:eth0"]
`

// remoteLab is the running lab of TestRemoteAccess.
type remoteLab struct {
	t       *testing.T
	labs    string // the labs binary
	name    string
	pc1     string // pc1's namespace
	startup string // R1's working startup-config, which write memory rewrites
	dir     string // scratch files
}

// TestRemoteAccess logs in to the router over SSH and telnet from a host of a lab with the programs
// people and automation use (OpenSSH with sshpass, the telnet client, netmiko, Ansible's cisco.ios
// collection over network_cli), shows, configures and saves, and checks that the startup-config file
// changed. It skips only when the router binary has no SSH server in it.
func TestRemoteAccess(t *testing.T) {
	netnstest.RequireRoot(t)
	for _, p := range []string{"ssh", "sshpass", "telnet", "ansible-playbook", "/usr/bin/python3"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("%s is missing (scripts/test.sh installs openssh-client, telnet, sshpass, python3-netmiko and ansible): %v", p, err)
		}
	}
	router := netnstest.RouterBinary(t)
	if !hasSSHServer(t, router) {
		t.Skip("the router binary has no SSH server (natlab/vty's ServeSSH is not linked in)")
	}
	l := upRemoteLab(t, netnstest.Binary(t, "./cmd/labs"), router)

	t.Run("inventory", l.testInventory)
	t.Run("ssh-exec", l.testSSHExec)
	t.Run("ssh-wrong-password", l.testSSHWrongPassword)
	t.Run("ssh-interactive", l.testSSHInteractive)
	t.Run("telnet", l.testTelnet)
	t.Run("netmiko-ssh", func(t *testing.T) { l.testNetmiko(t, "cisco_ios", "by-netmiko-ssh") })
	t.Run("netmiko-telnet", func(t *testing.T) { l.testNetmiko(t, "cisco_ios_telnet", "by-netmiko-telnet") })
	t.Run("ansible", l.testAnsible)
	t.Run("textfsm", l.testTextFSM)
	// Policies: each changes the vty lines and puts them back.
	t.Run("transport-input-ssh", l.testTransportSSHOnly)
	t.Run("access-class", l.testAccessClass)
	t.Run("exec-timeout", l.testExecTimeout)
	t.Run("key-survives-restart", l.testKeySurvivesRestart)
	t.Run("login-block-for", l.testLoginBlockFor) // last: it leaves the router in quiet mode for a while
}

// hasSSHServer reports whether the program links natlab/vty's SSH server: a router built before it
// was wired in has no SSH to test.
func hasSSHServer(t *testing.T, bin string) bool {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatalf("%s: %v", bin, err)
	}
	for _, s := range syms {
		if strings.HasPrefix(s.Name, "natlab/vty.(*Server).ServeSSH") {
			return true
		}
	}
	return false
}

// upRemoteLab deploys the lab with labs up (in a run directory of the test's own) and removes it
// with labs down when the test ends, also when it fails; it waits until R1 accepts SSH from pc1.
func upRemoteLab(t *testing.T, labsBin, router string) *remoteLab {
	t.Helper()
	dir := t.TempDir()
	t.Setenv(labs.RunDirEnv, filepath.Join(dir, "run"))
	t.Setenv("NATLAB_ROUTER", router)
	l := &remoteLab{t: t, labs: labsBin, name: fmt.Sprintf("t-rm%04d", os.Getpid()%10000), dir: dir}
	file := filepath.Join(dir, "remote.yml")
	if err := os.WriteFile(file, fmt.Appendf(nil, remoteTopology, l.name), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if out, err := l.run("down", l.name); err != nil {
			t.Errorf("labs down: %v\n%s", err, out)
		}
	})
	if out, err := l.run("up", file); err != nil {
		t.Fatalf("labs up: %v\n%s", err, out)
	}
	lab, err := labs.Open(l.name)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range lab.Nodes {
		switch n.Name {
		case "pc1":
			l.pc1 = n.Netns
		case "r1":
			l.startup = n.Startup
		}
	}
	if l.pc1 == "" || l.startup == "" {
		t.Fatalf("labs state has no pc1 namespace or r1 startup-config: %+v", lab.Nodes)
	}
	netnstest.WaitTCP(t, l.pc1, remoteRouter, 22, 20*time.Second)
	return l
}

// run runs the labs command and returns its combined output.
func (l *remoteLab) run(args ...string) (string, error) {
	out, err := exec.Command(l.labs, args...).CombinedOutput()
	return string(out), err
}

// onPC1 runs a program in pc1's namespace with extra environment and returns its combined output.
func (l *remoteLab) onPC1(timeout time.Duration, env []string, argv ...string) (string, error) {
	cmd := exec.Command("timeout", append([]string{"-k", "5", fmt.Sprint(int(timeout.Seconds()))},
		append([]string{"ip", "netns", "exec", l.pc1}, argv...)...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = l.dir
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	err := cmd.Run()
	return b.String(), err
}

// saved checks that R1's startup-config file has the line (write memory reached the file).
func (l *remoteLab) saved(t *testing.T, line string) {
	t.Helper()
	b, err := os.ReadFile(l.startup)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), line) {
		t.Errorf("the startup-config %s lacks %q:\n%s", l.startup, line, b)
	}
}

// cli runs a line on R1's console and returns what it printed.
func (l *remoteLab) cli(t *testing.T, line string) string {
	t.Helper()
	out, err := l.run("cli", "--lab", l.name, "r1", line)
	if err != nil {
		t.Errorf("labs cli r1 %q: %v\n%s", line, err, out)
	}
	return out
}

// sshArgs is ssh to R1 as admin with the password from sshpass; no keys, no known_hosts.
func sshArgs(password string, extra ...string) []string {
	args := []string{"sshpass", "-p", password, "ssh",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
		"-o", "ConnectTimeout=10"}
	args = append(args, extra...)
	return append(args, remoteUser+"@"+remoteRouter)
}

var briefLine = regexp.MustCompile(`GigabitEthernet0/0\s+192\.168\.1\.1\s+YES\s+\S+\s+up\s+up`)

func (l *remoteLab) testInventory(t *testing.T) {
	out, err := l.run("inventory", "--ansible", l.name)
	if err != nil {
		t.Fatalf("labs inventory: %v\n%s", err, out)
	}
	for _, want := range []string{"ansible_host: " + remoteRouter + " ", "ansible_user: admin", "ansible_password: cisco",
		"ansible_network_os: cisco.ios.ios", "ansible_connection: ansible.netcommon.network_cli"} {
		if !strings.Contains(out, want) {
			t.Errorf("inventory lacks %q:\n%s", want, out)
		}
	}
}

func (l *remoteLab) testSSHExec(t *testing.T) {
	out, err := l.onPC1(30*time.Second, nil, append(sshArgs(remotePass), "show ip interface brief")...)
	if err != nil {
		t.Fatalf("ssh ... 'show ip interface brief': %v\n%s", err, out)
	}
	if !briefLine.MatchString(out) {
		t.Errorf("ssh ... 'show ip interface brief' printed no Gi0/0 line:\n%s", out)
	}
}

// testSSHWrongPassword: sshpass exits 5 when the password is refused (ssh asked again).
func (l *remoteLab) testSSHWrongPassword(t *testing.T) {
	out, err := l.onPC1(30*time.Second, nil, append(sshArgs("wrong"), "show version")...)
	var ee *exec.ExitError
	if err == nil || !errors.As(err, &ee) || ee.ExitCode() != 5 {
		t.Errorf("ssh with a wrong password: %v (want sshpass's exit status 5, password refused)\n%s", err, out)
	}
}

func (l *remoteLab) testSSHInteractive(t *testing.T) {
	p := startTerm(t, l.pc1, sshArgs(remotePass, "-tt")...)
	p.expect(`R1#`, 30*time.Second)
	// While the session is open, the console's show users lists it with pc1's address.
	if users := l.cli(t, "show users"); !regexp.MustCompile(`vty 0\s+admin\s[^\n]*192\.168\.1\.10`).MatchString(users) {
		t.Errorf("show users during the SSH session lacks vty 0 admin ... 192.168.1.10:\n%s", users)
	}
	p.send("show ip interface brief\r")
	if got := p.expect(`R1#`, 10*time.Second); !briefLine.MatchString(got) {
		t.Errorf("show ip interface brief over SSH:\n%s", got)
	}
	configure(p, "by-ssh")
	p.send("exit\r")
	p.wait(10 * time.Second)
	l.saved(t, " description by-ssh")
}

func (l *remoteLab) testTelnet(t *testing.T) {
	p := startTerm(t, l.pc1, "telnet", remoteRouter)
	p.expect(`User Access Verification`, 20*time.Second)
	p.expect(`Username: ?$`, 5*time.Second)
	p.send(remoteUser + "\r")
	p.expect(`Password: ?$`, 5*time.Second)
	p.send(remotePass + "\r")
	p.expect(`R1#`, 10*time.Second)
	p.send("show ip interface brief\r")
	if got := p.expect(`R1#`, 10*time.Second); !briefLine.MatchString(got) {
		t.Errorf("show ip interface brief over telnet:\n%s", got)
	}
	configure(p, "by-telnet")
	p.send("exit\r")
	p.expect(`Connection closed by foreign host`, 10*time.Second)
	p.wait(10 * time.Second)
	l.saved(t, " description by-telnet")
}

// configure sets a description on Gi0/1 at the prompt and saves it with write memory.
func configure(p *term, desc string) {
	p.t.Helper()
	p.send("configure terminal\r")
	p.expect(`R1\(config\)#`, 10*time.Second)
	p.send("interface GigabitEthernet0/1\r")
	p.expect(`R1\(config-if\)#`, 10*time.Second)
	p.send("description " + desc + "\r")
	p.expect(`R1\(config-if\)#`, 10*time.Second)
	p.send("end\r")
	p.expect(`R1#`, 10*time.Second)
	p.send("write memory\r")
	p.expect(`\[OK\][\s\S]*R1#`, 10*time.Second)
}

func (l *remoteLab) testNetmiko(t *testing.T, deviceType, marker string) {
	script, err := filepath.Abs("testdata/remote/netmiko_session.py")
	if err != nil {
		t.Fatal(err)
	}
	out, err := l.onPC1(120*time.Second, nil, "/usr/bin/python3", script, deviceType, remoteRouter, remoteUser, remotePass, marker)
	if err != nil {
		t.Fatalf("netmiko %s: %v\n%s", deviceType, err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`==== prompt\nR1#`), briefLine,
		regexp.MustCompile(`R1\(config-if\)#`), regexp.MustCompile(`==== save_config\n[\s\S]*\[OK\]`),
		regexp.MustCompile(`description ` + marker), regexp.MustCompile(`==== done`),
	} {
		if !want.MatchString(out) {
			t.Errorf("netmiko %s: output lacks %s:\n%s", deviceType, want, out)
		}
	}
	l.saved(t, " description "+marker)
}

func (l *remoteLab) testAnsible(t *testing.T) {
	inv, err := l.run("inventory", "--ansible", "--from", "pc1", l.name)
	if err != nil {
		t.Fatalf("labs inventory: %v\n%s", err, inv)
	}
	invFile := filepath.Join(l.dir, "inventory.yml")
	if err := os.WriteFile(invFile, []byte(inv), 0o644); err != nil {
		t.Fatal(err)
	}
	playbook, err := filepath.Abs("testdata/remote/playbook.yml")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0",
		"ANSIBLE_LOCAL_TEMP=" + filepath.Join(l.dir, "ansible-tmp"), "ANSIBLE_PERSISTENT_COMMAND_TIMEOUT=60",
		"ANSIBLE_PERSISTENT_CONNECT_TIMEOUT=60", "ANSIBLE_RETRY_FILES_ENABLED=False"}
	out, err := l.onPC1(240*time.Second, env, "ansible-playbook", "-i", invFile, playbook)
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`r1\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0`).MatchString(out) {
		t.Errorf("ansible-playbook's recap is not ok with one change:\n%s", out)
	}
	l.saved(t, " description by-ansible")
}
