package nat

import (
	"fmt"
	"strings"
	"testing"

	"natlab/ios"
	"natlab/router"
)

// staticConfig is a startup-config of n `ip nat inside source static`
// lines, each with its own local and global address.
func staticConfig(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "ip nat inside source static 10.%d.%d.%d 198.%d.%d.%d\n",
			i>>16&255, i>>8&255, i&255, 18+i>>16&1, i>>8&255, i&255)
	}
	return sb.String()
}

// loadingNAT is an engine with a router and NAT, nothing configured.
func loadingNAT(tb testing.TB) (*ios.Engine, *NAT) {
	tb.Helper()
	e := ios.NewEngine()
	r := router.New(router.Options{Interfaces: 2})
	tb.Cleanup(func() { r.Close() })
	e.AddInterfaceType(ios.InterfaceType{Name: "GigabitEthernet", Help: "GigabitEthernet IEEE 802.3z", Slotted: true, NumHelp: "GigabitEthernet interface number"})
	n := Register(e, r, nil)
	tb.Cleanup(n.Close)
	return e, n
}

// BenchmarkLoadStatics loads a startup-config of static NAT lines through
// the IOS engine and reports the cost per line at 500 and 5,000 lines: the
// two figures are close when loading is linear.
func BenchmarkLoadStatics(b *testing.B) {
	for _, lines := range []int{500, 5000} {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			cfg := staticConfig(lines)
			for b.Loop() {
				b.StopTimer()
				e, n := loadingNAT(b)
				b.StartTimer()
				errs := e.LoadConfig(strings.NewReader(cfg))
				b.StopTimer()
				if len(errs) > 0 {
					b.Fatal(errs[0])
				}
				if got := n.Statistics().Static; got != lines {
					b.Fatalf("%d static entries, want %d", got, lines)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(lines), "ns/line")
		})
	}
}
