package nat

import "testing"

// TestAnswersARP: the outside interface answers ARP for static and pool
// global addresses; inside interfaces and other addresses do not.
func TestAnswersARP(t *testing.T) {
	l := newLab(t).reference(t)
	must(t, l.AddPool(Pool{Name: "P", Start: ip("203.0.113.200"), End: ip("203.0.113.205"), PrefixLen: 24}))
	for _, tc := range []struct {
		ifIndex int
		addr    string
		want    bool
	}{
		{1, "203.0.113.100", true},  // static global
		{1, "203.0.113.203", true},  // pool address
		{1, "203.0.113.206", false}, // past the pool
		{1, "203.0.113.50", false},  // nobody's
		{0, "203.0.113.100", false}, // an inside interface
		{2, "203.0.113.203", false},
		{7, "203.0.113.100", false}, // no such interface
	} {
		if got := l.AnswersARP(tc.ifIndex, ip(tc.addr)); got != tc.want {
			t.Errorf("AnswersARP(%d, %s) = %v, want %v", tc.ifIndex, tc.addr, got, tc.want)
		}
	}
	must(t, l.RemoveStatic(StaticRule{Local: ip("192.168.2.10"), Global: ip("203.0.113.100")}))
	if l.AnswersARP(1, ip("203.0.113.100")) {
		t.Error("a removed static rule's global is still answered")
	}
}
