package labs

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// bigLab is a topology of about n nodes: routers of 50 hosts each, every host linked to its router.
func bigLab(n int) []byte {
	var nodes, links strings.Builder
	const perRouter = 50
	count := 0
	for r := 0; count < n; r++ {
		fmt.Fprintf(&nodes, "    r%d: { kind: router, config: \"hostname R%d\\n\" }\n", r, r)
		count++
		for h := 0; h < perRouter && count < n; h++ {
			fmt.Fprintf(&nodes, "    h%d-%d: { ip: 10.%d.%d.10/24, gw: 10.%d.%d.1 }\n", r, h, r%256, h, r%256, h)
			fmt.Fprintf(&links, "    - endpoints: [\"r%d:Gi0/%d\", \"h%d-%d:eth0\"]\n", r, h, r, h)
			count++
		}
	}
	return []byte("name: big\ntopology:\n  nodes:\n" + nodes.String() + "  links:\n" + links.String())
}

// noLimits lets the benchmark parse files far larger than a lab may be.
var noLimits = limits{fileSize: 1 << 40, nodes: 1 << 30, links: 1 << 30, tasks: 1 << 30}

// parseTime is the best of three parses of data.
func parseTime(t testing.TB, data []byte) time.Duration {
	best := time.Duration(1 << 62)
	for i := 0; i < 3; i++ {
		start := time.Now()
		if _, err := parse(data, "big.yml", nil, "", noLimits); err != nil {
			t.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// Parsing is linear in the number of nodes: eight times the nodes take well under sixty-four times
// as long (a scan per lookup would make it quadratic).
func TestParseScalesLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("times parses of thousands of nodes")
	}
	small, large := parseTime(t, bigLab(1000)), parseTime(t, bigLab(8000))
	if ratio := float64(large) / float64(small); ratio > 16 {
		t.Errorf("1,000 nodes parse in %v, 8,000 in %v: %.1f times as long, want near 8", small, large, ratio)
	}
}

// BenchmarkParse reports the parse cost per node of a small and a very large topology.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		data := bigLab(n)
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if _, err := parse(data, "big.yml", nil, "", noLimits); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/node")
		})
	}
}

// A file too large, or with more nodes, links or tasks than a lab may have, is refused with an error
// that names the limit, before any of it is checked.
func TestParseLimits(t *testing.T) {
	tooBig := append([]byte("name: big\n# "), make([]byte, MaxFileSize)...)
	for i := range tooBig[12:] {
		tooBig[12+i] = 'x'
	}
	manyTasks := "name: t\ntopology:\n  nodes:\n    h1: {}\ntasks:\n"
	for i := 0; i <= MaxTasks; i++ {
		manyTasks += fmt.Sprintf("  - { name: t%d, node: h1, exec: \"true\" }\n", i)
	}
	manyLinks := "name: t\ntopology:\n  nodes:\n    h1: {}\n  links:\n"
	for i := 0; i <= MaxLinks; i++ {
		manyLinks += "    - endpoints: [\"r1:Gi0/0\", \"h1:eth0\"]\n"
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"size", tooBig, fmt.Sprintf("big.yml: the file is %d bytes; a topology file is at most %d bytes (4 MiB)", len(tooBig), MaxFileSize)},
		{"nodes", bigLab(MaxNodes + 1), fmt.Sprintf("big.yml:3: topology.nodes: %d nodes; a lab has at most %d", MaxNodes+1, MaxNodes)},
		{"links", []byte(manyLinks), fmt.Sprintf("big.yml:5: topology.links: %d links; a lab has at most %d", MaxLinks+1, MaxLinks)},
		{"tasks", []byte(manyTasks), fmt.Sprintf("big.yml:5: tasks: %d tasks; a lab has at most %d", MaxTasks+1, MaxTasks)},
	}
	for _, tt := range tests {
		_, err := Parse(tt.data, "big.yml", nil, "")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Parse: %v\nwant %s", tt.name, err, tt.want)
		}
	}
	if _, err := Parse(bigLab(MaxNodes), "big.yml", nil, ""); err != nil {
		t.Errorf("a lab of exactly %d nodes: %v", MaxNodes, err)
	}
}

// LoadFile reads no more of a file than the limit.
func TestLoadFileLimit(t *testing.T) {
	path := t.TempDir() + "/big.yml"
	if err := os.WriteFile(path, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(path)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("a topology file is at most %d bytes", MaxFileSize)) {
		t.Errorf("LoadFile of a file over the limit: %v", err)
	}
}
