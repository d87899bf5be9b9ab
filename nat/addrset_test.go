package nat

import (
	"sync"
	"testing"
)

func TestAddrSet(t *testing.T) {
	var s addrSet
	s.init()
	a, b := from32(0xc0a80101), from32(0xc0a80102)
	steps := []struct {
		name   string
		do     func()
		ha, hb bool
	}{
		{"empty", func() {}, false, false},
		{"add a", func() { s.add(a) }, true, false},
		{"add a again", func() { s.add(a) }, true, false},
		{"remove a once: still there", func() { s.remove(a) }, true, false},
		{"remove a again: gone", func() { s.remove(a) }, false, false},
		{"remove what is not there", func() { s.remove(b) }, false, false},
		{"add b", func() { s.add(b) }, false, true},
	}
	for _, st := range steps {
		st.do()
		if s.has(a) != st.ha || s.has(b) != st.hb {
			t.Fatalf("%s: has(a) %v, has(b) %v; want %v, %v", st.name, s.has(a), s.has(b), st.ha, st.hb)
		}
	}
	// Growing and churning keep every member and forget every non-member.
	for i := uint32(0); i < 10000; i++ {
		s.add(from32(i))
		if i%3 == 0 {
			s.remove(from32(i))
		}
	}
	for i := uint32(0); i < 10000; i++ {
		if s.has(from32(i)) != (i%3 != 0) {
			t.Fatalf("%d: has %v", i, s.has(from32(i)))
		}
	}
	if !s.has(b) || len(s.table.Load().slots) > 4*16384 {
		t.Fatalf("b lost, or %d slots for %d members", len(s.table.Load().slots), len(s.refs))
	}
}

// TestAddrSetConcurrent reads while another goroutine changes the set
// (meant for -race): a member that is never removed is always found.
func TestAddrSetConcurrent(t *testing.T) {
	var s addrSet
	var mu sync.Mutex // NAT.mu
	s.init()
	stay := from32(0x0a000001)
	s.add(stay)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := uint32(0); i < 20000; i++ {
			mu.Lock()
			s.add(from32(0xc6000000 + i))
			if i > 100 {
				s.remove(from32(0xc6000000 + i - 100))
			}
			mu.Unlock()
		}
	}()
	for i := 0; i < 20000; i++ {
		if !s.has(stay) {
			t.Fatal("a member was not found while the set changed")
		}
	}
	wg.Wait()
}
