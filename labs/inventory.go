package labs

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Target is one router as automation (Ansible, Nornir, netmiko) reaches it from inside the lab: an
// address of the router on a link of a host, which is where the automation runs (labs exec HOST --
// ansible-playbook ...). The lab's namespaces are not reachable from the machine itself.
type Target struct {
	Name      string
	Addr      netip.Addr // zero: no host reaches an address of the router
	From      string     // the host that reaches Addr
	FromIf    string     // its interface on that link
	Interface string     // the router interface that has Addr (GigabitEthernet0/0, or a subinterface)
	Username  string
	Password  string
}

// Targets lists the lab's routers as seen from a host: from the named host (it must be a host of the
// lab), or, when from is "", from the first host on each router's links in file order. configs gives
// a router's current startup-config by node name where it differs from the topology's (a running lab's
// working copy); the router's interface addresses are read from it.
func (t *Topology) Targets(from string, configs map[string]string) ([]Target, error) {
	if from != "" {
		n := t.Node(from)
		if n == nil || n.Kind != Host {
			return nil, fmt.Errorf("%s is not a host of lab %s: --from names the host that runs the automation", from, t.Name)
		}
	}
	var out []Target
	for _, r := range t.Routers() {
		cfg, ok := configs[r.Name]
		if !ok {
			cfg = r.StartupConfigText
		}
		tg := Target{Name: r.Name, Username: r.Username, Password: r.Password}
		t.reach(r, interfaceAddrs(cfg), from, &tg)
		out = append(out, tg)
	}
	return out, nil
}

// reach fills in where a host meets the router: for each of the router's links in file order, the
// hosts on that segment (the host at the other end, or every host behind a switch), and for each an
// address of the router on that host's subnet (a subinterface's too, as on a trunk). Failing that on
// every link, the gateway of a host on a link whose router interface the config gives no address:
// the address the host was told the router has (configured later, at the console).
func (t *Topology) reach(r *Node, addrs []ifAddr, from string, tg *Target) {
	onIf := func(a ifAddr, ifname string) bool { return a.name == ifname || strings.HasPrefix(a.name, ifname+".") }
	set := func(addr netip.Addr, h End, ifname string) {
		tg.Addr, tg.From, tg.FromIf, tg.Interface = addr, h.Node.Name, h.If, ifname
	}
	for pass := 0; pass < 2; pass++ {
		for _, l := range t.LinksOf(r) {
			here, far := l.At(r)
			for _, h := range t.hostsBehind(far) {
				if from != "" && h.Node.Name != from {
					continue
				}
				hostAddr := h.Node.AddrOf(h.If)
				if pass == 0 {
					for _, a := range addrs {
						if onIf(a, here.If) && hostAddr.IsValid() && a.pfx.Contains(hostAddr.Addr()) && a.pfx.Addr() != hostAddr.Addr() {
							set(a.pfx.Addr(), h, a.name)
							return
						}
					}
					continue
				}
				gw := h.Node.GatewayOn(h.If)
				if gw.IsValid() && !slices.ContainsFunc(addrs, func(a ifAddr) bool { return onIf(a, here.If) }) {
					set(gw, h, here.If)
					return
				}
			}
		}
	}
}

// hostsBehind lists the host ends on the layer-2 segment that starts at end e: e itself when it is a
// host, every host reached through switches (and switch-to-switch links) when it is a switch port.
func (t *Topology) hostsBehind(e End) []End {
	switch e.Node.Kind {
	case Host:
		return []End{e}
	case Router:
		return nil
	}
	var out []End
	seen := map[*Node]bool{e.Node: true}
	queue := []*Node{e.Node}
	for len(queue) > 0 {
		sw := queue[0]
		queue = queue[1:]
		for _, l := range t.LinksOf(sw) {
			_, far := l.At(sw)
			switch {
			case far.Node.Kind == Host:
				out = append(out, far)
			case far.Node.Kind == Switch && !seen[far.Node]:
				seen[far.Node] = true
				queue = append(queue, far.Node)
			}
		}
	}
	return out
}

// ifAddr is an interface's primary address as the startup-config gives it.
type ifAddr struct {
	name string // canonical: GigabitEthernet0/1, GigabitEthernet0/0.10
	pfx  netip.Prefix
}

// interfaceAddrs reads the primary `ip address A M` of each `interface` section of an IOS config, in
// config order. Anything it does not understand is passed over: the config is the router's to judge.
func interfaceAddrs(cfg string) []ifAddr {
	var out []ifAddr
	cur := ""
	sc := bufio.NewScanner(strings.NewReader(cfg))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 || f[0] == "!" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			cur = ""
			if strings.EqualFold(f[0], "interface") && len(f) >= 2 {
				cur = configInterface(strings.Join(f[1:], ""))
			}
			continue
		}
		if cur == "" || len(f) != 4 || f[0] != "ip" || f[1] != "address" {
			continue // also `ip address A M secondary` (5 fields) and `no ip address`
		}
		pfx, ok := maskedPrefix(f[2], f[3])
		if !ok {
			continue
		}
		// A later primary address replaces the earlier one, as it does on IOS.
		if i := slices.IndexFunc(out, func(a ifAddr) bool { return a.name == cur }); i >= 0 {
			out[i].pfx = pfx
			continue
		}
		out = append(out, ifAddr{name: cur, pfx: pfx})
	}
	return out
}

// configInterface canonicalises an interface name of a config (g0/1, Gi0/0.10); "" for others.
func configInterface(s string) string {
	base, sub, hasSub := strings.Cut(s, ".")
	c, err := canonicalInterface(base)
	if err != nil {
		return ""
	}
	if hasSub {
		if !allDigits(sub) {
			return ""
		}
		return c + "." + sub
	}
	return c
}

// maskedPrefix reads an address and a dotted mask (192.168.1.1 255.255.255.0) into 192.168.1.1/24.
func maskedPrefix(addr, mask string) (netip.Prefix, bool) {
	a, ok := ipv4Addr(addr)
	m, ok2 := ipv4Addr(mask)
	if !ok || !ok2 {
		return netip.Prefix{}, false
	}
	v := uint32(m.As4()[0])<<24 | uint32(m.As4()[1])<<16 | uint32(m.As4()[2])<<8 | uint32(m.As4()[3])
	bits := 0
	for v&0x80000000 != 0 {
		bits++
		v <<= 1
	}
	if v != 0 || bits == 0 { // not contiguous, or 0.0.0.0
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, bits), true
}

// RunningConfigs reads the working startup-config of each router of a running lab (what `write
// memory` last saved), for Targets.
func (l *Lab) RunningConfigs() map[string]string {
	out := map[string]string{}
	for _, n := range l.Nodes {
		if n.Kind != Router || n.Startup == "" {
			continue
		}
		if b, err := os.ReadFile(n.Startup); err == nil {
			out[n.Name] = string(b)
		}
	}
	return out
}

// yamlString quotes s for YAML when it needs it (a password of digits, or one with a colon).
func yamlString(s string) string {
	b, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSuffix(string(b), "\n")
}

// WriteAnsible writes an Ansible YAML inventory of the targets: the group routers, with what the
// cisco.ios collection needs to reach them over SSH (network_cli). A router no host reaches is left
// out with a comment saying so.
func WriteAnsible(w io.Writer, lab string, targets []Target) {
	fmt.Fprintf(w, "# Ansible inventory of lab %s (labs inventory --ansible).\n", lab)
	fmt.Fprintf(w, "# Each ansible_host is an address of the router on a host's link: run Ansible on that host,\n")
	fmt.Fprintf(w, "# e.g. labs exec HOST -- ansible-playbook -i inventory.yml playbook.yml\n")
	fmt.Fprintf(w, "all:\n  children:\n    routers:\n")
	if !slices.ContainsFunc(targets, func(tg Target) bool { return tg.Addr.IsValid() }) {
		fmt.Fprintf(w, "      hosts: {}\n")
	} else {
		fmt.Fprintf(w, "      hosts:\n")
	}
	for _, tg := range targets {
		if !tg.Addr.IsValid() {
			continue
		}
		fmt.Fprintf(w, "        %s:\n", tg.Name)
		fmt.Fprintf(w, "          ansible_host: %s  # %s on %s, reached from %s:%s\n", tg.Addr, ShortInterface(tg.Interface), tg.Name, tg.From, tg.FromIf)
		if tg.Username != "" {
			fmt.Fprintf(w, "          ansible_user: %s\n", yamlString(tg.Username))
		}
		if tg.Password != "" {
			fmt.Fprintf(w, "          ansible_password: %s\n", yamlString(tg.Password))
		}
	}
	fmt.Fprintf(w, "      vars:\n")
	fmt.Fprintf(w, "        ansible_network_os: cisco.ios.ios\n")
	fmt.Fprintf(w, "        ansible_connection: ansible.netcommon.network_cli\n")
	writeUnreached(w, targets)
}

// WriteNornir writes a Nornir SimpleInventory hosts file of the targets (platform ios).
func WriteNornir(w io.Writer, lab string, targets []Target) {
	fmt.Fprintf(w, "# Nornir SimpleInventory hosts of lab %s (labs inventory --nornir).\n", lab)
	fmt.Fprintf(w, "# Each hostname is an address of the router on a host's link: run Nornir on that host.\n")
	reached := 0
	for _, tg := range targets {
		if !tg.Addr.IsValid() {
			continue
		}
		reached++
		fmt.Fprintf(w, "%s:\n", tg.Name)
		fmt.Fprintf(w, "  hostname: %s\n", tg.Addr)
		fmt.Fprintf(w, "  platform: ios\n")
		if tg.Username != "" {
			fmt.Fprintf(w, "  username: %s\n", yamlString(tg.Username))
		}
		if tg.Password != "" {
			fmt.Fprintf(w, "  password: %s\n", yamlString(tg.Password))
		}
		fmt.Fprintf(w, "  data:\n")
		fmt.Fprintf(w, "    lab: %s\n", yamlString(lab))
		fmt.Fprintf(w, "    interface: %s\n", tg.Interface)
		fmt.Fprintf(w, "    from: %s\n", yamlString(tg.From+":"+tg.FromIf))
	}
	if reached == 0 {
		fmt.Fprintf(w, "{}\n")
	}
	writeUnreached(w, targets)
}

func writeUnreached(w io.Writer, targets []Target) {
	for _, tg := range targets {
		if !tg.Addr.IsValid() {
			fmt.Fprintf(w, "# %s: left out, no host reaches an address of it (give its interfaces addresses on hosts' links)\n", tg.Name)
		}
	}
}
