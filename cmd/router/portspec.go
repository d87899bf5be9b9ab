package main

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"natlab/port"
)

// Kinds of --port: the device that backs an interface.
const (
	kindTUN = "tun" // a TUN the router creates: bare IP packets
	kindTAP = "tap" // a TAP the router creates: Ethernet
	kindEth = "eth" // an existing interface through AF_PACKET: Ethernet
)

// portSpec is one --port flag: an interface name and the device that backs it. Kind says which of TUN,
// TAP and Packet is filled in.
//
//	--port NAME=tun:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N]
//	--port NAME=tap:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N]
//	--port NAME=eth:IFNAME[,netns=NS]
type portSpec struct {
	Interface string // canonical IOS name, e.g. GigabitEthernet0/1
	Kind      string // kindTUN, kindTAP or kindEth
	TUN       port.TUNConfig
	TAP       port.TAPConfig
	Packet    port.PacketConfig
}

// Device is the kernel name of the device behind the port: the TUN or TAP the router creates, or the
// existing interface.
func (ps portSpec) Device() string {
	switch ps.Kind {
	case kindTAP:
		return ps.TAP.Device
	case kindEth:
		return ps.Packet.Interface
	}
	return ps.TUN.Device
}

func parsePortSpec(s string) (portSpec, error) {
	name, spec, ok := strings.Cut(s, "=")
	if !ok {
		return portSpec{}, fmt.Errorf("--port %q: want NAME=tun:DEVICE, NAME=tap:DEVICE or NAME=eth:IFNAME[,option=value...]", s)
	}
	ifname, err := canonicalInterface(name)
	if err != nil {
		return portSpec{}, fmt.Errorf("--port %q: %v", s, err)
	}
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case kindTUN, kindTAP, kindEth:
	default:
		return portSpec{}, fmt.Errorf("--port %q: only tun:, tap: and eth: ports are supported", s)
	}
	fields := strings.Split(rest, ",")
	if err := checkDeviceName(kind, fields[0]); err != nil {
		return portSpec{}, fmt.Errorf("--port %q: %v", s, err)
	}
	ps := portSpec{Interface: ifname, Kind: kind}
	var c port.TUNConfig // tun and tap share their options
	c.Device = fields[0]
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return portSpec{}, fmt.Errorf("--port %q: option %q is not key=value", s, f)
		}
		if kind == kindEth && k != "netns" {
			return portSpec{}, fmt.Errorf("--port %q: eth: takes only netns= (the interface %s exists already; configure it where it lives)", s, fields[0])
		}
		switch k {
		case "netns":
			if v == "" {
				return portSpec{}, fmt.Errorf("--port %q: netns= needs a namespace name", s)
			}
			c.Netns = v
		case "name":
			c.HostName = v
		case "addr":
			p, err := netip.ParsePrefix(v)
			if err != nil || !p.Addr().Is4() {
				return portSpec{}, fmt.Errorf("--port %q: addr %q is not an IPv4 prefix such as 192.168.1.10/24", s, v)
			}
			c.HostAddr = p
		case "gw":
			a, err := netip.ParseAddr(v)
			if err != nil || !a.Is4() {
				return portSpec{}, fmt.Errorf("--port %q: gw %q is not an IPv4 address", s, v)
			}
			c.HostGateway = a
		case "mtu":
			n, err := strconv.Atoi(v)
			if err != nil || n < 68 || n > 65535 {
				return portSpec{}, fmt.Errorf("--port %q: mtu %q is not a number from 68 to 65535", s, v)
			}
			c.MTU = n
		default:
			return portSpec{}, fmt.Errorf("--port %q: unknown option %q (want netns, name, addr, gw or mtu)", s, k)
		}
	}
	switch kind {
	case kindTUN:
		ps.TUN = c
	case kindTAP:
		ps.TAP = port.TAPConfig(c)
	case kindEth:
		ps.Packet = port.PacketConfig{Interface: c.Device, Netns: c.Netns}
	}
	return ps, nil
}

// checkDeviceName applies the kernel's rules for a network device name (dev_valid_name): 1 to 15
// bytes, not "." or "..", no '/', ':' or blanks.
func checkDeviceName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("no device name after %s:", kind)
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
