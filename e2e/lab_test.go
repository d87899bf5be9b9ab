package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"natlab/internal/netnstest"
)

// The reference topology's addresses (the drawing in README.md).
const (
	pc1Addr    = "192.168.1.10"
	srvAddr    = "192.168.2.10"
	ispAddr    = "203.0.113.10"
	patAddr    = "203.0.113.1"   // Gi0/1, pc1's global address
	staticAddr = "203.0.113.100" // srv's global address
)

// lab is the reference topology with either router in the middle. Every host's link is called eth0.
type lab struct {
	kind          string // "ours", "ethernet" or "kernel"
	pc1, srv, isp string // namespaces
	router        *netnstest.Router
}

// routerConfig is R1 of the reference topology with its outside ACL: inbound on Gi0/1 only FTP control to the static-NAT server is permitted; everything else must come through inspection.
// Inspection is applied where the sessions start, as on IOS CBAC: inbound on the inside interfaces for
// pc1's and srv's sessions, inbound on Gi0/1 for the ISP's sessions to the server.
var routerConfig = []string{
	"enable", "configure terminal", "hostname R1",
	"ip inspect name FW ftp",
	"access-list 1 permit 192.168.1.0 0.0.0.255",
	"ip access-list extended OUTSIDE_IN",
	" permit tcp any host " + staticAddr + " eq ftp",
	" deny   ip any any",
	"exit",
	"interface GigabitEthernet0/0", " ip address 192.168.1.1 255.255.255.0", " ip nat inside", " ip inspect FW in", " no shutdown",
	"interface GigabitEthernet0/1", " ip address " + patAddr + " 255.255.255.0", " ip nat outside",
	" ip access-group OUTSIDE_IN in", " ip inspect FW in", " no shutdown",
	"interface GigabitEthernet0/2", " ip address 192.168.2.1 255.255.255.0", " ip nat inside", " ip inspect FW in", " no shutdown",
	"exit",
	"ip nat inside source list 1 interface GigabitEthernet0/1 overload",
	"ip nat inside source static " + srvAddr + " " + staticAddr,
	"end",
}

// newLab builds the lab with the router kind (labKinds) in the middle.
func newLab(t *testing.T, kind string) *lab {
	t.Helper()
	switch kind {
	case "ours":
		return newOurLab(t)
	case "ethernet":
		return newEthernetLab(t)
	}
	return newKernelLab(t)
}

// ours reports whether our router is in the middle (its results are asserted; the kernel's are the
// baseline).
func (l *lab) ours() bool { return l.kind != "kernel" }

// newHosts makes the lab's three host namespaces, named with prefix so that the two routers' labs
// never share one.
func newHosts(t *testing.T, kind, prefix string) *lab {
	t.Helper()
	return &lab{kind: kind,
		pc1: netnstest.Namespace(t, prefix+"pc1"),
		srv: netnstest.Namespace(t, prefix+"srv"),
		isp: netnstest.Namespace(t, prefix+"isp"),
	}
}

// newOurLab runs the router binary with the three hosts on TUN devices in their namespaces.
func newOurLab(t *testing.T) *lab {
	t.Helper()
	l := newHosts(t, "ours", "t-ftp-")
	sfx := fmt.Sprint(os.Getpid() % 100000)
	l.router = netnstest.StartRouter(t,
		"--port", "g0/0=tun:fta"+sfx+",netns="+l.pc1+",name=eth0,addr="+pc1Addr+"/24,gw=192.168.1.1",
		"--port", "g0/1=tun:ftb"+sfx+",netns="+l.isp+",name=eth0,addr="+ispAddr+"/24",
		"--port", "g0/2=tun:ftc"+sfx+",netns="+l.srv+",name=eth0,addr="+srvAddr+"/24,gw=192.168.2.1")
	l.router.MustRun(15*time.Second, routerConfig...)
	return l
}

// newEthernetLab builds the topology as a plain script (or containerlab) would for any router: a
// namespace for the router with veth pairs to the hosts, and starts our router inside that namespace
// on those interfaces (eth:, AF_PACKET). The ISP has no route to the static-NAT address: it ARPs for
// it on the link, and R1 answers for its NAT global address as IOS does.
func newEthernetLab(t *testing.T) *lab {
	t.Helper()
	l := newHosts(t, "ethernet", "t-ftp-e")
	rtr := netnstest.Namespace(t, "t-ftp-ertr")
	l.vethHosts(t, rtr, "eth1", "eth2", "eth3")
	l.router = netnstest.StartRouterIn(t, rtr,
		"--port", "g0/0=eth:eth1", "--port", "g0/1=eth:eth2", "--port", "g0/2=eth:eth3")
	l.router.MustRun(15*time.Second, routerConfig...)
	return l
}

// kernelRules is the kernel router's ruleset: nftables NAT with the nf_conntrack_ftp helper
// on port 21, and a forward policy that admits from outside only FTP control to the server and what
// conntrack calls established or related (the helper's expectations).
const kernelRules = `table ip nat {
  ct helper ftp-std {
    type "ftp" protocol tcp
  }
  chain pre {
    type nat hook prerouting priority dstnat;
    ip daddr 203.0.113.100 dnat to 192.168.2.10
  }
  chain post {
    type nat hook postrouting priority srcnat;
    ip saddr 192.168.2.10 oifname "r1" snat to 203.0.113.100
    ip saddr 192.168.1.0/24 oifname "r1" masquerade
  }
  chain hlp {
    type filter hook prerouting priority filter;
    tcp dport 21 ct helper set "ftp-std"
  }
}
table ip filter {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    iifname { "r0", "r2" } accept
    ip daddr 192.168.2.10 tcp dport 21 accept
  }
}
`

// newKernelLab builds the same topology with a namespace as the router: veth pairs, forwarding, the
// nftables rules in kernelRules. It skips when the kernel lacks nftables or the FTP helper.
func newKernelLab(t *testing.T) *lab {
	t.Helper()
	netnstest.RequireRoot(t, "nft")
	l := newHosts(t, "kernel", "t-ftp-k")
	rtr := netnstest.Namespace(t, "t-ftp-krtr")
	l.vethHosts(t, rtr, "r0", "r1", "r2")
	// The ISP reaches the static-NAT address through R1 (on a veth it would otherwise ARP for it); it has
	// no route to the private networks.
	netnstest.Exec(t, l.isp, "ip", "route", "add", staticAddr+"/32", "via", patAddr)
	netnstest.Exec(t, rtr, "ip", "addr", "add", "192.168.1.1/24", "dev", "r0")
	netnstest.Exec(t, rtr, "ip", "addr", "add", patAddr+"/24", "dev", "r1")
	netnstest.Exec(t, rtr, "ip", "addr", "add", "192.168.2.1/24", "dev", "r2")
	netnstest.Exec(t, rtr, "sysctl", "-qw", "net.ipv4.ip_forward=1")
	cmd := exec.Command("ip", "netns", "exec", rtr, "nft", "-f", "-")
	cmd.Stdin = strings.NewReader(kernelRules)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("kernel router: nft -f: %v\n%s", err, out)
	}
	return l
}

// vethHosts joins pc1, the ISP and srv to namespace rtr with veth pairs (their ends eth0 with the
// lab's addresses and default routes, rtr's ends named by peers, all up), as a plain script would.
func (l *lab) vethHosts(t *testing.T, rtr string, peers ...string) {
	t.Helper()
	for k, h := range []struct{ ns, addr, gw string }{
		{l.pc1, pc1Addr + "/24", "192.168.1.1"},
		{l.isp, ispAddr + "/24", ""},
		{l.srv, srvAddr + "/24", "192.168.2.1"},
	} {
		run(t, "ip", "link", "add", "eth0", "netns", h.ns, "type", "veth", "peer", "name", peers[k], "netns", rtr)
		netnstest.Exec(t, h.ns, "ip", "addr", "add", h.addr, "dev", "eth0")
		netnstest.Exec(t, h.ns, "ip", "link", "set", "eth0", "up")
		if h.gw != "" {
			netnstest.Exec(t, h.ns, "ip", "route", "add", "default", "via", h.gw)
		}
		netnstest.Exec(t, rtr, "ip", "link", "set", peers[k], "up")
	}
}

func run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
