package acl

import (
	"fmt"
	"strings"
	"testing"

	"natlab/ios"
	"natlab/router"
)

// aclConfig is a startup-config with n entries in one list: numbered
// (`access-list 100 permit tcp host ... eq P` lines) or named (an
// `ip access-list extended BIG` block), every entry distinct.
func aclConfig(n int, named bool) string {
	var b strings.Builder
	if named {
		b.WriteString("ip access-list extended BIG\n")
	}
	for k := 0; k < n; k++ {
		if !named {
			b.WriteString("access-list 100")
		}
		fmt.Fprintf(&b, " permit tcp host 10.%d.%d.1 host 192.0.2.%d eq %d\n", k>>8&255, k&255, k%250+1, 1000+k%5000)
	}
	return b.String()
}

// BenchmarkLoadACL loads a startup-config of N entries through the CLI
// (the engine and the feature as the router registers them) and reports
// the cost per line, which must not grow with N. The load is done when
// every entry is visible to the packet path.
func BenchmarkLoadACL(b *testing.B) {
	for _, form := range []struct {
		name  string
		named bool
		list  string
	}{{"numbered", false, "100"}, {"named", true, "BIG"}} {
		for _, n := range []int{500, 5000} {
			b.Run(fmt.Sprintf("%s/lines=%d", form.name, n), func(b *testing.B) {
				cfg := aclConfig(n, form.named)
				for b.Loop() {
					b.StopTimer()
					r := router.New(router.Options{Interfaces: 2})
					e := ios.NewEngine()
					a := Register(e, r)
					b.StartTimer()
					errs := e.LoadConfig(strings.NewReader(cfg))
					a.Sync()
					b.StopTimer()
					if len(errs) > 0 {
						b.Fatal(errs[0])
					}
					if got := len(a.List(form.list).Rules); got != n {
						b.Fatalf("%d entries loaded, want %d", got, n)
					}
					a.Close()
					r.Close()
					b.StartTimer()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/line")
			})
		}
	}
}
