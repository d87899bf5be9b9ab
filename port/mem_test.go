package port

import (
	"errors"
	"testing"
	"time"
)

func TestMemBatchRead(t *testing.T) {
	m, h := NewMem("m0", 0)
	defer m.Close()
	if m.MTU() != 1500 || m.Name() != "m0" || m.BatchSize() < 2 {
		t.Fatalf("mtu %d name %s batch %d", m.MTU(), m.Name(), m.BatchSize())
	}
	for k := 0; k < 5; k++ {
		if err := h.Inject([]byte{byte(k), 1, 2}); err != nil {
			t.Fatal(err)
		}
	}
	const off = 4
	bufs := make([][]byte, 3)
	for k := range bufs {
		bufs[k] = make([]byte, 100)
	}
	sizes := make([]int, 3)
	n, err := m.Read(bufs, sizes, off)
	if err != nil || n != 3 {
		t.Fatalf("Read = %d, %v", n, err)
	}
	for k := 0; k < n; k++ {
		if sizes[k] != 3 || bufs[k][off] != byte(k) {
			t.Errorf("packet %d: size %d first byte %d", k, sizes[k], bufs[k][off])
		}
	}
	if n, _ := m.Read(bufs, sizes, 0); n != 2 {
		t.Errorf("second Read = %d", n)
	}
}

func TestMemWriteAndHostRead(t *testing.T) {
	m, h := NewMem("m0", 1500)
	defer m.Close()
	bufs := [][]byte{[]byte("xxab"), []byte("xxcd")}
	if n, err := m.Write(bufs, 2); n != 2 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if h.Pending() != 2 {
		t.Errorf("Pending %d", h.Pending())
	}
	if got := string(h.Recv(time.Second)); got != "ab" {
		t.Errorf("got %q", got)
	}
	dst := make([]byte, 10)
	if n, _ := h.ReadInto(dst); string(dst[:n]) != "cd" {
		t.Errorf("got %q", dst[:n])
	}
	if h.TryRecv() != nil || h.Recv(10*time.Millisecond) != nil {
		t.Error("phantom packet")
	}
}

func TestMemLinkState(t *testing.T) {
	m, h := NewMem("m0", 1500)
	defer m.Close()
	var l Linker = m
	if !l.LinkUp() {
		t.Fatal("new Mem down")
	}
	l.SetLinkUp(false)
	if l.LinkUp() || h.AdminUp() {
		t.Error("still up after SetLinkUp(false)")
	}
	if err := h.Inject([]byte{1}); !errors.Is(err, ErrLinkDown) {
		t.Errorf("Inject on a down link: %v", err)
	}
	m.Write([][]byte{{1}}, 0)
	if h.TryRecv() != nil || m.Dropped.Load() != 2 {
		t.Errorf("down link delivered; dropped %d", m.Dropped.Load())
	}
	l.SetLinkUp(true)
	h.SetCarrier(false)
	if l.LinkUp() {
		t.Error("up without carrier")
	}
	if e := <-l.Events(); e != EventDown {
		t.Errorf("event %v", e)
	}
	h.SetCarrier(false) // no change, no event
	h.SetCarrier(true)
	if e := <-l.Events(); e != EventUp || !l.LinkUp() {
		t.Errorf("event %v up %v", e, l.LinkUp())
	}
}

func TestMemCloseUnblocksRead(t *testing.T) {
	m, h := NewMem("m0", 1500)
	errc := make(chan error)
	go func() {
		_, err := m.Read([][]byte{make([]byte, 10)}, []int{0}, 0)
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	m.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v", err)
	}
	if _, err := m.Write([][]byte{{1}}, 0); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := h.Inject([]byte{1}); !errors.Is(err, ErrClosed) {
		t.Errorf("Inject after Close: %v", err)
	}
	m.Close()
}

func TestMemQueueFullDrops(t *testing.T) {
	m, h := NewMem("m0", 1500)
	defer m.Close()
	var err error
	for k := 0; k <= memQueue && err == nil; k++ {
		err = h.Inject([]byte{1})
	}
	if !errors.Is(err, ErrQueueFull) {
		t.Errorf("overfull queue: %v", err)
	}
}

func TestMemNoAllocs(t *testing.T) {
	m, h := NewMem("m0", 1500)
	defer m.Close()
	pkt := make([]byte, 200)
	bufs := [][]byte{make([]byte, 1500)}
	sizes := []int{0}
	dst := make([]byte, 1500)
	allocs := testing.AllocsPerRun(1000, func() {
		h.Inject(pkt)
		m.Read(bufs, sizes, 0)
		m.Write(bufs, 0)
		h.ReadInto(dst)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per round trip", allocs)
	}
}
