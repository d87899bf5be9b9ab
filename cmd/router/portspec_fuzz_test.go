package main

import (
	"strconv"
	"strings"
	"testing"

	"natlab/port"
)

// FuzzPortSpec: parsePortSpec never panics; what it accepts names a full
// interface and a device name the kernel can take, and written back as a
// spec it parses to the same thing.
func FuzzPortSpec(f *testing.F) {
	for _, s := range []string{"g0/0=tun:r1g0", "Gi0/1=tun:r1g1,netns=pc1,name=eth0,addr=192.168.1.10/24,gw=192.168.1.1,mtu=1400",
		"lo0=tun:x", "g0/0", "=tun:", "g0/0=tun:,netns=a", "g0/0=tun:x,mtu=68", "gig 0/3=tun:a=b", "g0/0=tun:x,addr=1.2.3.4/33",
		"g0/1=tap:t1,netns=pc1,name=eth0,addr=10.0.0.2/8,gw=10.0.0.1,mtu=9000", "g0/2=eth:veth1,netns=r1", "g0/2=eth:v,name=x",
		"g0/0=eth:", "g0/0=tap:x,netns="} {
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
		if d := ps.Device(); d == "" || len(d) > 15 || strings.ContainsAny(d, "/:\x00 \t\n") {
			t.Fatalf("%q: device %q", s, d)
		}
		// Only the kind's own config is filled in.
		var zero portSpec
		switch ps.Kind {
		case kindTUN:
			if ps.TAP != zero.TAP || ps.Packet != zero.Packet {
				t.Fatalf("%q: %+v", s, ps)
			}
		case kindTAP:
			if ps.TUN != zero.TUN || ps.Packet != zero.Packet {
				t.Fatalf("%q: %+v", s, ps)
			}
		case kindEth:
			if ps.TUN != zero.TUN || ps.TAP != zero.TAP {
				t.Fatalf("%q: %+v", s, ps)
			}
		default:
			t.Fatalf("%q: kind %q", s, ps.Kind)
		}
		again, err := parsePortSpec(renderPortSpec(ps))
		if err != nil || again != ps {
			t.Fatalf("%q: parsed %+v, rendered %q, parsed again %+v (%v)", s, ps, renderPortSpec(ps), again, err)
		}
	})
}

// renderPortSpec writes a parsed spec back in the --port syntax.
func renderPortSpec(ps portSpec) string {
	if ps.Kind == kindEth {
		s := ps.Interface + "=eth:" + ps.Packet.Interface
		if ps.Packet.Netns != "" {
			s += ",netns=" + ps.Packet.Netns
		}
		return s
	}
	c := ps.TUN
	if ps.Kind == kindTAP {
		c = port.TUNConfig(ps.TAP)
	}
	s := ps.Interface + "=" + ps.Kind + ":" + c.Device
	if c.Netns != "" {
		s += ",netns=" + c.Netns
	}
	if c.HostName != "" {
		s += ",name=" + c.HostName
	}
	if c.HostAddr.IsValid() {
		s += ",addr=" + c.HostAddr.String()
	}
	if c.HostGateway.IsValid() {
		s += ",gw=" + c.HostGateway.String()
	}
	if c.MTU != 0 {
		s += ",mtu=" + strconv.Itoa(c.MTU)
	}
	return s
}
