package system

import (
	"runtime"
	"sync"
	"syscall"
	"time"
)

// cpuSample is the process's CPU time at one moment.
type cpuSample struct {
	at        time.Time
	user, sys time.Duration
}

// cpuInterval is how often the CPU time is sampled; cpuWindow the longest
// average show processes cpu gives (five minutes).
const (
	cpuInterval = 5 * time.Second
	cpuWindow   = 5 * time.Minute
)

// cpuMeter keeps the samples of the last five minutes, so show processes
// cpu can average the real CPU time over five seconds, one minute and five
// minutes. The process has one CPU clock, so there is one meter per
// process, started with the first router.
type cpuMeter struct {
	mu      sync.Mutex
	samples []cpuSample // oldest first, at most cpuWindow/cpuInterval+1
	read    func() cpuSample
	cpus    int
}

var (
	processMeter     *cpuMeter
	processMeterOnce sync.Once
)

// meter returns the process's meter, starting its sampler the first time.
func meter() *cpuMeter {
	processMeterOnce.Do(func() {
		processMeter = &cpuMeter{read: readCPU, cpus: runtime.NumCPU()}
		processMeter.sample()
		go func() {
			for range time.Tick(cpuInterval) {
				processMeter.sample()
			}
		}()
	})
	return processMeter
}

// readCPU is the process's user and system CPU time (getrusage).
func readCPU() cpuSample {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return cpuSample{at: time.Now(), user: time.Duration(ru.Utime.Nano()), sys: time.Duration(ru.Stime.Nano())}
}

func (m *cpuMeter) sample() {
	s := m.read()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.samples = append(m.samples, s)
	if max := int(cpuWindow/cpuInterval) + 1; len(m.samples) > max {
		m.samples = append(m.samples[:0], m.samples[len(m.samples)-max:]...)
	}
}

// cpuUsage is the first line of show processes cpu, in percent of all the
// machine's CPUs: the total and, after the slash, the part spent in the
// kernel (for a router on TUN devices, the packet I/O: IOS's interrupt
// level) over five seconds, then the total over one and five minutes.
type cpuUsage struct {
	fiveSec, fiveSecKernel, oneMin, fiveMin int
}

// usage averages CPU time from now back over each window; a window longer
// than the process has run uses what there is.
func (m *cpuMeter) usage() cpuUsage {
	now := m.read()
	m.mu.Lock()
	defer m.mu.Unlock()
	pct := func(window time.Duration) (total, kernel int) {
		from := now
		for i := len(m.samples) - 1; i >= 0; i-- {
			from = m.samples[i]
			if now.at.Sub(from.at) >= window {
				break
			}
		}
		wall := now.at.Sub(from.at) * time.Duration(m.cpus)
		if wall <= 0 {
			return 0, 0
		}
		total = percent(now.user+now.sys-from.user-from.sys, wall)
		kernel = percent(now.sys-from.sys, wall)
		return total, kernel
	}
	var u cpuUsage
	u.fiveSec, u.fiveSecKernel = pct(cpuInterval)
	u.oneMin, _ = pct(time.Minute)
	u.fiveMin, _ = pct(cpuWindow)
	return u
}

// percent is part of whole in whole percent, rounded, at most 100.
func percent(part, whole time.Duration) int {
	p := int((200*part + whole) / (2 * whole))
	return min(max(p, 0), 100)
}
