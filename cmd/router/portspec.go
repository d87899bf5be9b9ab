package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"natlab/port"
)

// portSpec is one --port flag: an interface name and the TUN that backs it.
//
//	--port NAME=tun:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N]
type portSpec struct {
	Interface string // canonical IOS name, e.g. GigabitEthernet0/1
	TUN       port.TUNConfig
}

func parsePortSpec(s string) (portSpec, error) {
	name, spec, ok := strings.Cut(s, "=")
	if !ok {
		return portSpec{}, fmt.Errorf("--port %q: want NAME=tun:DEVICE[,option=value...]", s)
	}
	ifname, err := canonicalInterface(name)
	if err != nil {
		return portSpec{}, fmt.Errorf("--port %q: %v", s, err)
	}
	kind, rest, _ := strings.Cut(spec, ":")
	if kind != "tun" || rest == "" {
		return portSpec{}, fmt.Errorf("--port %q: only tun:DEVICE ports are supported", s)
	}
	fields := strings.Split(rest, ",")
	ps := portSpec{Interface: ifname, TUN: port.TUNConfig{Device: fields[0]}}
	if err := checkDeviceName(fields[0]); err != nil {
		return portSpec{}, fmt.Errorf("--port %q: %v", s, err)
	}
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return portSpec{}, fmt.Errorf("--port %q: option %q is not key=value", s, f)
		}
		switch k {
		case "netns":
			ps.TUN.Netns = v
		case "name":
			ps.TUN.HostName = v
		case "addr":
			p, err := netip.ParsePrefix(v)
			if err != nil || !p.Addr().Is4() {
				return portSpec{}, fmt.Errorf("--port %q: addr %q is not an IPv4 prefix such as 192.168.1.10/24", s, v)
			}
			ps.TUN.HostAddr = p
		case "gw":
			a, err := netip.ParseAddr(v)
			if err != nil || !a.Is4() {
				return portSpec{}, fmt.Errorf("--port %q: gw %q is not an IPv4 address", s, v)
			}
			ps.TUN.HostGateway = a
		case "mtu":
			n, err := strconv.Atoi(v)
			if err != nil || n < 68 || n > 65535 {
				return portSpec{}, fmt.Errorf("--port %q: mtu %q is not a number from 68 to 65535", s, v)
			}
			ps.TUN.MTU = n
		default:
			return portSpec{}, fmt.Errorf("--port %q: unknown option %q (want netns, name, addr, gw or mtu)", s, k)
		}
	}
	return ps, nil
}

// checkDeviceName applies the kernel's rules for a network device name (dev_valid_name): 1 to 15
// bytes, not "." or "..", no '/', ':' or blanks.
func checkDeviceName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("no device name after tun:")
	case len(name) > 15:
		return fmt.Errorf("device name %q is longer than 15 characters", name)
	case name == "." || name == ".." || strings.ContainsAny(name, "/: \t\n\r\v\f\x00"):
		return fmt.Errorf("device name %q is not a valid interface name", name)
	}
	return nil
}

// canonicalInterface expands an IOS interface abbreviation (g0/1, Gi0/1, gig 0/1, lo0) to its full name.
func canonicalInterface(s string) (string, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	i := strings.IndexAny(s, "0123456789")
	if i <= 0 {
		return "", fmt.Errorf("%q is not an interface name such as GigabitEthernet0/1", s)
	}
	typ, num := strings.ToLower(s[:i]), s[i:]
	for _, full := range []string{"GigabitEthernet", "Loopback"} {
		if strings.HasPrefix(strings.ToLower(full), typ) && validNumber(num, full == "GigabitEthernet") {
			return full + num, nil
		}
	}
	return "", fmt.Errorf("%q is not an interface name such as GigabitEthernet0/1", s)
}

// validNumber checks an interface number: "0/1" (slot/port) for GigabitEthernet, "0" for Loopback.
func validNumber(num string, slotted bool) bool {
	parts := strings.Split(num, "/")
	want := 1
	if slotted {
		want = 2
	}
	if len(parts) != want {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}
