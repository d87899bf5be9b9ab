package ether

import (
	"net/netip"
	"testing"
)

func TestParseMAC(t *testing.T) {
	want := MAC{0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00}
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"aabb.cc00.0100", true},
		{"AABB.CC00.0100", true},
		{"aa:bb:cc:00:01:00", true},
		{"aa-bb-cc-00-01-00", true},
		{"aa:bb:cc-00:01:00", false},
		{"aabb.cc00.010", false},
		{"aabb:cc00.0100", false},
		{"aabb.cc00.01g0", false},
		{"", false},
		{"aa:bb:cc:00:01:0x", false},
	} {
		m, err := ParseMAC(tc.in)
		if (err == nil) != tc.ok || tc.ok && m != want {
			t.Errorf("ParseMAC(%q) = %v, %v", tc.in, m, err)
		}
	}
}

func TestMACString(t *testing.T) {
	for _, tc := range []struct {
		m    MAC
		want string
	}{
		{MAC{0xaa, 0xbb, 0xcc, 0x00, 0x01, 0x00}, "aabb.cc00.0100"},
		{MAC{}, "0000.0000.0000"},
		{Broadcast, "ffff.ffff.ffff"},
	} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%x: %q, want %q", tc.m[:], got, tc.want)
		}
	}
}

func TestMulticastMAC(t *testing.T) {
	got := multicastMAC(netip.MustParseAddr("224.129.2.3").As4())
	if want := (MAC{0x01, 0x00, 0x5e, 0x01, 0x02, 0x03}); got != want || !got.IsMulticast() || got.IsBroadcast() {
		t.Errorf("224.129.2.3 -> %v", got)
	}
}

// FuzzParseMAC: whatever parses prints back to the same address.
func FuzzParseMAC(f *testing.F) {
	for _, s := range []string{"aabb.cc00.0100", "aa:bb:cc:00:01:00", "aa-bb-cc-00-01-00", "zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMAC(s)
		if err != nil {
			return
		}
		back, err := ParseMAC(m.String())
		if err != nil || back != m {
			t.Fatalf("%q -> %v -> %v, %v", s, m, back, err)
		}
	})
}
