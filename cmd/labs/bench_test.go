package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"natlab/internal/netnstest"
	"natlab/labs"
)

// BenchmarkUpDown measures `labs up` until every node is ready and `labs down`, for the default lab
// (one router, three hosts, an FTP server) and for one router with ten hosts.
func BenchmarkUpDown(b *testing.B) {
	netnstest.RequireRoot(b)
	bin, router := binaries(b)
	runDir := b.TempDir()
	ten := filepath.Join(b.TempDir(), "ten.yml")
	os.WriteFile(ten, []byte(smallLab("t-lbbench", 10)), 0o644)
	for _, bc := range []struct{ name, arg, lab string }{
		{"default", "", labs.DefaultLab},
		{"10hosts", ten, "t-lbbench"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			run := func(args ...string) time.Duration {
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), labs.RunDirEnv+"="+runDir, "NATLAB_ROUTER="+router)
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("labs %v: %v\n%s", args, err, out)
				}
				return time.Since(start)
			}
			var up, down time.Duration
			for i := 0; i < b.N; i++ {
				args := []string{"up", "--reset"}
				if bc.arg != "" {
					args = append(args, bc.arg)
				}
				up += run(args...)
				down += run("down", bc.lab)
			}
			b.ReportMetric(float64(up.Milliseconds())/float64(b.N), "up-ms")
			b.ReportMetric(float64(down.Milliseconds())/float64(b.N), "down-ms")
		})
	}
}
