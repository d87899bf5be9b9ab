package device

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/ios"
	"natlab/port"
)

// e2eRouter is the router of an end-to-end test, in this process, with
// its interfaces as TUN devices in namespaces.
type e2eRouter struct {
	d   *Device
	s   *ios.Session
	out bytes.Buffer
}

type e2eHost struct{ ns, addr, gw string }

func newE2ERouter(t *testing.T, hosts []e2eHost, config string) *e2eRouter {
	t.Helper()
	x := &e2eRouter{d: New(Options{Interfaces: len(hosts)})}
	t.Cleanup(func() { x.d.Close() })
	for i, h := range hosts {
		cfg := port.TUNConfig{Device: fmt.Sprintf("tftpi%d%d", os.Getpid()%10000, i), Netns: h.ns, HostName: "eth0",
			HostAddr: netip.MustParsePrefix(h.addr)}
		if h.gw != "" {
			cfg.HostGateway = netip.MustParseAddr(h.gw)
		}
		p, err := port.OpenTUN(cfg)
		if err != nil {
			t.Skipf("TUN: %v", err)
		}
		if err := x.d.Router.Bind(fmt.Sprintf("GigabitEthernet0/%d", i), p); err != nil {
			t.Fatal(err)
		}
	}
	x.s = x.d.Engine.NewSession(&x.out)
	x.s.SetMode(ios.Exec)
	if failed := x.s.RunScript(strings.NewReader(config)); failed != 0 {
		t.Fatalf("configuration:\n%s", x.out.String())
	}
	return x
}

// startVsftpd runs an anonymous vsftpd in ns on addr, serving payload as
// file.txt; it is stopped by process group at cleanup.
func startVsftpd(t *testing.T, ns, addr, payload string, extra ...string) *bytes.Buffer {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	empty := filepath.Join(dir, "empty")
	for _, d := range []string{root, empty} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "file.txt"), []byte(payload), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "vsftpd.conf")
	lines := append([]string{
		"listen=YES", "background=NO", "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
		"anon_root=" + root, "secure_chroot_dir=" + empty, "connect_from_port_20=YES",
		"pasv_enable=YES", "port_enable=YES", "seccomp_sandbox=NO", "xferlog_enable=NO",
		"run_as_launching_user=YES", "ftp_username=nobody", "listen_address=" + addr,
	}, extra...)
	if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, "vsftpd", conf)
	var vlog bytes.Buffer
	cmd.Stdout, cmd.Stderr = &vlog, &vlog
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
	})
	time.Sleep(300 * time.Millisecond)
	return &vlog
}

// TestE2ECurlVsftpd runs the lab E5 router in this process, its
// interfaces as TUN devices in two namespaces (pc1 behind PAT, the isp
// with a real vsftpd), and downloads a file with curl in active mode
// (PORT: the rewrite and the pinhole are both needed, the inbound ACL
// denies everything new: vsftpd refuses a PORT/EPRT that does not carry
// the control peer's address, so success proves the rewrite), and in
// passive mode with PASV and EPSV.
func TestE2ECurlVsftpd(t *testing.T) {
	netnstest.RequireRoot(t, "vsftpd", "curl")
	pc1 := netnstest.Namespace(t, "t-ftpi-pc1")
	isp := netnstest.Namespace(t, "t-ftpi-isp")
	x := newE2ERouter(t, []e2eHost{{pc1, "192.168.1.10/24", "192.168.1.1"}, {isp, "203.0.113.10/24", ""}}, `configure terminal
interface GigabitEthernet0/0
 ip address 192.168.1.1 255.255.255.0
 ip nat inside
 no shutdown
interface GigabitEthernet0/1
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
 ip access-group OUTSIDE_IN in
 ip inspect FW out
 no shutdown
 exit
ip inspect name FW ftp
access-list 1 permit 192.168.1.0 0.0.0.255
ip nat inside source list 1 interface GigabitEthernet0/1 overload
ip access-list extended OUTSIDE_IN
 permit tcp any any established
 deny   ip any any
end
`)
	payload := strings.Repeat("natlab ftp inspection\n", 5000)
	vlog := startVsftpd(t, isp, "203.0.113.10", payload)

	for _, mode := range []struct {
		name string
		args []string
	}{
		{"active EPRT", []string{"-P", "-"}},
		{"active PORT", []string{"-P", "-", "--disable-eprt"}},
		{"passive", []string{"--disable-epsv"}},
		{"epsv", nil},
	} {
		args := append([]string{"-sS", "--max-time", "10", "-o", "-"}, mode.args...)
		args = append(args, "ftp://203.0.113.10/file.txt")
		got, err := netnstest.Try(pc1, append([]string{"curl"}, args...)...)
		if err != nil || got != payload {
			t.Errorf("%s: curl: %v, %d bytes (want %d)\n%s\nvsftpd: %s\nlog: %q", mode.name, err, len(got), len(payload),
				got[:min(len(got), 300)], vlog.String(), x.d.Engine.LogBuffer())
		}
	}
	st := x.d.FTP.In.Stats()
	if st.Rewrites == 0 || st.PinholesUsed < 4 {
		t.Errorf("stats %+v, want rewrites and one pinhole used per transfer", st)
	}
	// vsftpd refuses a PORT whose address is not the control peer's
	// (port_promiscuous=NO), so the active transfer proves the rewrite; and
	// without the inspection rule the data connection meets the deny-all
	// ACL: NAT still fixes the PORT, but no pinhole opens.
	x.s.RunScript(strings.NewReader("configure terminal\ninterface GigabitEthernet0/1\n no ip inspect FW out\nend\n"))
	got, err := netnstest.Try(pc1, "curl", "-sS", "--max-time", "4", "-P", "-", "-o", "-", "ftp://203.0.113.10/file.txt")
	if err == nil && got == payload {
		t.Error("active transfer succeeded through a deny-all ACL without inspection")
	}
}

// TestE2EWgetStaticNAT: vsftpd behind static NAT (lab E5's server), wget
// from the isp in passive mode. wget connects to the address in the 227,
// so the transfer needs the rewrite to the global address, and the inbound
// ACL admits only FTP control: the data connection needs the pinhole.
func TestE2EWgetStaticNAT(t *testing.T) {
	netnstest.RequireRoot(t, "vsftpd", "wget")
	isp := netnstest.Namespace(t, "t-ftpi-isp2")
	srv := netnstest.Namespace(t, "t-ftpi-srv")
	x := newE2ERouter(t, []e2eHost{{isp, "203.0.113.10/24", ""}, {srv, "192.168.2.10/24", "192.168.2.1"}}, `configure terminal
interface GigabitEthernet0/0
 ip address 203.0.113.1 255.255.255.0
 ip nat outside
 ip access-group OUTSIDE_IN in
 ip inspect FW in
 no shutdown
interface GigabitEthernet0/1
 ip address 192.168.2.1 255.255.255.0
 ip nat inside
 no shutdown
 exit
ip inspect name FW ftp
ip nat inside source static 192.168.2.10 203.0.113.100
ip access-list extended OUTSIDE_IN
 permit tcp any host 203.0.113.100 eq ftp
 permit tcp any any established
 deny   ip any any
end
`)
	payload := strings.Repeat("behind static NAT\n", 4000)
	vlog := startVsftpd(t, srv, "192.168.2.10", payload, "pasv_min_port=40000", "pasv_max_port=40010")
	got, err := netnstest.Try(isp, "wget", "-q", "-O", "-", "--passive-ftp", "ftp://203.0.113.100/file.txt")
	if err != nil || got != payload {
		t.Errorf("wget: %v, %d bytes (want %d)\nvsftpd: %s\nlog: %q", err, len(got), len(payload), vlog.String(), x.d.Engine.LogBuffer())
	}
	if st := x.d.FTP.In.Stats(); st.Rewrites == 0 || st.PinholesUsed == 0 {
		t.Errorf("stats %+v", st)
	}
}
