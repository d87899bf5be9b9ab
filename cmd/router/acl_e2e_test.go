package main

import (
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

// TestE4ExtendedACL is the CCNA exercise E4 on real namespaces: PC1 may use only FTP and ICMP to the
// server, PC2 only HTTP and ICMP, and the PCs may not reach each other. Real servers (pyftpdlib, Python's
// http.server), real clients (curl, Python ftplib, ping); the ACL counters are asserted afterwards.
func TestE4ExtendedACL(t *testing.T) {
	netnstest.RequireRoot(t, "ping", "curl", "/usr/bin/python3")
	if err := osexec.Command("/usr/bin/python3", "-c", "import pyftpdlib").Run(); err != nil {
		t.Skip("python3-pyftpdlib is not installed")
	}
	pc1 := netnstest.Namespace(t, "t-e4-pc1")
	pc2 := netnstest.Namespace(t, "t-e4-pc2")
	srv := netnstest.Namespace(t, "t-e4-srv")
	sfx := pidSuffix()
	r := netnstest.StartRouter(t,
		"--port", "g0/0=tun:e4a"+sfx+",netns="+pc1+",name=eth0,addr=172.22.34.66/27,gw=172.22.34.65",
		"--port", "g0/1=tun:e4b"+sfx+",netns="+pc2+",name=eth0,addr=172.22.34.98/28,gw=172.22.34.97",
		"--port", "g0/2=tun:e4c"+sfx+",netns="+srv+",name=eth0,addr=172.22.34.62/26,gw=172.22.34.1")
	ftp := t.TempDir()
	if err := os.WriteFile(filepath.Join(ftp, "file.txt"), []byte("ftp ok\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	netnstest.Start(t, srv, "/usr/bin/python3", "-m", "pyftpdlib", "-p", "21", "-d", ftp, "-r", "3001-3010")

	r.MustRun(10*time.Second, "en", "conf t", "hostname R1",
		"int g0/0", "ip add 172.22.34.65 255.255.255.224", "no shut",
		"int g0/1", "ip add 172.22.34.97 255.255.255.240", "no shut",
		"int g0/2", "ip add 172.22.34.1 255.255.255.192", "no shut",
		// The exercise's lists, typed as a student would; PC1's passive-mode data ports (the server's
		// 3001-3010) must be opened by hand: without inspection a static filter needs the range.
		"access-list 100 permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 eq ftp",
		"access-list 100 permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 range 3001 3010",
		"access-list 100 permit icmp 172.22.34.64 0.0.0.31 host 172.22.34.62",
		"int g0/0", "ip access-group 100 in",
		"ip access-list extended HTTP_ONLY",
		"permit tcp 172.22.34.96 0.0.0.15 host 172.22.34.62 eq www",
		"permit icmp 172.22.34.96 0.0.0.15 host 172.22.34.62",
		"int g0/1", "ip access-group HTTP_ONLY in", "end")
	netnstest.WaitTCP(t, srv, "127.0.0.1", 21, 10*time.Second)
	startWebServer(t, srv, "172.22.34.62", 80, "www ok\n")

	if got := netnstest.Exec(t, pc1, "curl", "-s", "--max-time", "10", "ftp://172.22.34.62/file.txt"); got != "ftp ok\n" {
		t.Errorf("PC1 curl over FTP got %q", got)
	}
	ftplib := `import ftplib; f = ftplib.FTP("172.22.34.62", timeout=10); f.login(); print(f.nlst()); f.quit()`
	if got := netnstest.Exec(t, pc1, "/usr/bin/python3", "-c", ftplib); !strings.Contains(got, "file.txt") {
		t.Errorf("PC1 ftplib listing: %q", got)
	}
	netnstest.Exec(t, pc1, "ping", "-c", "2", "-i", "0.2", "-W", "2", "172.22.34.62")
	if got, err := netnstest.Try(pc1, "curl", "-s", "--max-time", "3", "http://172.22.34.62/"); err == nil {
		t.Errorf("PC1 reached the web server: %q", got)
	}
	if got := netnstest.Exec(t, pc2, "curl", "-s", "--max-time", "10", "http://172.22.34.62/"); got != "www ok\n" {
		t.Errorf("PC2 web fetch got %q", got)
	}
	netnstest.Exec(t, pc2, "ping", "-c", "2", "-i", "0.2", "-W", "2", "172.22.34.62")
	if got, err := netnstest.Try(pc2, "curl", "-s", "--max-time", "3", "ftp://172.22.34.62/file.txt"); err == nil {
		t.Errorf("PC2 used FTP: %q", got)
	}
	// Two probes 600 ms apart: IOS rate-limits unreachables to one per 500 ms, and the denied curl above
	// may just have used the allowance.
	if got, err := netnstest.Try(pc1, "ping", "-c", "2", "-i", "0.6", "-W", "1", "172.22.34.98"); err == nil {
		t.Errorf("PC1 reached PC2:\n%s", got)
	} else if !strings.Contains(got, "Communication administratively prohibited") && !strings.Contains(got, "Packet filtered") {
		t.Errorf("PC1's denied ping got no administratively-prohibited unreachable:\n%s", got)
	}

	lists := r.Run(5*time.Second, "show access-lists")
	for _, entry := range []string{
		"10 permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 eq ftp",
		"20 permit tcp 172.22.34.64 0.0.0.31 host 172.22.34.62 range 3001 3010",
		"30 permit icmp 172.22.34.64 0.0.0.31 host 172.22.34.62",
		"10 permit tcp 172.22.34.96 0.0.0.15 host 172.22.34.62 eq www",
		"20 permit icmp 172.22.34.96 0.0.0.15 host 172.22.34.62",
	} {
		m := regexp.MustCompile(regexp.QuoteMeta(entry) + ` \((\d+) matches\)`).FindStringSubmatch(lists)
		if m == nil {
			t.Errorf("show access-lists has no counted line %q:\n%s", entry, lists)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n < 2 {
			t.Errorf("%q matched %d packets, want several", entry, n)
		}
	}
	cleared := r.Run(5*time.Second, "clear access-list counters", "show access-lists 100")
	if strings.Contains(cleared, "matches)") {
		t.Errorf("counters survived clear access-list counters:\n%s", cleared)
	}
}
