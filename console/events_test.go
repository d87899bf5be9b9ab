package console

import (
	"bufio"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/ios"
	"natlab/pktevent"
)

// serveEventsOn serves a console with bus (nil: none) and returns its path.
func serveEventsOn(t *testing.T, bus *pktevent.Bus) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "console")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	srv := newServer(ios.NewEngine(), nil)
	srv.events = bus
	go srv.serve(ln)
	return path
}

func TestEventsMode(t *testing.T) {
	bus := pktevent.New(pktevent.Options{})
	path := serveEventsOn(t, bus)
	ev, err := DialEvents(path, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	if !bus.Active() {
		t.Fatal("the connection did not subscribe")
	}
	bus.Publish(pktevent.Event{Kind: pktevent.KindFTP, Before: "227 (192,168,2,10,11,185)", After: "227 (203,0,113,100,11,185)"})
	ev.SetDeadline(time.Now().Add(5 * time.Second))
	e, err := ev.Next()
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != pktevent.KindFTP || e.After != "227 (203,0,113,100,11,185)" || e.Time.IsZero() {
		t.Fatalf("got %+v", e)
	}
	ev.Close()
	// Closing the connection unsubscribes.
	deadline := time.Now().Add(5 * time.Second)
	for bus.Active() {
		if time.Now().After(deadline) {
			t.Fatal("still subscribed after the client closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEventsModeRefused(t *testing.T) {
	tests := []struct {
		name string
		bus  func() *pktevent.Bus
		want string
	}{
		{"no stream", func() *pktevent.Bus { return nil }, "no event stream"},
		{"too many", func() *pktevent.Bus {
			b := pktevent.New(pktevent.Options{})
			for range pktevent.MaxSubscribers {
				b.Subscribe(1)
			}
			return b
		}, "too many subscribers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DialEvents(serveEventsOn(t, tc.bus()), 5*time.Second)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// A stats line comes now and then, with this connection's drops.
func TestEventsStatsLine(t *testing.T) {
	bus := pktevent.New(pktevent.Options{})
	a, b := net.Pipe()
	defer a.Close()
	go serveEvents(b, bufio.NewReader(b), bus, 20*time.Millisecond)
	s := bufio.NewScanner(a)
	a.SetDeadline(time.Now().Add(5 * time.Second))
	if !s.Scan() || !strings.Contains(s.Text(), `"ok":true`) {
		t.Fatalf("first line %q", s.Text())
	}
	if !s.Scan() || !strings.Contains(s.Text(), `"kind":"stats"`) || !strings.Contains(s.Text(), `"dropped":0`) {
		t.Fatalf("second line %q", s.Text())
	}
}
