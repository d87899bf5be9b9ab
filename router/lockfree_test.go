package router

import (
	"net/netip"
	"testing"
)

// TestSnapshotAccessors: AddressOf and NameOf answer from the published
// snapshot, also while the configuration lock is held, and give the zero
// value for an index the chassis does not have.
func TestSnapshotAccessors(t *testing.T) {
	l := newLab(t)
	release := l.r.HoldConfig()
	defer release()
	tests := []struct {
		index int
		name  string
		addr  netip.Prefix
	}{
		{0, "GigabitEthernet0/0", r1Inside},
		{1, "GigabitEthernet0/1", r1Outside},
		{-1, "", netip.Prefix{}},
		{1000, "", netip.Prefix{}},
	}
	for _, tt := range tests {
		if got := l.r.NameOf(tt.index); got != tt.name {
			t.Errorf("NameOf(%d) = %q, want %q", tt.index, got, tt.name)
		}
		if got := l.r.AddressOf(tt.index); got != tt.addr {
			t.Errorf("AddressOf(%d) = %v, want %v", tt.index, got, tt.addr)
		}
	}
}
