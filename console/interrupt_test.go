package console

import (
	"io"
	"strings"
	"testing"
	"time"

	"natlab/router"
)

// TestEscapeInterruptsTraceroute: a console session runs a traceroute to an unrouted address (30 hops
// of 3 s timeouts); Ctrl-^ x brings the prompt back at once, and what was typed meanwhile waits for it.
func TestEscapeInterruptsTraceroute(t *testing.T) {
	path, e := serve(t)
	r := router.New(router.Options{Interfaces: 2})
	t.Cleanup(func() { r.Close() })
	router.RegisterCLI(e, r, time.Now)
	tm := dialTerm(t, path)
	tm.expect("Router>")
	tm.send("enable\r")
	tm.expect("Router#")
	tm.send("traceroute 198.18.0.1\r")
	tm.expect("Tracing the route to 198.18.0.1")
	time.Sleep(200 * time.Millisecond)
	tm.send("sh")
	begin := time.Now()
	tm.send("\x1ex")
	got := tm.expect("Router#sh")
	if d := time.Since(begin); d > time.Second {
		t.Errorf("the prompt came back after %v", d)
	}
	if strings.Contains(got, "*") {
		t.Errorf("the probe in flight was printed: %q", got)
	}
}

// TestKeyPump: the pump drops the escape sequence (calling interrupt) and a lone Ctrl-^, passes every
// other key in order, and ends with the input's error.
func TestKeyPump(t *testing.T) {
	tests := []struct {
		in, out string
		intr    int
	}{
		{"show\r", "show\r", 0},
		{"\x1ex", "", 1},
		{"\x1eX\x1ex", "", 2},
		{"ab\x1ecd", "abcd", 0},
		{"\x1e\x1ex", "", 1},
		{"x\x1e", "x", 0},
	}
	for _, tt := range tests {
		n := 0
		p := newKeyPump(strings.NewReader(tt.in), func() { n++ })
		b, err := io.ReadAll(p)
		if err != nil || string(b) != tt.out || n != tt.intr {
			t.Errorf("%q: read %q, %v, %d interrupts; want %q, %d", tt.in, b, err, n, tt.out, tt.intr)
		}
	}
}

// TestKeyPumpBounded: keys nobody reads fill the queue up to keyQueueSize and no further; the pump
// waits for room, and close releases it.
func TestKeyPumpBounded(t *testing.T) {
	pr, pw := io.Pipe()
	p := newKeyPump(pr, func() {})
	go pw.Write(make([]byte, 3*keyQueueSize))
	deadline := time.Now().Add(2 * time.Second)
	for {
		p.mu.Lock()
		n := len(p.buf)
		p.mu.Unlock()
		if n == keyQueueSize || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	p.mu.Lock()
	n := len(p.buf)
	p.mu.Unlock()
	if n != keyQueueSize {
		t.Errorf("queue holds %d keys, want %d", n, keyQueueSize)
	}
	p.close()
	pw.Close()
}
