package system

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strings"

	"natlab/ios"
)

// modulePrefix starts the functions of the router's own packages; a
// goroutine or an allocation belongs to the first of them on its stack.
const modulePrefix = "natlab/"

// part names the router package a stack belongs to ("router", "nat",
// "console"), "main" for the command, or "runtime" when none of the
// router's functions is on it (the Go runtime's own goroutines).
func part(stk []uintptr) string {
	frames := runtime.CallersFrames(stk)
	for {
		f, more := frames.Next()
		if name, ok := strings.CutPrefix(f.Function, modulePrefix); ok {
			return packageOf(name)
		}
		if strings.HasPrefix(f.Function, "main.") {
			return "main"
		}
		if !more {
			return "runtime"
		}
	}
}

// packageOf cuts "nat.(*NAT).expire" or "internal/tty.Raw" to its package.
func packageOf(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	if dot := strings.IndexByte(fn[slash+1:], '.'); dot >= 0 {
		return fn[:slash+1+dot]
	}
	return fn
}

// partCount is one row of the goroutine table.
type partCount struct {
	name       string
	goroutines int
}

// goroutinesByPart counts the process's goroutines by router part, most
// first.
func goroutinesByPart() []partCount {
	var recs []runtime.StackRecord
	n, _ := runtime.GoroutineProfile(nil)
	for {
		recs = make([]runtime.StackRecord, n+16)
		var ok bool
		if n, ok = runtime.GoroutineProfile(recs); ok {
			recs = recs[:n]
			break
		}
	}
	counts := map[string]int{}
	for _, r := range recs {
		counts[part(r.Stack())]++
	}
	out := make([]partCount, 0, len(counts))
	for name, c := range counts {
		out = append(out, partCount{name, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].goroutines != out[j].goroutines {
			return out[i].goroutines > out[j].goroutines
		}
		return out[i].name < out[j].name
	})
	return out
}

// writeProcessesCPU is show processes cpu: IOS's utilisation line, then
// the router's parts with their goroutines (Go schedules goroutines, not
// processes: the table says where they run).
func writeProcessesCPU(w io.Writer, u cpuUsage, parts []partCount) {
	fmt.Fprintf(w, "CPU utilization for five seconds: %d%%/%d%%; one minute: %d%%; five minutes: %d%%\n", u.fiveSec, u.fiveSecKernel, u.oneMin, u.fiveMin)
	fmt.Fprintf(w, " PID Goroutines Process\n")
	for i, p := range parts {
		fmt.Fprintf(w, "%4d %10d %s\n", i+1, p.goroutines, p.name)
	}
}

// poolFigures is the first line of show processes memory: the Go heap as
// the processor pool.
type poolFigures struct{ total, used, free uint64 }

// partMemory is one row of show processes memory.
type partMemory struct {
	name                      string
	allocated, freed, holding uint64
}

// maxMemoryRows is how many parts show processes memory lists.
const maxMemoryRows = 10

// heapFigures reads the Go heap: the bytes it has from the system, those in
// use by objects, and the rest.
func heapFigures() poolFigures {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return poolFigures{total: m.HeapSys, used: m.HeapInuse, free: m.HeapSys - m.HeapInuse}
}

// memoryByPart sums the heap profile (sampled by the Go runtime, scaled
// back as pprof does) by router part, the largest holders first.
func memoryByPart() []partMemory {
	var recs []runtime.MemProfileRecord
	n, _ := runtime.MemProfile(nil, true)
	for {
		recs = make([]runtime.MemProfileRecord, n+16)
		var ok bool
		if n, ok = runtime.MemProfile(recs, true); ok {
			recs = recs[:n]
			break
		}
	}
	sums := map[string]*partMemory{}
	for _, r := range recs {
		name := part(r.Stack())
		p := sums[name]
		if p == nil {
			p = &partMemory{name: name}
			sums[name] = p
		}
		p.allocated += scaleSample(r.AllocObjects, r.AllocBytes)
		p.freed += scaleSample(r.FreeObjects, r.FreeBytes)
	}
	out := make([]partMemory, 0, len(sums))
	for _, p := range sums {
		if p.allocated >= p.freed {
			p.holding = p.allocated - p.freed
		}
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].holding != out[j].holding {
			return out[i].holding > out[j].holding
		}
		return out[i].name < out[j].name
	})
	return out[:min(len(out), maxMemoryRows)]
}

// scaleSample estimates the bytes behind a sampled profile record, as
// pprof's scaleHeapSample does: a sample of average size s stands for
// 1/(1-exp(-s/rate)) of them.
func scaleSample(count, bytes int64) uint64 {
	rate := int64(runtime.MemProfileRate)
	if count <= 0 || bytes <= 0 {
		return 0
	}
	if rate <= 1 {
		return uint64(bytes)
	}
	avg := float64(bytes) / float64(count)
	return uint64(float64(bytes) / (1 - math.Exp(-avg/float64(rate))))
}

// writeProcessesMemory is show processes memory in IOS's layout.
func writeProcessesMemory(w io.Writer, pool poolFigures, parts []partMemory) {
	fmt.Fprintf(w, "Processor Pool Total: %10d Used: %10d Free: %10d\n\n", pool.total, pool.used, pool.free)
	fmt.Fprintf(w, " PID  Allocated      Freed    Holding Process\n")
	for i, p := range parts {
		fmt.Fprintf(w, "%4d %10d %10d %10d %s\n", i+1, p.allocated, p.freed, p.holding, p.name)
	}
}

func (s *System) showProcessesCPU(c *ios.Context, a ios.Args) error {
	writeProcessesCPU(c, meter().usage(), goroutinesByPart())
	return nil
}

func (s *System) showProcessesMemory(c *ios.Context, a ios.Args) error {
	writeProcessesMemory(c, heapFigures(), memoryByPart())
	return nil
}
