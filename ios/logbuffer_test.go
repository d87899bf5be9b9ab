package ios

import (
	"strings"
	"testing"
	"time"
)

// bufferBytes is what the log buffer holds: its lines, each with its end.
func bufferBytes(e *Engine) int {
	n := 0
	for _, l := range e.LogBuffer() {
		n += len(l) + 1
	}
	return n
}

// TestLogBufferBound: the buffer never holds more than its size, counts
// what it overwrote, and a message longer than the whole buffer leaves its
// tail (a partial first line, as IOS's circular buffer shows).
func TestLogBufferBound(t *testing.T) {
	e := NewEngine()
	e.Clock = func() time.Time { return time.Date(2024, 1, 2, 10, 0, 0, 0, time.UTC) }
	if st := e.LogStats(); st.Size != DefaultLogBufferSize || st.Logged != 0 || st.Overwritten != 0 {
		t.Fatalf("fresh stats %+v", st)
	}
	msg := "%SYS-5-CONFIG_I: Configured from console by console"
	for i := 0; i < 1000; i++ {
		e.Log(msg)
		if n := bufferBytes(e); n > DefaultLogBufferSize {
			t.Fatalf("after %d messages the buffer holds %d bytes", i+1, n)
		}
	}
	st := e.LogStats()
	kept := len(e.LogBuffer())
	per := len(e.LogBuffer()[0]) + 1
	if st.Logged != 1000 || st.Overwritten != 1000-kept || kept != DefaultLogBufferSize/per || st.Used != bufferBytes(e) {
		t.Errorf("stats %+v, %d lines kept", st, kept)
	}

	e.SetLogBufferSize(100)
	if n := bufferBytes(e); n > 100 || len(e.LogBuffer()) != 1 {
		t.Errorf("shrunk to 100: %d bytes in %d lines", n, len(e.LogBuffer()))
	}
	if st := e.LogStats(); st.Overwritten != 999 {
		t.Errorf("overwritten after shrink %d, want 999", st.Overwritten)
	}
	long := "%TEST-6-LONG: " + strings.Repeat("z", 300)
	e.Log(long)
	got := e.LogBuffer()
	if n := bufferBytes(e); n > 100 || len(got) != 1 || !strings.HasSuffix(long, got[0]) {
		t.Errorf("a message over the size: %q (%d bytes)", got, n)
	}
}
