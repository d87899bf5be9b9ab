package main

import (
	"net/netip"
	"strings"
	"testing"
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
		{in: "g0/0=tap:x", wantErr: "only tun"},
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
