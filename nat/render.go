package nat

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"time"
)

// InterfaceConfigLines returns the NAT lines of an interface block, without
// indentation: `ip nat inside|outside`, and `ip virtual-reassembly in`,
// which IOS 15 adds by itself with NAT.
func (n *NAT) InterfaceConfigLines(ifname string) []string {
	switch n.RoleOf(ifname) {
	case RoleInside:
		return []string{"ip nat inside", "ip virtual-reassembly in"}
	case RoleOutside:
		return []string{"ip nat outside", "ip virtual-reassembly in"}
	}
	return nil
}

// renderConfig writes the global NAT lines in IOS order: timers changed
// from their default, pools, inside source rules in configuration order,
// outside source rules.
func (n *NAT) renderConfig(w io.Writer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	t := n.cfg.timeouts
	for _, name := range timerNames {
		v, def := *t.field(name), *DefaultTimeouts.field(name)
		switch {
		case v == def:
		case v < 0:
			fmt.Fprintf(w, "ip nat translation %s never\n", name)
		default:
			fmt.Fprintf(w, "ip nat translation %s %d\n", name, v/time.Second)
		}
	}
	n.renderLimits(w)
	for _, p := range n.cfg.pools {
		if p.ByPrefix {
			fmt.Fprintf(w, "ip nat pool %s %s %s prefix-length %d\n", p.Name, p.Start, p.End, p.PrefixLen)
		} else {
			fmt.Fprintf(w, "ip nat pool %s %s %s netmask %s\n", p.Name, p.Start, p.End, maskAddr(p.PrefixLen))
		}
	}
	type line struct {
		seq  uint64
		text string
	}
	var lines []line
	for _, r := range n.cfg.statics.rules {
		lines = append(lines, line{r.seq, staticLine(&r.StaticRule)})
	}
	for _, m := range n.cfg.mappings {
		lines = append(lines, line{m.seq, mappingLine(&m.Mapping)})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].seq < lines[j].seq })
	for _, l := range lines {
		fmt.Fprintln(w, l.text)
	}
	for _, r := range n.cfg.outside.rules {
		s := fmt.Sprintf("ip nat outside source static %s %s", r.Global, r.Local)
		if r.Extendable {
			s += " extendable"
		}
		fmt.Fprintln(w, s)
	}
}

func staticLine(r *StaticRule) string {
	s := "ip nat inside source static "
	if r.Proto != 0 {
		s += r.Proto.String() + " "
		s += fmt.Sprintf("%s %d ", r.Local, r.LocalPort)
		if r.Interface != "" {
			s += fmt.Sprintf("interface %s %d", r.Interface, r.GlobalPort)
		} else {
			s += fmt.Sprintf("%s %d", r.Global, r.GlobalPort)
		}
	} else {
		s += r.Local.String() + " "
		if r.Interface != "" {
			s += "interface " + r.Interface
		} else {
			s += r.Global.String()
		}
	}
	if r.Extendable {
		s += " extendable"
	}
	return s
}

// maskAddr is a prefix length as a dotted netmask.
func maskAddr(bits int) netip.Addr { return netip.AddrFrom4(from32(prefixMask(bits))) }
