package nat

import (
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"natlab/packet"
)

// TestConcurrent runs packet goroutines against expiry, clearing, show and
// configuration changes (meant for -race); at the end, with everything
// cleared, nothing may be left allocated.
func TestConcurrent(t *testing.T) {
	l := newLab(t).reference(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			for i := 0; i < 5000; i++ {
				host := "192.168.1." + string(rune('0'+rng.IntN(10)))
				sport := uint16(1000 + rng.IntN(50))
				switch rng.IntN(4) {
				case 0:
					l.Outbound(udpPkt(host, sport, "203.0.113.10", 53))
				case 1:
					l.Outbound(tcpPkt(host, sport, "203.0.113.10", 80, syn))
				case 2:
					l.Inbound(udpPkt("203.0.113.10", 53, "203.0.113.1", sport))
				default:
					l.Hairpin(echoPkt(8, host, "203.0.113.100", sport))
				}
			}
		}(uint64(g))
	}
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			l.clock.Advance(10 * time.Second)
			l.Sweep()
			l.WriteTranslations(io.Discard, 0, true)
			l.WriteStatistics(io.Discard)
			_ = l.SetTimeout("udp-timeout", 30*time.Second, false)
			l.Clear(Selector{Proto: packet.ProtoUDP, InsideGlobal: ip("203.0.113.1"), InsideGlobalPort: 1000, InsideLocal: ip("192.168.1.1"), InsideLocalPort: 1000})
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait() // the packet goroutines end first...
	close(stop)
	bg.Wait()
	l.ClearAll()
	if n := l.in.count() + l.out.count(); n != 0 || len(l.ports) != 0 || len(l.patByLocal) != 0 || len(l.patByGlobal) != 0 || l.sessions != 0 {
		t.Fatalf("left: %d index entries, %d port sets, %d/%d bindings, %d dynamic", n, len(l.ports), len(l.patByLocal), len(l.patByGlobal), l.sessions)
	}
	for _, m := range l.cfg.mappings {
		if m.refs != 0 {
			t.Fatalf("mapping refcount %d", m.refs)
		}
	}
}
