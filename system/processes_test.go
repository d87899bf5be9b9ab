package system

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"natlab/internal/golden"
)

// TestProcessesLayouts: the IOS layouts of show processes cpu and memory,
// with injected figures.
func TestProcessesLayouts(t *testing.T) {
	var b strings.Builder
	writeProcessesCPU(&b, cpuUsage{fiveSec: 12, fiveSecKernel: 3, oneMin: 7, fiveMin: 100},
		[]partCount{{"router", 9}, {"console", 3}, {"runtime", 1}})
	b.WriteString("--\n")
	writeProcessesMemory(&b, poolFigures{total: 766521544, used: 114264760, free: 652256784},
		[]partMemory{{"nat", 120704864, 42150728, 78554136}, {"ios", 4096, 0, 4096}})
	golden.Compare(t, "testdata/processes.golden", b.String())
}

// TestCPUMeter: the averages come from the CPU time between now and the
// sample that opens each window, shared among the CPUs.
func TestCPUMeter(t *testing.T) {
	start := time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC)
	var now cpuSample
	m := &cpuMeter{read: func() cpuSample { return now }, cpus: 2}
	now = cpuSample{at: start}
	if u := m.usage(); u != (cpuUsage{}) {
		t.Errorf("no time passed: %+v", u)
	}
	// Five minutes at 10% of one CPU (5% of two), all in user space.
	for i := 0; i <= 60; i++ {
		now = cpuSample{at: start.Add(time.Duration(i) * cpuInterval), user: time.Duration(i) * cpuInterval / 10}
		m.sample()
	}
	if len(m.samples) != 61 {
		t.Errorf("%d samples kept", len(m.samples))
	}
	// Then five seconds at one full CPU, a quarter of it in the kernel.
	last := now
	now = cpuSample{at: last.at.Add(cpuInterval), user: last.user + cpuInterval*3/4, sys: cpuInterval / 4}
	got := m.usage()
	// One minute: 11 intervals at 5% and one at 50% of the machine: 8.75%.
	want := cpuUsage{fiveSec: 50, fiveSecKernel: 13, oneMin: 9, fiveMin: 6}
	if got != want {
		t.Errorf("usage %+v, want %+v", got, want)
	}
}

// TestShowProcessesFigures: the figures of the real commands come from
// the process: goroutines parked in this package are counted under
// "system", the heap figures add up, and the CPU line is well formed.
func TestShowProcessesFigures(t *testing.T) {
	e, _ := newTestSystem()
	var wg sync.WaitGroup
	stop, ready := make(chan struct{}), make(chan struct{})
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go parkHere(&wg, ready, stop)
		<-ready
	}
	defer func() { close(stop); wg.Wait() }()
	var out strings.Builder
	s := e.NewSession(&out)
	s.RunScript(strings.NewReader("show processes cpu\nshow processes memory\n"))
	text := out.String()
	if !regexp.MustCompile(`CPU utilization for five seconds: \d+%/\d+%; one minute: \d+%; five minutes: \d+%\n PID Goroutines Process\n`).MatchString(text) {
		t.Errorf("cpu layout:\n%s", text)
	}
	m := regexp.MustCompile(`\n +\d+ +(\d+) system\n`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no system row:\n%s", text)
	}
	if n, _ := strconv.Atoi(m[1]); n < 5 {
		t.Errorf("system goroutines %d, want at least the 5 parked here", n)
	}
	pool := regexp.MustCompile(`Processor Pool Total: +(\d+) Used: +(\d+) Free: +(\d+)\n`).FindStringSubmatch(text)
	if pool == nil {
		t.Fatalf("memory layout:\n%s", text)
	}
	total, _ := strconv.ParseUint(pool[1], 10, 64)
	used, _ := strconv.ParseUint(pool[2], 10, 64)
	free, _ := strconv.ParseUint(pool[3], 10, 64)
	if total == 0 || used == 0 || used+free != total {
		t.Errorf("pool %d = %d + %d", total, used, free)
	}
}

func parkHere(wg *sync.WaitGroup, ready, stop chan struct{}) {
	defer wg.Done()
	ready <- struct{}{}
	<-stop
}
