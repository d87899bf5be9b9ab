package acl

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"natlab/packet"
)

// benchList builds n entries of a few realistic shapes (hosts, subnets,
// single ports, ranges, ICMP) that the probe flow does not match, and a
// last entry that it does.
func benchList(t testing.TB, a *ACLs, name string, n int) {
	for i := 0; i < n-1; i++ {
		x, y := i>>8&0xff, i&0xff
		var line string
		switch i % 6 {
		case 0:
			line = fmt.Sprintf("permit tcp host 10.%d.%d.1 host 192.0.2.%d eq %d", x, y, y, 1000+i%50)
		case 1:
			line = fmt.Sprintf("deny udp 10.%d.%d.0 0.0.0.255 any eq domain", x, y)
		case 2:
			line = fmt.Sprintf("permit tcp any host 172.16.%d.%d range 5000 6000", x, y)
		case 3:
			line = fmt.Sprintf("permit icmp host 10.%d.%d.9 any echo", x, y)
		case 4:
			line = fmt.Sprintf("deny ip 172.17.%d.%d 0.0.0.0 any log", x, y)
		default:
			line = fmt.Sprintf("permit tcp 10.%d.%d.0 0.0.0.255 any established", x, y)
		}
		if err := a.Add(name, 0, mustEntry(t, Extended, line)); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
	}
	if err := a.Add(name, 0, mustEntry(t, Extended, "permit tcp any any eq www")); err != nil {
		t.Fatal(err)
	}
	a.Sync()
}

var probe = packet.Parsed{IPProto: packet.ProtoTCP, Src: netip.MustParseAddr("198.51.100.7"), Dst: netip.MustParseAddr("203.0.113.5"), SrcPort: 40000, DstPort: 80, TCPFlags: packet.TCPSyn}

func TestEvaluateAllocatesNothing(t *testing.T) {
	for _, n := range []int{10, 1000, 10000} {
		a := New(Options{})
		defer a.Close()
		benchList(t, a, "BIG", n)
		f := probe
		allocs := testing.AllocsPerRun(1000, func() {
			if permit, found := a.Evaluate("BIG", &f); !permit || !found {
				t.Fatal("probe not permitted")
			}
		})
		if allocs != 0 {
			t.Errorf("%d entries: Evaluate allocates %.1f times per packet, want 0", n, allocs)
		}
		if got := a.List("BIG").Rules[n-1].Matches(); got != 1001 {
			t.Errorf("%d entries: last entry counted %d matches, want 1001", n, got)
		}
	}
}

// TestEvaluateDuringEdits evaluates on several goroutines while the
// configuration changes (run with -race): every answer is one of the
// configurations', and nothing blocks.
func TestEvaluateDuringEdits(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	a.Add("E", 0, mustEntry(t, Extended, "permit tcp any any eq www"))
	stop := make(chan struct{})
	done := make(chan struct{})
	for g := 0; g < 2; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			f := probe
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, found := a.Evaluate("E", &f); !found {
					t.Error("list vanished")
					return
				}
			}
		}()
	}
	for i := 0; i < 300; i++ {
		a.Add("E", 5, mustEntry(t, Extended, "deny tcp any any eq www"))
		a.Add("E", 0, mustEntry(t, Extended, fmt.Sprintf("permit udp any any eq %d", i)))
		a.RemoveSeq("E", 5)
	}
	close(stop)
	<-done
	<-done
	f := probe
	if permit, _ := a.Evaluate("E", &f); !permit {
		t.Error("final configuration denies the probe")
	}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			a := New(Options{})
			defer a.Close()
			benchList(b, a, "BIG", n)
			f := probe
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				a.Evaluate("BIG", &f)
			}
		})
	}
}

// BenchmarkEvaluateLinear is the reference matcher on the same lists, to
// show what the classifier saves.
func BenchmarkEvaluateLinear(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			a := New(Options{})
			defer a.Close()
			benchList(b, a, "BIG", n)
			c := a.snap.Load().lists["BIG"]
			f := probe
			b.ResetTimer()
			for b.Loop() {
				c.cls.slowLookup(&f)
			}
		})
	}
}

func BenchmarkCompile10000(b *testing.B) {
	a := New(Options{})
	defer a.Close()
	benchList(b, a, "BIG", 10000)
	l := a.lists["BIG"]
	b.ResetTimer()
	for b.Loop() {
		compile(l)
	}
}

func TestEvaluateMissingList(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	f := probe
	if permit, found := a.Evaluate("NOPE", &f); permit || found {
		t.Errorf("missing list: permit=%v found=%v", permit, found)
	}
	a.Create("EMPTY", Extended)
	if permit, found := a.Evaluate("EMPTY", &f); permit || !found {
		t.Errorf("empty list: permit=%v found=%v, want implicit deny", permit, found)
	}
}

func TestCountersSurviveRecompile(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	a.Add("1", 0, mustEntry(t, Standard, "permit 198.51.100.0 0.0.0.255"))
	a.Add("1", 0, mustEntry(t, Standard, "deny any"))
	f := probe
	for range 3 {
		a.Evaluate("1", &f)
	}
	a.Add("1", 5, mustEntry(t, Standard, "deny host 10.0.0.1")) // recompiles list 1
	a.Add("2", 0, mustEntry(t, Standard, "deny any"))           // other list: list 1 untouched
	a.Evaluate("1", &f)
	l := a.List("1")
	if got := fmt.Sprint(l.Rules[0].Seq, l.Rules[1].Seq, l.Rules[2].Seq); got != "5 10 20" {
		t.Errorf("seqs %v", got)
	}
	if got := l.Rules[1].Matches(); got != 4 {
		t.Errorf("entry 10 has %d matches after recompiles, want 4", got)
	}
	a.ClearCounters("1")
	if got := a.List("1").Rules[1].Matches(); got != 0 {
		t.Errorf("after clear: %d matches", got)
	}
}

func TestSequenceEditing(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	add := func(seq int, line string) error { return a.Add("N", seq, mustEntry(t, Extended, line)) }
	add(0, "permit tcp any any eq www")
	add(0, "permit tcp any any eq ftp")
	if err := add(15, "deny ip host 1.1.1.1 any"); err != nil {
		t.Fatal(err)
	}
	if err := add(10, "deny ip host 2.2.2.2 any"); !errors.Is(err, ErrDuplicateSeq) {
		t.Errorf("occupied seq: %v", err)
	}
	if err := add(0, "permit tcp any any eq www"); err != nil {
		t.Errorf("identical extended entry: %v", err)
	}
	seqs := func() (s []int) {
		for _, r := range a.List("N").Rules {
			s = append(s, r.Seq)
		}
		return s
	}
	if got := fmt.Sprint(seqs()); got != "[10 15 20]" {
		t.Errorf("seqs %s", got)
	}
	add(0, "permit udp any any")
	if got := fmt.Sprint(seqs()); got != "[10 15 20 30]" {
		t.Errorf("append after insert: %s", got)
	}
	a.Resequence("N", 100, 20)
	if got := fmt.Sprint(seqs()); got != "[100 120 140 160]" {
		t.Errorf("resequence: %s", got)
	}
	a.RemoveSeq("N", 120)
	a.RemoveEntry("N", mustEntry(t, Extended, "permit udp any any"))
	if got := fmt.Sprint(seqs()); got != "[100 140]" {
		t.Errorf("removals: %s", got)
	}
	if err := a.Add("N", 0, mustEntry(t, Standard, "permit any")); err == nil || err.Error() != "% A named extended IP access list with this name already exists" {
		t.Errorf("kind clash: %v", err)
	}
	if err := a.Create("100", Standard); err != ErrInvalidName {
		t.Errorf("standard 100: %v", err)
	}
}

func TestStandardCoveredEntryRefused(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	a.Add("1", 0, mustEntry(t, Standard, "permit 192.168.10.0 0.0.0.255"))
	err := a.Add("1", 0, mustEntry(t, Standard, "deny host 192.168.10.10"))
	want := "% Access rule can't be configured at higher sequence num as it is part of the existing rule at sequence num 10"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
	if err := a.Add("1", 5, mustEntry(t, Standard, "deny host 192.168.10.10")); err != nil {
		t.Errorf("insert before the covering entry: %v", err)
	}
}

func TestLargeListCompilesInBackground(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	benchList(t, a, "BIG", syncCompileLimit+10)
	f := probe
	if permit, _ := a.Evaluate("BIG", &f); !permit {
		t.Fatal("probe not permitted")
	}
	a.Add("BIG", 1, mustEntry(t, Extended, "deny tcp any any eq www"))
	a.Sync()
	if permit, _ := a.Evaluate("BIG", &f); permit {
		t.Error("edit at the top not visible after Sync")
	}
	if got := a.List("BIG").Rules[0].Matches(); got != 1 {
		t.Errorf("new entry counted %d, want 1", got)
	}
}
