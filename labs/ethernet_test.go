package labs

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"natlab/internal/golden"
)

func loadSwitches(t *testing.T) *Topology {
	t.Helper()
	top, err := LoadFile("testdata/switches.yml")
	if err != nil {
		t.Fatal(err)
	}
	return top
}

func TestParseSwitchesAndLinkKinds(t *testing.T) {
	top := loadSwitches(t)
	sw2 := top.Node("sw2")
	if sw2.Kind != Switch || sw2.VLANs["p2"] != 10 || sw2.VLANs["p3"] != 20 || !slices.Equal(sw2.Trunks, []string{"p1"}) {
		t.Errorf("sw2 = %+v", sw2)
	}
	if got := sw2.SwitchVLANs(); !slices.Equal(got, []uint16{10, 20}) {
		t.Errorf("sw2 VLANs = %v", got)
	}
	for port, want := range map[string]string{"p1": "trunk", "p2": "access 10", "p3": "access 20", "p9": "access 1"} {
		if got := sw2.PortMode(port); got != want {
			t.Errorf("sw2 %s mode = %q, want %q", port, got, want)
		}
	}
	srv := top.Node("srv")
	if srv.AddrOf("eth1") != netip.MustParsePrefix("10.0.1.2/24") || srv.GatewayOn("eth0") != netip.MustParseAddr("10.0.0.1") || srv.GatewayOn("eth1").IsValid() {
		t.Errorf("srv = %+v", srv)
	}
	var kinds []LinkKind
	for _, l := range top.Links {
		kinds = append(kinds, l.Kind())
	}
	want := []LinkKind{LinkTAP, LinkVeth, LinkEth, LinkTUN, LinkVeth, LinkTAP, LinkVeth, LinkVeth}
	if !slices.Equal(kinds, want) {
		t.Errorf("link kinds %v, want %v", kinds, want)
	}
	if r1 := top.Node("r1"); r1.Interfaces != 4 {
		t.Errorf("r1 has %d interfaces, want 4", r1.Interfaces)
	}
}

// The router command lines: a TAP into each switch, an eth: port on the veth to the other router, a
// TUN into the host, and a MAC by position among the routers.
func TestRouterArgsEthernet(t *testing.T) {
	top := loadSwitches(t)
	got := strings.Join(RouterArgs(top, top.Node("r1"), "C", "S"), " ")
	want := "--daemon --console C --startup-config S --interfaces 4 --mac aabb.cc00.0100" +
		" --port Gi0/0=tap:sw-r1-g0,netns=sw-sw1,name=p1" +
		" --port Gi0/1=eth:Gi0-1,netns=sw-r1" +
		" --port Gi0/2=tun:sw-r1-g2,netns=sw-srv,name=eth0,addr=10.0.0.2/24,gw=10.0.0.1" +
		" --port Gi0/3=tap:sw-r1-g3,netns=sw-sw2,name=p1"
	if got != want {
		t.Errorf("r1:\n got %s\nwant %s", got, want)
	}
	got = strings.Join(RouterArgs(top, top.Node("isp"), "C", "S"), " ")
	want = "--daemon --console C --startup-config S --interfaces 4 --mac aabb.cc00.0200 --port Gi0/0=eth:Gi0-0,netns=sw-isp"
	if got != want {
		t.Errorf("isp:\n got %s\nwant %s", got, want)
	}
}

// A router of TUN links only gets its MAC by position too (show interfaces and show ip arp give it).
func TestRouterArgsTUNOnly(t *testing.T) {
	top, err := LoadShipped(DefaultLab)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(RouterArgs(top, top.Node("r1"), "C", "S"), " ")
	if !strings.Contains(got, "--mac aabb.cc00.0100 ") || !strings.Contains(got, "--port Gi0/0=tun:ftp-nat-r1-g0,netns=ftp-nat-pc1,name=eth0,addr=192.168.1.10/24,gw=192.168.1.1") {
		t.Errorf("ftp-nat r1: %s", got)
	}
}

func TestRouterMAC(t *testing.T) {
	for pos, want := range map[int]string{1: "aabb.cc00.0100", 2: "aabb.cc00.0200", 255: "aabb.cc00.ff00", 256: "aabb.cc01.0000", 1000: "aabb.cc03.e800"} {
		if got := RouterMAC(pos); got != want {
			t.Errorf("RouterMAC(%d) = %s, want %s", pos, got, want)
		}
	}
}

// Each end records where its device lives: that is where labs waits for it and captures it.
func TestPortStates(t *testing.T) {
	top := loadSwitches(t)
	type key struct{ node, iface string }
	got := map[key]PortState{}
	for _, n := range top.Nodes {
		for _, l := range top.LinksOf(n) {
			ps := portState(top, n, l)
			got[key{n.Name, ps.Interface}] = ps
		}
	}
	tests := []struct {
		k    key
		want PortState
	}{
		{key{"r1", "GigabitEthernet0/0"}, PortState{Interface: "GigabitEthernet0/0", Peer: "sw1:p1", Kind: LinkTAP, Device: "sw-r1-g0", Netns: "sw-sw1", HostIf: "p1"}},
		{key{"r1", "GigabitEthernet0/1"}, PortState{Interface: "GigabitEthernet0/1", Peer: "isp:Gi0/0", Kind: LinkEth, Netns: "sw-r1", HostIf: "Gi0-1"}},
		{key{"r1", "GigabitEthernet0/2"}, PortState{Interface: "GigabitEthernet0/2", Peer: "srv:eth0", Kind: LinkTUN, Device: "sw-r1-g2", Netns: "sw-srv", HostIf: "eth0", Addr: "10.0.0.2/24"}},
		{key{"srv", "eth0"}, PortState{Interface: "eth0", Peer: "r1:Gi0/2", Kind: LinkTUN, Device: "sw-r1-g2", Netns: "sw-srv", HostIf: "eth0", Addr: "10.0.0.2/24"}},
		{key{"srv", "eth1"}, PortState{Interface: "eth1", Peer: "sw1:p3", Kind: LinkVeth, Netns: "sw-srv", HostIf: "eth1", Addr: "10.0.1.2/24"}},
		{key{"sw2", "p1"}, PortState{Interface: "p1", Peer: "r1:Gi0/3", Kind: LinkTAP, Netns: "sw-sw2", HostIf: "p1", Mode: "trunk"}},
		{key{"sw2", "p2"}, PortState{Interface: "p2", Peer: "pc2:eth0", Kind: LinkVeth, Netns: "sw-sw2", HostIf: "p2", Mode: "access 10"}},
		{key{"sw1", "p2"}, PortState{Interface: "p2", Peer: "pc1:eth0", Kind: LinkVeth, Netns: "sw-sw1", HostIf: "p2", Mode: "access 1"}},
	}
	for _, tt := range tests {
		if got[tt.k] != tt.want {
			t.Errorf("%v:\n got %+v\nwant %+v", tt.k, got[tt.k], tt.want)
		}
	}
}

func TestGraphsEthernet(t *testing.T) {
	top := loadSwitches(t)
	var m, d bytes.Buffer
	top.Mermaid(&m)
	top.Dot(&d)
	golden.Compare(t, "testdata/switches.mermaid.golden", m.String())
	golden.Compare(t, "testdata/switches.dot.golden", d.String())
}

func TestParseEthernetErrors(t *testing.T) {
	const head = "name: x\ntopology:\n  nodes:\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"vlan id zero", head + "    sw: {kind: switch, vlans: {p1: 0}}\n", "bad.yml:4: topology.nodes.sw.vlans.p1: want a whole number from 1 to 4094"},
		{"vlan id 4095", head + "    sw: {kind: switch, vlans: {p1: 4095}}\n", "bad.yml:4: topology.nodes.sw.vlans.p1: want a whole number from 1 to 4094"},
		{"vlan port without link", head + "    sw: {kind: switch, vlans: {p9: 10}}\n", "bad.yml:4: topology.nodes.sw: sw has no link on port p9"},
		{"trunk without link", head + "    sw:\n      kind: switch\n      trunks: [p1, p7]\n    a: {}\n  links:\n    - endpoints: [\"a:eth0\", \"sw:p1\"]\n", "bad.yml:6: topology.nodes.sw: sw has no link on port p7"},
		{"trunk and access", head + "    sw:\n      kind: switch\n      vlans: {p1: 10}\n      trunks: [p1]\n", "bad.yml:7: topology.nodes.sw.trunks[0]: p1 is already an access port in vlans (line 6): a port is an access port or a trunk, once"},
		{"trunk twice", head + "    sw: {kind: switch, trunks: [p1, p1]}\n", "bad.yml:4: topology.nodes.sw.trunks[1]: p1 is already a trunk (line 4)"},
		{"vlans not a mapping", head + "    sw: {kind: switch, vlans: [p1]}\n", "bad.yml:4: topology.nodes.sw.vlans: want a mapping of access ports to VLANs"},
		{"vlans on a router", head + "    r1: {kind: router, vlans: {p1: 2}}\n", "bad.yml:4: topology.nodes.r1.vlans: only switch nodes have this field (r1 is a router)"},
		{"ip on a switch", head + "    sw: {kind: switch, ip: 10.0.0.1/24}\n", "bad.yml:4: topology.nodes.sw.ip: only host nodes have this field (sw is a switch)"},
		{"interfaces on a switch", head + "    sw: {kind: switch, interfaces: 2}\n", "bad.yml:4: topology.nodes.sw.interfaces: only router and host nodes have this field (sw is a switch)"},
		{"port named br0", head + "    sw: {kind: switch}\n    a: {}\n  links:\n    - endpoints: [\"a:eth0\", \"sw:br0\"]\n", "bad.yml:7: topology.links[0].endpoints[1]: \"sw:br0\": \"br0\" is not a switch port name such as p1"},
		{"switch port used twice", head + "    sw: {kind: switch}\n    a: {}\n    b: {}\n  links:\n    - endpoints: [\"a:eth0\", \"sw:p1\"]\n    - endpoints: [\"b:eth0\", \"sw:p1\"]\n", "bad.yml:9: topology.links[1].endpoints[1]: \"sw:p1\": sw:p1 is already used by the link on line 8"},
		{"unknown endpoint", head + "    sw: {kind: switch}\n  links:\n    - endpoints: [\"sw:p1\", \"pc7:eth0\"]\n", "bad.yml:6: topology.links[0].endpoints[1]: \"pc7:eth0\": there is no node \"pc7\" in topology.nodes"},
		{"host interface not listed", head + "    srv: {interfaces: {eth0: 10.0.0.2/24}}\n    sw: {kind: switch}\n  links:\n    - endpoints: [\"srv:eth1\", \"sw:p1\"]\n", "bad.yml:7: topology.links[0].endpoints[0]: \"srv:eth1\": srv has no interface eth1 in topology.nodes.srv.interfaces"},
		{"host interface without link", head + "    srv: {interfaces: {eth0: 10.0.0.2/24, eth1: 10.0.1.2/24}}\n    sw: {kind: switch}\n  links:\n    - endpoints: [\"srv:eth0\", \"sw:p1\"]\n", "bad.yml:4: topology.nodes.srv.interfaces.eth1: srv has no link on eth1"},
		{"ip and interfaces", head + "    srv:\n      ip: 10.0.0.2/24\n      interfaces: {eth0: 10.0.0.2/24}\n", "bad.yml:6: topology.nodes.srv.interfaces: give ip (one interface) or interfaces, not both"},
		{"bad interface address", head + "    srv: {interfaces: {eth0: 10.0.0.300/24}}\n", "bad.yml:4: topology.nodes.srv.interfaces.eth0: \"10.0.0.300/24\" is not an IPv4 address"},
		{"gw on no interface", head + "    srv:\n      interfaces: {eth0: 10.0.0.2/24, eth1: 10.0.1.2/24}\n      gw: 10.0.2.1\n", "bad.yml:6: topology.nodes.srv.gw: 10.0.2.1 is not another address in 10.0.0.0/24 or 10.0.1.0/24"},
		{"gw is own address", head + "    srv:\n      ip: 10.0.0.2/24\n      gw: 10.0.0.2\n", "bad.yml:6: topology.nodes.srv.gw: 10.0.0.2 is srv's own address"},
		{"host with ip and two links", head + "    r1: {kind: router}\n    a: {ip: 10.0.0.2/24}\n  links:\n    - endpoints: [\"r1:Gi0/0\", \"a:eth0\"]\n    - endpoints: [\"r1:Gi0/1\", \"a:eth1\"]\n", "bad.yml:8: topology.links[1].endpoints: host a already has a link (line 7); a host with several interfaces lists them under interfaces"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "bad.yml", testFS(), "lab")
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tt.want)
			}
		})
	}
}

// Links between any two kinds of node parse: router-router, switch-switch, host-host.
func TestParseEthernetGood(t *testing.T) {
	lab := `name: x
topology:
  nodes:
    r1: {kind: router}
    r2: {kind: router}
    s1: {kind: switch, vlans: {a: 10}, trunks: [up]}
    s2: {kind: switch, trunks: [down]}
    h1: {ip: 10.0.0.1/24}
    h2: {ip: 10.0.0.2/24}
    h3: {}
  links:
    - endpoints: ["r1:g0/0", "r2:g0/0"]
    - endpoints: ["s1:up", "s2:down"]
    - endpoints: ["h1:eth0", "h2:eth0"]
    - endpoints: ["h3:eth0", "s1:a"]
`
	top, err := Parse([]byte(lab), "good.yml", testFS(), "lab")
	if err != nil {
		t.Fatal(err)
	}
	if k := []LinkKind{top.Links[0].Kind(), top.Links[1].Kind(), top.Links[2].Kind()}; !slices.Equal(k, []LinkKind{LinkEth, LinkVeth, LinkVeth}) {
		t.Errorf("kinds %v", k)
	}
}

// FuzzVLANTag: any control message bytes give a tag or none, never a panic; a VLAN-valid auxdata gives
// its TCI.
func FuzzVLANTag(f *testing.F) {
	aux := make([]byte, unix.CmsgSpace(sizeofAuxdata))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&aux[0]))
	h.Level, h.Type = unix.SOL_PACKET, unix.PACKET_AUXDATA
	h.SetLen(unix.CmsgLen(sizeofAuxdata))
	data := aux[unix.CmsgLen(0):]
	binary.NativeEndian.PutUint32(data[0:], unix.TP_STATUS_VLAN_VALID)
	binary.NativeEndian.PutUint16(data[16:], 10)
	if tag, ok := vlanTag(aux); !ok || tag != [4]byte{0x81, 0, 0, 10} {
		f.Fatalf("vlanTag = % x %v, want 81 00 00 0a", tag, ok)
	}
	f.Add(aux)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) { vlanTag(b) })
}
