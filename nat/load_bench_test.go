package nat

import (
	"fmt"
	"strings"
	"testing"
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

// BenchmarkLoadStatics loads a startup-config of static NAT lines through
// the IOS engine and reports the cost per line at 500 and 5,000 lines: the
// two figures are close when loading is linear.
func BenchmarkLoadStatics(b *testing.B) {
	for _, lines := range []int{500, 5000} {
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			cfg := staticConfig(lines)
			for b.Loop() {
				b.StopTimer()
				e, _, n := natRouter(b, 2)
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
