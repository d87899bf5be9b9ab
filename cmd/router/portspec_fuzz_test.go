package main

import (
	"strconv"
	"strings"
	"testing"
)

// FuzzPortSpec: parsePortSpec never panics; what it accepts names a full
// interface and a device name the kernel can take, and written back as a
// spec it parses to the same thing.
func FuzzPortSpec(f *testing.F) {
	for _, s := range []string{"g0/0=tun:r1g0", "Gi0/1=tun:r1g1,netns=pc1,name=eth0,addr=192.168.1.10/24,gw=192.168.1.1,mtu=1400",
		"lo0=tun:x", "g0/0", "=tun:", "g0/0=tun:,netns=a", "g0/0=tun:x,mtu=68", "gig 0/3=tun:a=b", "g0/0=tun:x,addr=1.2.3.4/33"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := parsePortSpec(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(ps.Interface, "GigabitEthernet") && !strings.HasPrefix(ps.Interface, "Loopback") {
			t.Fatalf("%q: interface %q", s, ps.Interface)
		}
		if d := ps.TUN.Device; d == "" || len(d) > 15 || strings.ContainsAny(d, "/\x00 \t\n") {
			t.Fatalf("%q: device %q", s, d)
		}
		again, err := parsePortSpec(renderPortSpec(ps))
		if err != nil || again != ps {
			t.Fatalf("%q: parsed %+v, rendered %q, parsed again %+v (%v)", s, ps, renderPortSpec(ps), again, err)
		}
	})
}

// renderPortSpec writes a parsed spec back in the --port syntax.
func renderPortSpec(ps portSpec) string {
	s := ps.Interface + "=tun:" + ps.TUN.Device
	if ps.TUN.Netns != "" {
		s += ",netns=" + ps.TUN.Netns
	}
	if ps.TUN.HostName != "" {
		s += ",name=" + ps.TUN.HostName
	}
	if ps.TUN.HostAddr.IsValid() {
		s += ",addr=" + ps.TUN.HostAddr.String()
	}
	if ps.TUN.HostGateway.IsValid() {
		s += ",gw=" + ps.TUN.HostGateway.String()
	}
	if ps.TUN.MTU != 0 {
		s += ",mtu=" + strconv.Itoa(ps.TUN.MTU)
	}
	return s
}
