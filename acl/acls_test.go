package acl

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"natlab/packet"
)

// benchLine is entry i of the benchmark lists: a few realistic shapes
// (hosts, subnets, single ports, ranges, ICMP) that the probe does not
// match.
func benchLine(i int) string {
	x, y := i>>8&0xff, i&0xff
	switch i % 6 {
	case 0:
		return fmt.Sprintf("permit tcp host 10.%d.%d.1 host 192.0.2.%d eq %d", x, y, y, 1000+i%50)
	case 1:
		return fmt.Sprintf("deny udp 10.%d.%d.0 0.0.0.255 any eq domain", x, y)
	case 2:
		return fmt.Sprintf("permit tcp any host 172.16.%d.%d range 5000 6000", x, y)
	case 3:
		return fmt.Sprintf("permit icmp host 10.%d.%d.9 any echo", x, y)
	case 4:
		return fmt.Sprintf("deny ip 172.17.%d.%d 0.0.0.0 any log", x, y)
	}
	return fmt.Sprintf("permit tcp 10.%d.%d.0 0.0.0.255 any established", x, y)
}

// benchEntry is the entry benchLine(i) types, built directly so that the
// benchmarks can make lists of 10,000 entries quickly
// (TestBenchEntriesAsTyped checks that they agree).
func benchEntry(i int) Entry {
	x, y := uint32(i>>8&0xff), uint32(i&0xff)
	e := Entry{Kind: Extended, Action: Permit, Proto: packet.ProtoTCP, Src: AnyAddress, Dst: AnyAddress, ICMPType: -1, ICMPCode: -1}
	switch i % 6 {
	case 0:
		e.Src, e.Dst = Address{10<<24 | x<<16 | y<<8 | 1, 0}, Address{192<<24 | 2<<8 | y, 0}
		e.DstPort = PortMatch{PortEq, uint16(1000 + i%50), 0}
	case 1:
		e.Action, e.Proto, e.Src = Deny, packet.ProtoUDP, Address{10<<24 | x<<16 | y<<8, 0xff}
		e.DstPort = PortMatch{PortEq, 53, 0}
	case 2:
		e.Dst, e.DstPort = Address{172<<24 | 16<<16 | x<<8 | y, 0}, PortMatch{PortRange, 5000, 6000}
	case 3:
		e.Proto, e.Src, e.ICMPType = packet.ProtoICMP, Address{10<<24 | x<<16 | y<<8 | 9, 0}, int16(packet.ICMPEcho)
	case 4:
		e.Action, e.AnyProto, e.Proto, e.Src, e.Log = Deny, true, 0, Address{172<<24 | 17<<16 | x<<8 | y, 0}, Log
	default:
		e.Src, e.Established = Address{10<<24 | x<<16 | y<<8, 0xff}, true
	}
	return e
}

// probeEntry, last in the benchmark lists, is the one the probe matches.
const probeEntry = "permit tcp any any eq www"

func TestBenchEntriesAsTyped(t *testing.T) {
	for i := range 12 {
		if got, want := benchEntry(i), mustEntry(t, Extended, benchLine(i)); got != want {
			t.Errorf("benchEntry(%d) = %+v, typed %q gives %+v", i, got, benchLine(i), want)
		}
	}
}

// benchList makes a list of n-1 benchmark entries that the probe does not
// match and a last one that it does.
func benchList(t testing.TB, a *ACLs, name string, n int) {
	for i := 0; i < n-1; i++ {
		if err := a.Add(name, 0, benchEntry(i)); err != nil {
			t.Fatalf("%q: %v", benchLine(i), err)
		}
	}
	if err := a.Add(name, 0, mustEntry(t, Extended, probeEntry)); err != nil {
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

// benchLists runs a benchmark on lists of 10, 1,000 and 10,000 entries.
func benchLists(b *testing.B, run func(b *testing.B, a *ACLs)) {
	for _, n := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			a := New(Options{})
			defer a.Close()
			benchList(b, a, "BIG", n)
			b.ReportAllocs()
			b.ResetTimer()
			run(b, a)
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	benchLists(b, func(b *testing.B, a *ACLs) {
		f := probe
		for b.Loop() {
			a.Evaluate("BIG", &f)
		}
	})
}

// BenchmarkEvaluateLinear is the reference matcher on the same lists, to
// show what the classifier saves.
func BenchmarkEvaluateLinear(b *testing.B) {
	benchLists(b, func(b *testing.B, a *ACLs) {
		c := a.snap.Load().lists["BIG"].published.Load()
		f := probe
		for b.Loop() {
			c.cls.slowLookup(&f)
		}
	})
}

func BenchmarkCompile10000(b *testing.B) {
	a := New(Options{})
	defer a.Close()
	benchList(b, a, "BIG", 10000)
	rules := ruleCopy(a.lists["BIG"])
	b.ResetTimer()
	for b.Loop() {
		newClassifier(rules)
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

// grouped reports whether the published classifier of a list covers all
// its entries with groups.
func grouped(a *ACLs, name string) bool {
	c := a.snap.Load().lists[name].published.Load()
	return c.cls.grouped == len(c.cls.rules)
}

// TestLargeListEditsVisibleAtOnce edits a list too large to recompile in
// the command: every edit is visible when it returns, and Sync waits for
// the groups to cover the list again.
func TestLargeListEditsVisibleAtOnce(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	benchList(t, a, "BIG", syncCompileLimit+10)
	f := probe
	if permit, _ := a.Evaluate("BIG", &f); !permit || !grouped(a, "BIG") {
		t.Fatalf("probe permitted %v, list grouped %v", permit, grouped(a, "BIG"))
	}
	a.Add("BIG", 1, mustEntry(t, Extended, "deny tcp any any eq www")) // an insert
	if permit, _ := a.Evaluate("BIG", &f); permit {
		t.Error("edit at the top not visible when Add returns")
	}
	a.Sync()
	if permit, _ := a.Evaluate("BIG", &f); permit || !grouped(a, "BIG") {
		t.Errorf("after Sync: probe permitted %v, list grouped %v", permit, grouped(a, "BIG"))
	}
	if got := a.List("BIG").Rules[0].Matches(); got != 2 {
		t.Errorf("new entry counted %d, want 2", got)
	}
	a.RemoveSeq("BIG", 1)
	a.Add("BIG", 0, mustEntry(t, Extended, "deny ip any any")) // an append
	g := &packet.Parsed{IPProto: packet.ProtoGRE, Src: probe.Src, Dst: probe.Dst}
	if permit, found := a.Evaluate("BIG", g); permit || !found {
		t.Errorf("appended entry: GRE permitted %v, found %v", permit, found)
	}
	if permit, _ := a.Evaluate("BIG", &f); !permit {
		t.Error("removal not visible when RemoveSeq returns")
	}
}

// TestLoadingAppendsCompileRarely loads a large list entry by entry: the
// groups are rebuilt after each quarter of growth, not per entry.
func TestLoadingAppendsCompileRarely(t *testing.T) {
	a := New(Options{})
	defer a.Close()
	const n = 4000
	rebuilt, last := 0, -1
	for i := range n {
		a.Add("BIG", 0, benchEntry(i))
		if g := a.snap.Load().lists["BIG"].published.Load().cls.grouped; g != last {
			rebuilt, last = rebuilt+1, g
		}
	}
	t.Logf("groups rebuilt %d times", rebuilt)
	// Up to syncCompileLimit, every tailMax entries; then about log(n/512)
	// base 1.25, or a few more where the background compiler lags.
	if max := syncCompileLimit/tailMax + 30; rebuilt > max {
		t.Errorf("%d entries appended: groups rebuilt %d times, want at most %d", n, rebuilt, max)
	}
	a.Sync()
	if !grouped(a, "BIG") {
		t.Error("not grouped after Sync")
	}
}
