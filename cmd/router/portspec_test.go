package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"natlab/port"
)

func TestParsePortSpec(t *testing.T) {
	tests := []struct {
		in      string
		iface   string
		device  string
		netns   string
		host    string
		addr    string
		gw      string
		wantErr string
	}{
		{in: "g0/0=tun:r1g0", iface: "GigabitEthernet0/0", device: "r1g0"},
		{in: "Gi0/1=tun:r1g1,netns=pc1,name=eth0,addr=192.168.1.10/24,gw=192.168.1.1", iface: "GigabitEthernet0/1",
			device: "r1g1", netns: "pc1", host: "eth0", addr: "192.168.1.10/24", gw: "192.168.1.1"},
		{in: "GigabitEthernet0/2=tun:x", iface: "GigabitEthernet0/2", device: "x"},
		{in: "g0/0", wantErr: "want NAME=tun"},
		{in: "eth0=tun:x", wantErr: "not an interface name"},
		{in: "g0/0=veth:x", wantErr: "only tun:, tap: and eth:"},
		{in: "g0/0=r1g0", wantErr: "only tun:, tap: and eth:"},
		{in: "g0/0=tun:x,addr=300.1.1.1/24", wantErr: "not an IPv4 prefix"},
		{in: "g0/0=tun:x,color=red", wantErr: "unknown option"},
		{in: "g0/0=tun:averyveryverylongname", wantErr: "longer than 15"},
		{in: "g0/0=tun:,netns=pc1", wantErr: "no device name"},
		{in: "g0/0=tun:a/b", wantErr: "not a valid interface name"},
		{in: "g0/1x=tun:a", wantErr: "not an interface name"},
		{in: "lo0/1=tun:a", wantErr: "not an interface name"},
		{in: "lo3=tun:a", iface: "Loopback3", device: "a"},
	}
	for _, tt := range tests {
		got, err := parsePortSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parsePortSpec(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePortSpec(%q): %v", tt.in, err)
			continue
		}
		if got.Interface != tt.iface || got.TUN.Device != tt.device || got.TUN.Netns != tt.netns || got.TUN.HostName != tt.host {
			t.Errorf("parsePortSpec(%q) = %+v", tt.in, got)
		}
		if tt.addr != "" && got.TUN.HostAddr != netip.MustParsePrefix(tt.addr) {
			t.Errorf("parsePortSpec(%q) addr = %v", tt.in, got.TUN.HostAddr)
		}
		if tt.gw != "" && got.TUN.HostGateway != netip.MustParseAddr(tt.gw) {
			t.Errorf("parsePortSpec(%q) gw = %v", tt.in, got.TUN.HostGateway)
		}
	}
}

func TestParsePortSpecKinds(t *testing.T) {
	tests := []struct {
		in      string
		want    portSpec
		wantErr string
	}{
		{in: "g0/0=tun:r1g0", want: portSpec{Interface: "GigabitEthernet0/0", Kind: "tun", TUN: port.TUNConfig{Device: "r1g0"}}},
		{in: "g0/1=tap:r1g1,netns=pc1,name=eth0,addr=192.168.1.10/24,gw=192.168.1.1,mtu=9000",
			want: portSpec{Interface: "GigabitEthernet0/1", Kind: "tap", TAP: port.TAPConfig{Device: "r1g1", Netns: "pc1", HostName: "eth0",
				HostAddr: netip.MustParsePrefix("192.168.1.10/24"), HostGateway: netip.MustParseAddr("192.168.1.1"), MTU: 9000}}},
		{in: "g0/2=tap:t2", want: portSpec{Interface: "GigabitEthernet0/2", Kind: "tap", TAP: port.TAPConfig{Device: "t2"}}},
		{in: "g0/3=eth:r1-gi0-3", want: portSpec{Interface: "GigabitEthernet0/3", Kind: "eth", Packet: port.PacketConfig{Interface: "r1-gi0-3"}}},
		{in: "Gi0/3=eth:eth1,netns=r1", want: portSpec{Interface: "GigabitEthernet0/3", Kind: "eth", Packet: port.PacketConfig{Interface: "eth1", Netns: "r1"}}},
		{in: "g0/0=eth:eth1,name=x", wantErr: "eth: takes only netns="},
		{in: "g0/0=eth:eth1,addr=10.0.0.1/24", wantErr: "eth: takes only netns="},
		{in: "g0/0=eth:eth1,mtu=1400", wantErr: "eth: takes only netns="},
		{in: "g0/0=eth:eth1,netns=", wantErr: "needs a namespace name"},
		{in: "g0/0=eth:", wantErr: "no device name after eth:"},
		{in: "g0/0=tap:,mtu=1500", wantErr: "no device name after tap:"},
		{in: "g0/0=eth:a:b", wantErr: "not a valid interface name"},
		{in: "g0/0=tap:x,mtu=67", wantErr: "mtu \"67\""},
		{in: "g0/0=tap:x,gw=::1", wantErr: "not an IPv4 address"},
		{in: "g0/0=tap:x,speed=1000", wantErr: "unknown option"},
		{in: "g0/0=eth", wantErr: "no device name after eth:"},
	}
	for _, tt := range tests {
		got, err := parsePortSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parsePortSpec(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePortSpec(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parsePortSpec(%q) =\n %+v, want\n %+v", tt.in, got, tt.want)
		}
		if d := got.Device(); d != strings.Split(strings.SplitN(tt.in, ":", 2)[1], ",")[0] {
			t.Errorf("parsePortSpec(%q).Device() = %q", tt.in, d)
		}
	}
}

func TestParsePortSpecOffload(t *testing.T) {
	tests := []struct {
		in        string
		noOffload bool
		queues    int
		wantErr   string
	}{
		{in: "g0/0=tun:r1g0"},
		{in: "g0/0=tun:r1g0,offload=on", noOffload: false},
		{in: "g0/0=tun:r1g0,offload=off", noOffload: true},
		{in: "g0/0=tun:r1g0,queues=2", queues: 2},
		{in: "g0/0=tun:r1g0,offload=on,queues=4,netns=pc1", queues: 4},
		{in: "g0/0=tun:r1g0,offload=off,queues=1", noOffload: true, queues: 1},
		{in: "g0/0=tun:r1g0,offload=off,queues=2", wantErr: "needs offload=on"},
		{in: "g0/0=tun:r1g0,queues=0", wantErr: "queues \"0\" is not a number from 1 to 64"},
		{in: "g0/0=tun:r1g0,queues=65", wantErr: "not a number from 1"},
		{in: "g0/0=tun:r1g0,queues=two", wantErr: "not a number from 1"},
		{in: "g0/0=tun:r1g0,offload=yes", wantErr: "want on or off"},
		{in: "g0/0=tun:r1g0,offload=", wantErr: "want on or off"},
		{in: "g0/0=tap:t1,offload=off", wantErr: "offload= is an option of tun: ports only"},
		{in: "g0/0=tap:t1,queues=2", wantErr: "queues= is an option of tun: ports only"},
		{in: "g0/0=eth:e1,queues=2", wantErr: "eth: takes only netns="},
	}
	for _, tt := range tests {
		got, err := parsePortSpec(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parsePortSpec(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parsePortSpec(%q): %v", tt.in, err)
			continue
		}
		if got.Kind != kindTUN || got.TUN.Device != "r1g0" || got.NoOffload != tt.noOffload || got.Queues != tt.queues {
			t.Errorf("parsePortSpec(%q) = %+v, want offload off %v, queues %d", tt.in, got, tt.noOffload, tt.queues)
		}
	}
}

func TestDefaultQueues(t *testing.T) {
	if q := defaultQueues(); q < 1 || q > 4 || q > runtime.GOMAXPROCS(0) {
		t.Errorf("defaultQueues() = %d with GOMAXPROCS %d", q, runtime.GOMAXPROCS(0))
	}
}

// TestOpenTUNKinds: a tun: spec opens the fast TUN with its queues by default and the plain one with
// offload=off, in a namespace of the test's.
func TestOpenTUNKinds(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("no /dev/net/tun")
	}
	ns := fmt.Sprintf("t-rtr-spec-%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	tests := []struct {
		opts   string
		fast   bool
		queues int
	}{
		{"", true, defaultQueues()},
		{",queues=2", true, 2},
		{",offload=off", false, 1},
	}
	for k, tt := range tests {
		spec := fmt.Sprintf("g0/%d=tun:trs%d-%d,netns=%s,name=eth%d%s", k, os.Getpid()%100000, k, ns, k, tt.opts)
		ps, err := parsePortSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		var warn bytes.Buffer
		p, err := openTUN(ps, &warn)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		queues := 1
		if mq, ok := p.(port.MultiQueue); ok {
			queues = len(mq.Queues())
		}
		_, fast := p.(*port.FastTUN)
		if fast && warn.Len() > 0 {
			t.Errorf("%s: warned %q", spec, warn.String())
		}
		if fast != tt.fast && warn.Len() == 0 || fast && queues != tt.queues || p.Name() != fmt.Sprintf("eth%d", k) {
			t.Errorf("%s: %T named %s with %d queues, warning %q", spec, p, p.Name(), queues, warn.String())
		}
		p.Close()
	}
}
