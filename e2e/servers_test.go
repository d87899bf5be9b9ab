package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

const payloadSize = 5 << 20

// payload is a 5 MB random file, made once per test binary; servers serve it as file.bin.
var (
	payloadOnce sync.Once
	payloadDir  string
	payloadErr  error
)

// payloadFiles returns the download file (served by every server) and the upload file (sent by every
// client), both 5 MB of random bytes.
func payloadFiles(t *testing.T) (download, upload string) {
	t.Helper()
	payloadOnce.Do(func() {
		payloadDir, payloadErr = os.MkdirTemp("", "natlab-e2e-")
		for _, name := range []string{"file.bin", "up.bin"} {
			if payloadErr != nil {
				return
			}
			b := make([]byte, payloadSize)
			_, _ = rand.Read(b)
			payloadErr = os.WriteFile(filepath.Join(payloadDir, name), b, 0o644)
		}
	})
	if payloadErr != nil {
		t.Fatal(payloadErr)
	}
	return filepath.Join(payloadDir, "file.bin"), filepath.Join(payloadDir, "up.bin")
}

func fileSHA(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ftpServer is a running server: its root on disk (file.bin at the top, uploads under upload/).
type ftpServer struct {
	name string
	root string
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

// stop kills the server's process group (vsftpd forks a process per session) and waits for it.
func (s *ftpServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	_ = s.cmd.Wait()
	s.cmd = nil
}

func serverRoot(t *testing.T) string {
	t.Helper()
	download, _ := payloadFiles(t)
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(download, filepath.Join(root, "file.bin")); err != nil {
		b, err := os.ReadFile(download)
		if err == nil {
			err = os.WriteFile(filepath.Join(root, "file.bin"), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "upload"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(root, "upload"), 0o777); err != nil {
		t.Fatal(err)
	}
	return root
}

// startServer starts "vsftpd" or "pyftpdlib" in ns listening on addr:21, passive ports 40000-40100,
// anonymous with uploads, and waits until it accepts connections. It is stopped by process group.
func startServer(t *testing.T, kind, ns, addr string) *ftpServer {
	t.Helper()
	s := &ftpServer{name: kind, root: serverRoot(t), log: &bytes.Buffer{}}
	var args []string
	switch kind {
	case "vsftpd":
		dir := t.TempDir()
		empty := filepath.Join(dir, "empty")
		if err := os.Mkdir(empty, 0o755); err != nil {
			t.Fatal(err)
		}
		conf := filepath.Join(dir, "vsftpd.conf")
		lines := []string{
			"listen=YES", "listen_ipv6=NO", "background=NO", "listen_address=" + addr,
			"anonymous_enable=YES", "local_enable=NO", "no_anon_password=YES",
			"write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES", "anon_other_write_enable=YES",
			"anon_umask=022", "anon_root=" + s.root, "secure_chroot_dir=" + empty,
			"run_as_launching_user=YES", "ftp_username=nobody", "seccomp_sandbox=NO",
			"connect_from_port_20=YES", "pasv_enable=YES", "port_enable=YES",
			"pasv_min_port=40000", "pasv_max_port=40100",
			"xferlog_enable=NO", "dirmessage_enable=NO", "use_localtime=NO",
			"idle_session_timeout=120", "data_connection_timeout=60",
		}
		if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		args = []string{"vsftpd", conf}
	case "pyftpdlib":
		args = []string{"/usr/bin/python3", "-m", "pyftpdlib", "-i", addr, "-p", "21", "-w", "-d", s.root, "-r", "40000-40100"}
	default:
		t.Fatalf("unknown server %q", kind)
	}
	s.cmd = exec.Command("ip", append([]string{"netns", "exec", ns}, args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", kind, err)
	}
	t.Cleanup(s.stop)
	netnstest.WaitTCP(t, ns, addr, 21, 15*time.Second)
	return s
}

// serversAvailable skips unless both servers are installed.
func serversAvailable(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("vsftpd"); err != nil {
		t.Skip("vsftpd is not installed")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import pyftpdlib").Run(); err != nil {
		t.Skip("python3-pyftpdlib is not installed for /usr/bin/python3")
	}
}
