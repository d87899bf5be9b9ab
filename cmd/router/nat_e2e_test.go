package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

// natLab is the reference topology on real namespaces: pc1 192.168.1.10 on Gi0/0, pc2 192.168.3.10 on
// Gi0/3, srv 192.168.2.10 on Gi0/2 (all inside) and isp 203.0.113.10 on Gi0/1 (outside). The ISP has no
// route to the private networks, as in the CCNA labs: only translated traffic can come back.
type natLab struct {
	r                  *netnstest.Router
	pc1, pc2, srv, isp string
}

func newNATLab(t *testing.T) *natLab {
	t.Helper()
	netnstest.RequireRoot(t, "ping", "curl", "/usr/bin/python3")
	l := &natLab{
		pc1: netnstest.Namespace(t, "t-nat-pc1"),
		pc2: netnstest.Namespace(t, "t-nat-pc2"),
		srv: netnstest.Namespace(t, "t-nat-srv"),
		isp: netnstest.Namespace(t, "t-nat-isp"),
	}
	sfx := pidSuffix()
	l.r = netnstest.StartRouter(t,
		"--port", "g0/0=tun:na"+sfx+",netns="+l.pc1+",name=eth0,addr=192.168.1.10/24,gw=192.168.1.1",
		"--port", "g0/1=tun:nb"+sfx+",netns="+l.isp+",name=eth0,addr=203.0.113.10/24",
		"--port", "g0/2=tun:nc"+sfx+",netns="+l.srv+",name=eth0,addr=192.168.2.10/24,gw=192.168.2.1",
		"--port", "g0/3=tun:nd"+sfx+",netns="+l.pc2+",name=eth0,addr=192.168.3.10/24,gw=192.168.3.1")
	l.r.MustRun(10*time.Second, "en", "conf t", "hostname R1",
		"int g0/0", "ip add 192.168.1.1 255.255.255.0", "ip nat inside", "no shut",
		"int g0/1", "ip add 203.0.113.1 255.255.255.0", "ip nat outside", "no shut",
		"int g0/2", "ip add 192.168.2.1 255.255.255.0", "ip nat inside", "no shut",
		"int g0/3", "ip add 192.168.3.1 255.255.255.0", "ip nat inside", "no shut",
		"end")
	return l
}

// config types configuration lines and fails on any % error.
func (l *natLab) config(t *testing.T, lines ...string) {
	t.Helper()
	l.r.MustRun(10*time.Second, append(append([]string{"conf t"}, lines...), "end")...)
}

// show runs a show command and returns its output without the echoed command line.
func (l *natLab) show(t *testing.T, cmd string) string {
	t.Helper()
	out := l.r.Run(5*time.Second, cmd)
	if i := strings.Index(out, "\n"); i >= 0 {
		return out[i+1:]
	}
	return out
}

// startWebServer serves body as / with Python's http.server in ns on addr:port until the test ends,
// and waits until it listens.
func startWebServer(t *testing.T, ns, addr string, port int, body string) {
	t.Helper()
	www := t.TempDir()
	if err := os.WriteFile(filepath.Join(www, "index.html"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	netnstest.Start(t, ns, "/usr/bin/python3", "-m", "http.server", strconv.Itoa(port), "--bind", addr, "--directory", www)
	netnstest.WaitTCP(t, ns, addr, port, 10*time.Second)
}

func wantLines(t *testing.T, what, text string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile(`(?m)` + p).MatchString(text) {
			t.Errorf("%s lacks a line matching %q:\n%s", what, p, text)
		}
	}
}

// E1: static NAT. The server is reachable from the ISP at its global address; its own traffic leaves
// translated; show ip nat translations has the static row and one extended row per flow.
func TestE1StaticNAT(t *testing.T) {
	l := newNATLab(t)
	l.config(t, "ip nat inside source static 192.168.2.10 203.0.113.100")
	startWebServer(t, l.srv, "192.168.2.10", 80, "srv ok\n")

	netnstest.Exec(t, l.isp, "ping", "-c", "2", "-i", "0.2", "-W", "2", "203.0.113.100")
	if got := netnstest.Exec(t, l.isp, "curl", "-s", "--max-time", "10", "http://203.0.113.100/"); got != "srv ok\n" {
		t.Errorf("ISP fetching http://203.0.113.100/ got %q", got)
	}
	netnstest.Exec(t, l.srv, "ping", "-c", "2", "-i", "0.2", "-W", "2", "203.0.113.10")
	tr := l.show(t, "sh ip nat tr")
	wantLines(t, "show ip nat translations", tr,
		`^Pro Inside global      Inside local       Outside local      Outside global$`,
		`^--- 203\.0\.113\.100      192\.168\.2\.10       ---                ---$`,
		`^icmp 203\.0\.113\.100:(\d+) +192\.168\.2\.10:\d+ +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`,
		`^tcp 203\.0\.113\.100:80 +192\.168\.2\.10:80 +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`)
	wantLines(t, "show ip nat statistics", l.show(t, "sh ip nat statistics"),
		`^Total active translations: \d+ \(1 static, \d+ dynamic; \d+ extended\)$`,
		`^Outside interfaces:\n  GigabitEthernet0/1$`,
		`^Inside interfaces: \n  GigabitEthernet0/0, GigabitEthernet0/2, GigabitEthernet0/3$`,
		`^Hits: [1-9]\d*  Misses: \d+$`)
	// The ISP has no route to the inside local address (the E3 quiz): only the global one works.
	if out, err := netnstest.Try(l.isp, "ping", "-c", "1", "-W", "1", "192.168.2.10"); err == nil {
		t.Errorf("the ISP reached the inside local address:\n%s", out)
	}
	l.r.Run(5*time.Second, "clear ip nat translation *")
	wantLines(t, "translations after clear", l.show(t, "show ip nat translations"),
		`^--- 203\.0\.113\.100      192\.168\.2\.10       ---                ---$`)
	if tr := l.show(t, "show ip nat translations"); strings.Contains(tr, "icmp") || strings.Contains(tr, "tcp ") {
		t.Errorf("clear ip nat translation * left dynamic rows:\n%s", tr)
	}
}

// E2: dynamic NAT from a pool: the PC gets the first pool address, a simple row plus the flow row.
func TestE2DynamicPool(t *testing.T) {
	l := newNATLab(t)
	l.config(t, "access-list 1 permit 192.168.1.0 0.0.0.255",
		"ip nat pool public_access 203.0.113.50 203.0.113.60 netmask 255.255.255.0",
		"ip nat inside source list 1 pool public_access")
	netnstest.Exec(t, l.pc1, "ping", "-c", "2", "-i", "0.2", "-W", "2", "203.0.113.10")
	wantLines(t, "show ip nat translations", l.show(t, "show ip nat translations"),
		`^--- 203\.0\.113\.50       192\.168\.1\.10       ---                ---$`,
		`^icmp 203\.0\.113\.50:\d+ +192\.168\.1\.10:\d+ +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`)
	wantLines(t, "show ip nat statistics", l.show(t, "show ip nat statistics"),
		`^Total active translations: 2 \(0 static, 2 dynamic; 1 extended\)$`,
		`^\[Id: \d+\] access-list 1 pool public_access refcount \d+$`,
		`^ pool public_access: netmask 255\.255\.255\.0$`,
		`^\s+start 203\.0\.113\.50 end 203\.0\.113\.60$`,
		`^\s+type generic, total addresses 11, allocated 1 \(9%\), misses 0$`)
	// pc2 is not in access-list 1: it is not translated, and the ISP cannot answer its private address.
	if out, err := netnstest.Try(l.pc2, "ping", "-c", "1", "-W", "1", "203.0.113.10"); err == nil {
		t.Errorf("an untranslated private source got an answer:\n%s", out)
	}
}

// E3: pool overload, then interface PAT: two PCs share one global address with distinct ports.
func TestE3PAT(t *testing.T) {
	l := newNATLab(t)
	l.config(t, "access-list 1 permit 192.168.0.0 0.0.255.255",
		"ip nat pool public_access 203.0.113.225 203.0.113.230 netmask 255.255.255.248",
		"ip nat inside source list 1 pool public_access overload")
	for _, pc := range []string{l.pc1, l.pc2} {
		netnstest.Exec(t, pc, "ping", "-c", "1", "-W", "2", "203.0.113.10")
	}
	tr := l.show(t, "show ip nat translations")
	wantLines(t, "pool overload translations", tr,
		`^icmp 203\.0\.113\.225:\d+ +192\.168\.1\.10:\d+ +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`,
		`^icmp 203\.0\.113\.225:\d+ +192\.168\.3\.10:\d+ +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`)
	assertDistinctGlobalPorts(t, tr)
	wantLines(t, "pool overload statistics", l.show(t, "show ip nat statistics"),
		`^\s+type generic, total addresses 6, allocated 1 \(16%\), misses 0$`)

	l.r.Run(5*time.Second, "clear ip nat translation *")
	l.config(t, "no ip nat inside source list 1 pool public_access overload",
		"no ip nat pool public_access 203.0.113.225 203.0.113.230 netmask 255.255.255.248",
		"ip nat inside source list 1 interface g0/1 overload")
	startWebServer(t, l.isp, "203.0.113.10", 8080, "isp ok\n")
	for _, pc := range []string{l.pc1, l.pc2} {
		netnstest.Exec(t, pc, "ping", "-c", "1", "-W", "2", "203.0.113.10")
		if got := netnstest.Exec(t, pc, "curl", "-s", "--max-time", "10", "http://203.0.113.10:8080/"); got != "isp ok\n" {
			t.Errorf("HTTP through PAT got %q", got)
		}
	}
	tr = l.show(t, "show ip nat translations")
	wantLines(t, "interface PAT translations", tr,
		`^icmp 203\.0\.113\.1:\d+ +192\.168\.1\.10:\d+ +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`,
		`^icmp 203\.0\.113\.1:\d+ +192\.168\.3\.10:\d+ +203\.0\.113\.10:\d+ +203\.0\.113\.10:\d+$`,
		`^tcp 203\.0\.113\.1:\d+ +192\.168\.1\.10:\d+ +203\.0\.113\.10:8080 +203\.0\.113\.10:8080$`,
		`^tcp 203\.0\.113\.1:\d+ +192\.168\.3\.10:\d+ +203\.0\.113\.10:8080 +203\.0\.113\.10:8080$`)
	assertDistinctGlobalPorts(t, tr)
	wantLines(t, "interface PAT statistics", l.show(t, "show ip nat statistics"),
		`^Total active translations: 4 \(0 static, 4 dynamic; 4 extended\)$`,
		`^\[Id: \d+\] access-list 1 interface GigabitEthernet0/1 refcount 4$`)
	// The quiz: the ISP cannot reach an inside local address.
	if out, err := netnstest.Try(l.isp, "ping", "-c", "1", "-W", "1", "192.168.1.10"); err == nil {
		t.Errorf("the ISP reached the inside local address:\n%s", out)
	}
}

// assertDistinctGlobalPorts checks that no two extended rows of one protocol share an inside global
// address and port (PAT must keep flows apart).
func assertDistinctGlobalPorts(t *testing.T, translations string) {
	t.Helper()
	seen := map[string]string{}
	for _, line := range strings.Split(translations, "\n") {
		f := strings.Fields(line)
		if len(f) != 5 || f[0] == "---" || f[0] == "Pro" {
			continue
		}
		key := fmt.Sprintf("%s %s", f[0], f[1])
		if other, dup := seen[key]; dup {
			t.Errorf("two flows share inside global %s:\n%s\n%s", key, other, line)
		}
		seen[key] = line
	}
}
