package dhcp

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestWireRoundTrip(t *testing.T) {
	a := netip.MustParseAddr
	tests := []Message{
		{Op: 1, HType: 1, HLen: 6, XID: 1, Type: Discover, CHAddr: [16]byte{1, 2, 3, 4, 5, 6}, Hostname: "pc1", ClientID: []byte{1, 1, 2, 3, 4, 5, 6}},
		{Op: 2, XID: 0xdeadbeef, Flags: BroadcastFlag, YIAddr: a("10.0.0.5"), GIAddr: a("10.0.0.1"), Type: Ack,
			ServerID: a("10.0.0.1"), Lease: 3600, T1: 1800, T2: 3150, Mask: a("255.255.255.0"),
			Routers: []netip.Addr{a("10.0.0.1")}, DNS: []netip.Addr{a("8.8.8.8"), a("1.1.1.1")}, Domain: "x.example"},
		{Op: 1, Type: Request, RequestedIP: a("192.168.1.20"), CIAddr: a("192.168.1.20")},
	}
	for _, m := range tests {
		b := m.Append(nil)
		if len(b) < 300 {
			t.Errorf("%d bytes, want at least 300", len(b))
		}
		got, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []*netip.Addr{&m.CIAddr, &m.YIAddr, &m.SIAddr, &m.GIAddr} {
			if !f.IsValid() {
				*f = netip.IPv4Unspecified()
			}
		}
		if !reflect.DeepEqual(*got, m) {
			t.Errorf("round trip\n got %+v\nwant %+v", *got, m)
		}
	}
}

func TestParseRejects(t *testing.T) {
	good := (&Message{Op: 1, Type: Discover}).Append(nil)
	noCookie := append([]byte(nil), good...)
	noCookie[236] = 0
	cut := append([]byte(nil), good[:fixedLen]...)
	cut = append(cut, OptHostname, 10, 'a')
	for name, b := range map[string][]byte{"short": good[:100], "cookie": noCookie, "option": cut} {
		if _, err := Parse(b); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add((&Message{Op: 1, Type: Discover, Hostname: "h"}).Append(nil))
	f.Add((&Message{Op: 2, Type: Offer, Routers: []netip.Addr{netip.MustParseAddr("1.2.3.4")}}).Append(nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		// What parsed encodes and parses to the same message.
		again, err := Parse(m.Append(nil))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if again.Type != m.Type || again.XID != m.XID || len(again.Routers) != len(m.Routers) {
			t.Fatalf("re-parse differs: %+v vs %+v", again, m)
		}
	})
}
