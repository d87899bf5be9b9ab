package pktevent

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/internal/testclock"
)

func newTestBus(rate int) (*Bus, *testclock.Clock) {
	c := testclock.New(time.Unix(1_700_000_000, 0))
	return New(Options{Rate: rate, Now: c.Now}), c
}

func drain(s *Subscription) []Event {
	var out []Event
	for {
		select {
		case e := <-s.C:
			out = append(out, e)
		default:
			return out
		}
	}
}

func TestNilAndIdleBus(t *testing.T) {
	var nilBus *Bus
	if nilBus.Active() {
		t.Fatal("a nil bus is active")
	}
	nilBus.Publish(Event{Kind: KindACL}) // must not panic
	b, _ := newTestBus(10)
	if b.Active() {
		t.Fatal("a bus without subscribers is active")
	}
	b.Publish(Event{Kind: KindACL})
	if st := b.Stats(); st != (Stats{}) {
		t.Fatalf("publishing to nobody counted %+v", st)
	}
}

func TestSampling(t *testing.T) {
	tests := []struct {
		name      string
		rate      int
		ev        Event
		n         int
		want      int
		sampledOK bool
	}{
		{"acl within the rate", 10, Event{Kind: KindACL}, 5, 5, false},
		{"acl beyond the rate", 10, Event{Kind: KindACL}, 25, 10, true},
		{"nat hits are sampled", 3, Event{Kind: KindNAT}, 10, 3, true},
		{"new translations always pass", 3, Event{Kind: KindNAT, Created: true}, 10, 10, false},
		{"ftp rewrites always pass", 3, Event{Kind: KindFTP}, 10, 10, false},
		{"negative rate: only important", -1, Event{Kind: KindACL}, 10, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := newTestBus(tc.rate)
			s, err := b.Subscribe(100)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for range tc.n {
				b.Publish(tc.ev)
			}
			got := len(drain(s))
			if got != tc.want {
				t.Fatalf("got %d events, want %d", got, tc.want)
			}
			if st := b.Stats(); (st.SampledOut > 0) != tc.sampledOK || st.Published != uint64(tc.want) {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestAdmitThenSend(t *testing.T) {
	b, _ := newTestBus(2)
	if b.Admit() {
		t.Fatal("admitted with nobody subscribed")
	}
	s, _ := b.Subscribe(10)
	defer s.Close()
	sent := 0
	for range 5 {
		if b.Admit() {
			b.Send(Event{Kind: KindACL, Rule: "permit tcp any any"})
			sent++
		}
	}
	if sent != 2 || len(drain(s)) != 2 || b.Stats().SampledOut != 3 {
		t.Fatalf("sent %d, stats %+v", sent, b.Stats())
	}
}

func TestSamplingWindowMoves(t *testing.T) {
	b, clk := newTestBus(2)
	s, _ := b.Subscribe(100)
	defer s.Close()
	for sec := range 3 {
		for range 5 {
			b.Publish(Event{Kind: KindACL})
		}
		if got := len(drain(s)); got != 2 {
			t.Fatalf("second %d: %d events, want 2", sec, got)
		}
		clk.Advance(time.Second)
	}
}

func TestSlowSubscriberDropsNeverBlocks(t *testing.T) {
	b, _ := newTestBus(1000)
	slow, _ := b.Subscribe(4)
	fast, _ := b.Subscribe(100)
	defer slow.Close()
	defer fast.Close()
	done := make(chan struct{})
	go func() {
		for range 50 {
			b.Publish(Event{Kind: KindACL})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if got := len(drain(slow)); got != 4 {
		t.Fatalf("slow subscriber got %d, want its queue of 4", got)
	}
	if slow.Dropped() != 46 || fast.Dropped() != 0 {
		t.Fatalf("dropped: slow %d fast %d", slow.Dropped(), fast.Dropped())
	}
	if got := len(drain(fast)); got != 50 {
		t.Fatalf("fast subscriber got %d, want 50", got)
	}
	if st := b.Stats(); st.Dropped != 46 {
		t.Fatalf("bus dropped %d, want 46", st.Dropped)
	}
}

func TestSubscribersBounded(t *testing.T) {
	b, _ := newTestBus(10)
	var subs []*Subscription
	for range MaxSubscribers {
		s, err := b.Subscribe(1)
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	if _, err := b.Subscribe(1); err != ErrTooManySubscribers {
		t.Fatalf("subscriber %d: err %v", MaxSubscribers+1, err)
	}
	subs[0].Close()
	subs[0].Close() // twice is harmless
	if _, err := b.Subscribe(1); err != nil {
		t.Fatalf("after a Close: %v", err)
	}
	for _, s := range subs[1:] {
		s.Close()
	}
}

func TestCloseStopsDelivery(t *testing.T) {
	b, _ := newTestBus(10)
	s, _ := b.Subscribe(10)
	s.Close()
	if b.Active() {
		t.Fatal("active after the only subscriber closed")
	}
	b.Publish(Event{Kind: KindFTP})
	if len(drain(s)) != 0 {
		t.Fatal("a closed subscription got an event")
	}
}

// The producers' pattern costs nothing when nobody subscribes, and a
// publish to a subscriber allocates nothing either.
func TestAllocs(t *testing.T) {
	b, _ := newTestBus(1 << 30)
	src := netip.MustParseAddrPort("192.168.1.10:1024")
	produce := func() {
		if b.Active() {
			b.Publish(Event{Kind: KindNAT, In: "GigabitEthernet0/0", Proto: "tcp", Src: src, NewSrc: src})
		}
	}
	if n := testing.AllocsPerRun(1000, produce); n != 0 {
		t.Fatalf("idle: %v allocs", n)
	}
	s, _ := b.Subscribe(1)
	defer s.Close()
	if n := testing.AllocsPerRun(1000, produce); n != 0 {
		t.Fatalf("subscribed: %v allocs", n)
	}
	if b.Stats().Published == 0 {
		t.Fatal("nothing was published")
	}
}

func BenchmarkIdle(b *testing.B) {
	bus := New(Options{})
	b.ReportAllocs()
	for b.Loop() {
		if bus.Active() {
			bus.Publish(Event{Kind: KindACL})
		}
	}
}

func BenchmarkPublishSampled(b *testing.B) {
	bus := New(Options{})
	s, _ := bus.Subscribe(1)
	defer s.Close()
	b.ReportAllocs()
	for b.Loop() {
		bus.Publish(Event{Kind: KindACL, List: "FROM-ISP", Action: "permit"})
	}
}

func TestJSON(t *testing.T) {
	e := Event{Kind: KindNAT, Proto: "tcp", In: "GigabitEthernet0/0",
		Src:    netip.MustParseAddrPort("192.168.1.10:40000"),
		Dst:    netip.MustParseAddrPort("203.0.113.10:21"),
		NewSrc: netip.MustParseAddrPort("203.0.113.1:40000"), Created: true}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"kind":"nat"`, `"src":"192.168.1.10:40000"`, `"new_src":"203.0.113.1:40000"`, `"created":true`} {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %s", s, want)
		}
	}
	for _, absent := range []string{"new_dst", "list", "before", "stats"} {
		if strings.Contains(s, absent) {
			t.Errorf("%s has %s", s, absent)
		}
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Kind != KindNAT || back.NewSrc != e.NewSrc || back.NewDst.IsValid() {
		t.Fatalf("round trip: %+v", back)
	}
	var k Kind
	if err := k.UnmarshalText([]byte("bogus")); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}
