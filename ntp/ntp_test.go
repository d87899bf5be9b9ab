package ntp

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/ios"
	"natlab/packet"
)

var (
	routerAddr = netip.MustParseAddr("192.168.1.1")
	srv1       = netip.MustParseAddr("192.168.1.10")
	srv2       = netip.MustParseAddr("192.168.1.20")
	serverTime = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
)

// rig is a client over a fake router: a clock that Step moves, a fake
// monotonic clock, and the requests sent.
type rig struct {
	t      *testing.T
	n      *NTP
	e      *ios.Engine
	clock  time.Time // the router's clock
	mono   time.Time
	sent   [][]byte
	synced []bool
	out    strings.Builder
	s      *ios.Session
}

func newRig(t *testing.T) *rig {
	r := &rig{t: t, clock: time.Date(2002, 3, 1, 0, 0, 5, 0, time.UTC), mono: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}
	r.e = ios.NewEngine()
	r.e.Clock = func() time.Time { return r.clock }
	r.n = newNTP(r.e, Options{
		Send: func(pkt []byte) bool {
			r.sent = append(r.sent, append([]byte(nil), pkt...))
			return true
		},
		Source: func(dst netip.Addr) netip.Addr { return routerAddr },
		Now:    func() time.Time { return r.clock },
		Step:   func(d time.Duration) { r.clock = r.clock.Add(d) },
		Synced: func(on bool) { r.synced = append(r.synced, on) },
	}, func() time.Time { return r.mono })
	r.s = r.e.NewSession(&r.out)
	r.s.Execute("enable")
	return r
}

func (r *rig) config(lines ...string) {
	r.t.Helper()
	r.s.Execute("configure terminal")
	for _, l := range lines {
		if !r.s.Execute(l) {
			r.t.Fatalf("%q failed: %s", l, r.out.String())
		}
	}
	r.s.Execute("end")
}

// answer builds the server's reply to a request the client sent, from
// addr at stratum, with the server's clock at serverTime.
func answer(t *testing.T, req []byte, from netip.Addr, stratum uint8, mutate func(*Packet)) []byte {
	t.Helper()
	q, err := Parse(req[28:])
	if err != nil || q.Mode != ModeClient || q.Version != 4 {
		t.Fatalf("bad request %v % x", err, req)
	}
	if packet.UDP(req[20:]).SrcPort() != Port || packet.UDP(req[20:]).DstPort() != Port {
		t.Fatalf("request ports % x", req[20:24])
	}
	p := Packet{Version: 4, Mode: ModeServer, Stratum: stratum, RefID: [4]byte{'L', 'O', 'C', 'L'},
		Orig: q.Xmit, Recv: ToTimestamp(serverTime), Xmit: ToTimestamp(serverTime.Add(time.Millisecond)),
		Ref: ToTimestamp(serverTime.Add(-time.Minute)), RootDispersion: 65536 / 100}
	if mutate != nil {
		mutate(&p)
	}
	b := make([]byte, 28+PacketSize)
	var payload [PacketSize]byte
	p.Append(payload[:0])
	n := packet.BuildUDP(b, from, routerAddr, Port, Port, 1, 64, 0, payload[:])
	return b[:n]
}

func TestTimestamp(t *testing.T) {
	for _, tc := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2030, 1, 1, 12, 0, 0, 500e6, time.UTC),
		time.Date(2036, 2, 7, 6, 28, 16, 0, time.UTC), // era 1 starts
		time.Date(2040, 6, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got := ToTimestamp(tc).Time(); got.Sub(tc).Abs() > time.Microsecond {
			t.Errorf("%v came back as %v", tc, got)
		}
	}
	if got := ToTimestamp(serverTime) >> 32; got != 0xF486FFC0 {
		t.Errorf("2030-01-01 12:00 is %08X seconds", uint64(got))
	}
}

func TestSyncAndStep(t *testing.T) {
	r := newRig(t)
	r.config("ntp server 192.168.1.10")
	r.n.Tick(r.mono)
	if len(r.sent) != 1 {
		t.Fatalf("%d requests at once, want 1", len(r.sent))
	}
	r.mono = r.mono.Add(10 * time.Millisecond)
	if !r.n.Receive(answer(t, r.sent[0], srv1, 2, nil)) {
		t.Fatal("the reply was not taken")
	}
	if d := r.clock.Sub(serverTime); d < 0 || d > 10*time.Millisecond {
		t.Errorf("clock is %v, want about %v", r.clock, serverTime)
	}
	if len(r.synced) != 1 || !r.synced[0] {
		t.Errorf("Synced calls %v", r.synced)
	}
	if a, ok := r.n.Synchronized(); !ok || a != srv1 {
		t.Errorf("Synchronized = %v %v", a, ok)
	}
	// A replayed reply is ignored (originate no longer outstanding).
	before := r.clock
	r.n.Receive(answer(t, r.sent[0], srv1, 2, func(p *Packet) { p.Recv += 100 << 32; p.Xmit += 100 << 32 }))
	if r.clock != before {
		t.Error("a duplicate reply stepped the clock")
	}
	// The next poll is 64 s later, not before.
	r.mono = r.mono.Add(63 * time.Second)
	r.n.Tick(r.mono)
	if len(r.sent) != 1 {
		t.Errorf("polled again after 63 s")
	}
	r.mono = r.mono.Add(time.Second)
	if next := r.n.Tick(r.mono); len(r.sent) != 2 || next.Sub(r.mono) != MinPoll {
		t.Errorf("at 64 s: %d requests, next in %v", len(r.sent), next.Sub(r.mono))
	}
}

func TestRejectedReplies(t *testing.T) {
	tests := []struct {
		name   string
		from   netip.Addr
		mutate func(*Packet)
		taken  bool
	}{
		{"client mode", srv1, func(p *Packet) { p.Mode = ModeClient }, true},
		{"stratum 0 kiss-o'-death", srv1, func(p *Packet) { p.Stratum = 0 }, true},
		{"stratum 16", srv1, func(p *Packet) { p.Stratum = 16 }, true},
		{"alarm", srv1, func(p *Packet) { p.Leap = 3 }, true},
		{"originate mismatch", srv1, func(p *Packet) { p.Orig++ }, true},
		{"zero transmit", srv1, func(p *Packet) { p.Xmit = 0 }, true},
		{"unconfigured server", srv2, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			r.config("ntp server 192.168.1.10")
			r.n.Tick(r.mono)
			before := r.clock
			if got := r.n.Receive(answer(t, r.sent[0], tc.from, 2, tc.mutate)); got != tc.taken {
				t.Errorf("taken = %v", got)
			}
			if r.clock != before || len(r.synced) != 0 {
				t.Errorf("clock moved to %v, synced %v", r.clock, r.synced)
			}
		})
	}
}

func TestBackoffAndLoss(t *testing.T) {
	r := newRig(t)
	r.config("ntp server 192.168.1.10")
	r.n.Tick(r.mono)
	r.n.Receive(answer(t, r.sent[0], srv1, 2, nil))
	// No more answers: the poll doubles up to 1024 s and after eight
	// silent polls the clock is unsynchronised.
	var gaps []time.Duration
	for range 9 {
		next := r.n.Tick(r.mono)
		gaps = append(gaps, next.Sub(r.mono))
		r.mono = next
	}
	// The first tick is before the next poll is due.
	want := []time.Duration{64, 64, 128, 256, 512, 1024, 1024, 1024, 1024}
	for i := range want {
		if gaps[i] != want[i]*time.Second {
			t.Fatalf("poll gaps %v, want %v s", gaps, want)
		}
	}
	if _, ok := r.n.Synchronized(); ok || len(r.synced) != 2 || r.synced[1] {
		t.Errorf("after eight silent polls: synced calls %v", r.synced)
	}
}

func TestSelection(t *testing.T) {
	r := newRig(t)
	r.config("ntp server 192.168.1.10", "ntp server 192.168.1.20 prefer")
	r.n.Tick(r.mono)
	// The first answer steps the clock and voids the other request.
	r.n.Receive(answer(t, r.sent[0], srv1, 1, nil))
	if r.n.Receive(answer(t, r.sent[1], srv2, 3, nil)); r.n.servers[1].valid {
		t.Error("a reply to a request sent before the step was used")
	}
	r.mono = r.mono.Add(MinPoll)
	r.n.Tick(r.mono)
	r.n.Receive(answer(t, r.sent[2], srv1, 1, nil))
	r.n.Receive(answer(t, r.sent[3], srv2, 3, nil))
	if a, _ := r.n.Synchronized(); a != srv2 {
		t.Errorf("sys.peer %v, want the preferred %v", a, srv2)
	}
	r.config("no ntp server 192.168.1.20")
	if a, _ := r.n.Synchronized(); a != srv1 {
		t.Errorf("after removing the preferred: sys.peer %v", a)
	}
	r.config("no ntp server 192.168.1.10")
	if _, ok := r.n.Synchronized(); ok || r.synced[len(r.synced)-1] {
		t.Errorf("no servers but synchronised; synced calls %v", r.synced)
	}
}

func TestServerBound(t *testing.T) {
	r := newRig(t)
	r.s.Execute("configure terminal")
	for i := range MaxServers + 1 {
		r.s.Execute("ntp server 10.0.0." + string(rune('1'+i/10)) + string(rune('0'+i%10)))
	}
	if len(r.n.servers) != MaxServers || !strings.Contains(r.out.String(), "Maximum number of NTP servers") {
		t.Errorf("%d servers; output %q", len(r.n.servers), r.out.String())
	}
}

func TestReceiveAllocs(t *testing.T) {
	r := newRig(t)
	r.config("ntp server 192.168.1.10")
	r.n.Tick(r.mono)
	reply := answer(t, r.sent[0], srv1, 2, nil)
	r.n.Receive(reply)
	if a := testing.AllocsPerRun(100, func() { r.n.Receive(reply) }); a != 0 {
		t.Errorf("Receive allocates %v times", a)
	}
}

// TestTranscripts runs testdata/*.txt: a line "@sync ADDR STRATUM" makes
// the server answer the outstanding request, "@tick S" advances the
// monotonic clock by S seconds and polls; the others are CLI lines.
func TestTranscripts(t *testing.T) {
	golden.Transcripts(t, "testdata", func(t *testing.T, script []byte) string {
		r := newRig(t)
		for _, line := range strings.Split(strings.TrimRight(string(script), "\n"), "\n") {
			var addr string
			var n int
			switch {
			case strings.HasPrefix(line, "@tick "):
				var s int
				if _, err := fmt.Sscan(line[6:], &s); err != nil {
					t.Fatal(err)
				}
				r.mono = r.mono.Add(time.Duration(s) * time.Second)
				r.n.Tick(r.mono)
			case strings.HasPrefix(line, "@sync "):
				if _, err := fmt.Sscan(line[6:], &addr, &n); err != nil {
					t.Fatal(err)
				}
				a := netip.MustParseAddr(addr)
				for i := len(r.sent) - 1; i >= 0; i-- {
					if packet.IPv4(r.sent[i]).Dst() == a {
						r.n.Receive(answer(t, r.sent[i], a, uint8(n), nil))
						break
					}
				}
			default:
				r.s.Execute(line)
			}
		}
		return r.out.String()
	})
}
