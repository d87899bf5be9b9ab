package router

import (
	"fmt"
	"strings"
	"testing"

	"natlab/ios"
	"natlab/port"
)

// routeConfig is a startup-config with two up interfaces and n static
// routes to distinct /24s: most through a next hop on Gi0/0's subnet, every
// tenth through Gi0/1 by name, and every tenth (from the second on) through
// a next hop inside the first route's prefix, so it resolves recursively.
func routeConfig(n int) string {
	var b strings.Builder
	b.WriteString("interface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.0.0\n!\n")
	b.WriteString("interface GigabitEthernet0/1\n ip address 10.1.0.1 255.255.255.0\n!\n")
	for k := 0; k < n; k++ {
		fmt.Fprintf(&b, "ip route 100.%d.%d.0 255.255.255.0 ", k>>8, k&255)
		switch {
		case k%10 == 3:
			b.WriteString("GigabitEthernet0/1\n")
		case k%10 == 7:
			b.WriteString("100.0.0.9\n") // inside 100.0.0.0/24, the first route
		default:
			fmt.Fprintf(&b, "10.0.%d.%d\n", k%200, 2+k%250)
		}
	}
	return b.String()
}

// loadingRouter is a router with a CLI and Gi0/0, Gi0/1 bound to mem
// ports, ready to load a startup-config.
func loadingRouter(tb testing.TB) (*Router, *CLI, *ios.Engine) {
	r := New(Options{Interfaces: 2})
	tb.Cleanup(func() { r.Close() })
	for _, name := range []string{"GigabitEthernet0/0", "GigabitEthernet0/1"} {
		p, _ := port.NewMem(name, 1500)
		if err := r.Bind(name, p); err != nil {
			tb.Fatal(err)
		}
	}
	e := ios.NewEngine()
	return r, RegisterCLI(e, r, nil), e
}

// loadStartup applies cfg as the router does at boot.
func loadStartup(c *CLI, e *ios.Engine, cfg string) []ios.LineError {
	c.SetLoading(true)
	defer c.SetLoading(false)
	return e.LoadConfig(strings.NewReader(cfg))
}

// BenchmarkLoadRoutes loads a startup-config of N `ip route` lines and
// reports the cost per line, which must not grow with N.
func BenchmarkLoadRoutes(b *testing.B) { benchmarkRouteLines(b, true) }

// BenchmarkPasteRoutes enters the same lines outside a startup-config:
// every line is published to the packet path as it is entered, as when
// routes are pasted into `configure terminal`.
func BenchmarkPasteRoutes(b *testing.B) { benchmarkRouteLines(b, false) }

func benchmarkRouteLines(b *testing.B, startup bool) {
	for _, n := range []int{500, 5000} {
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			cfg := routeConfig(n)
			for b.Loop() {
				b.StopTimer()
				r, c, e := loadingRouter(b)
				if !startup {
					// The interfaces come up as a startup-config brings them.
					loadStartup(c, e, routeConfig(0))
				}
				var errs []ios.LineError
				b.StartTimer()
				if startup {
					errs = loadStartup(c, e, cfg)
				} else {
					errs = e.LoadConfig(strings.NewReader(cfg))
				}
				b.StopTimer()
				if len(errs) > 0 {
					b.Fatal(errs[0])
				}
				// n statics, two connected and two local routes.
				if got := len(r.Routes()); got != n+4 {
					b.Fatalf("%d routes installed, want %d", got, n+4)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/line")
		})
	}
}
