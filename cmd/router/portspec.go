package main

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
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
//	--port NAME=tun:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N][,offload=on|off][,queues=N]
//	--port NAME=tap:DEVICE[,netns=NS][,name=HOSTNAME][,addr=A.B.C.D/N][,gw=A.B.C.D][,mtu=N]
//	--port NAME=eth:IFNAME[,netns=NS]
//
// A tun: port is the fast TUN (offloads on, super-packets cross it whole) unless offload=off asks for
// the plain one; queues= is its number of queues (default: defaultQueues).
type portSpec struct {
	Interface string // canonical IOS name, e.g. GigabitEthernet0/1
	Kind      string // kindTUN, kindTAP or kindEth
	TUN       port.TUNConfig
	NoOffload bool // tun: offload=off, the TUN without offloads
	Queues    int  // tun: queues=N; 0 is the default
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
		if kind != kindTUN && (k == "offload" || k == "queues") {
			return portSpec{}, fmt.Errorf("--port %q: %s= is an option of tun: ports only", s, k)
		}
		switch k {
		case "offload":
			switch v {
			case "on":
				ps.NoOffload = false
			case "off":
				ps.NoOffload = true
			default:
				return portSpec{}, fmt.Errorf("--port %q: offload=%q: want on or off", s, v)
			}
		case "queues":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > port.MaxTUNQueues {
				return portSpec{}, fmt.Errorf("--port %q: queues %q is not a number from 1 to %d", s, v, port.MaxTUNQueues)
			}
			ps.Queues = n
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
			return portSpec{}, fmt.Errorf("--port %q: unknown option %q (want netns, name, addr, gw, mtu, offload or queues)", s, k)
		}
	}
	if ps.NoOffload && ps.Queues > 1 {
		return portSpec{}, fmt.Errorf("--port %q: queues=%d needs offload=on (the TUN without offloads has one queue)", s, ps.Queues)
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

// defaultQueues is the number of queues of a fast TUN when its spec names none: one per processor the
// router may use, at most 4 (the kernel hashes flows over the queues and the router reads each with a
// goroutine of its own; past the cores there is nothing to gain).
func defaultQueues() int { return min(runtime.GOMAXPROCS(0), maxDefaultQueues) }

// maxDefaultQueues caps the default number of queues.
const maxDefaultQueues = 4

// openTUN opens the TUN a tun: spec names: the fast one with offloads, or the plain one with offload=off
// or, after a one-line warning on warn, when the kernel refuses offloads.
func openTUN(ps portSpec, warn io.Writer) (port.Port, error) {
	if ps.NoOffload {
		return port.OpenTUN(ps.TUN)
	}
	q := ps.Queues
	if q == 0 {
		q = defaultQueues()
	}
	p, err := port.OpenFastTUN(ps.TUN, port.FastTUNOptions{Queues: q})
	if errors.Is(err, port.ErrNoOffload) {
		fmt.Fprintf(warn, "router: --port %s: %v; using a TUN without offloads\n", ps.Interface, err)
		return port.OpenTUN(ps.TUN)
	}
	return p, err
}

// checkDeviceName applies the kernel's rules for a network device name (dev_valid_name): 1 to 15
// bytes, not "." or "..", no '/', ':' or blanks.
func checkDeviceName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("no device name after %s", kind+":")
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
