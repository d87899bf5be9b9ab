package router

import (
	"strings"
	"testing"

	"natlab/packet"
)

// dropAll is a hook that drops everything, with a dry run that says so.
type dropAll struct{}

func (dropAll) Process(*Packet) Verdict { return DropProhibited }

func (dropAll) Trace(p *Packet, t *TraceLog) Verdict {
	t.Add(TracePhase{Type: "ACCESS-LIST", Result: ResultDrop, DropReason: DropACL})
	return DropProhibited
}

// TestTraceWalker checks the walker's own steps on a router without
// features, and how it treats hooks with and without a dry run.
func TestTraceWalker(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(l *lab)
		in     int
		pkt    []byte
		action string
		point  string
		typ    string // the last phase's type
	}{
		{"forwarded", nil, 0, tcpPkt(pc1, isp, 64, nil), ActionAllow, "", "ROUTE-LOOKUP"},
		{"no route", nil, 0, tcpPkt(pc1, unroutable, 64, nil), ActionDrop, "route", "ROUTE-LOOKUP"},
		{"ttl expires", nil, 0, tcpPkt(pc1, isp, 1, nil), ActionDrop, "route", "IP-OPTIONS"},
		{"martian source", nil, 0, tcpPkt(mustAddr("127.0.0.1"), isp, 64, nil), ActionDrop, "receive", "IP-OPTIONS"},
		{"undecodable", nil, 0, []byte{0x45, 0, 0}, ActionDrop, "receive", "IP-OPTIONS"},
		{"input interface shut", func(l *lab) { l.gi(0).SetShutdown(true) }, 0, tcpPkt(pc1, isp, 64, nil), ActionDrop, "receive", "INPUT-INTERFACE"},
		{"to the router", nil, 0, tcpPkt(pc1, mustAddr("192.168.1.1"), 64, nil), ActionAllow, "", "ROUTE-LOOKUP"},
		{"a hook without a dry run is not guessed", func(l *lab) {
			l.r.AddHook(HookOutput, 1, HookFunc(func(*Packet) Verdict { return Accept }))
		}, 0, tcpPkt(pc1, isp, 64, nil), ActionUnknown, "", "UNKNOWN"},
		{"a hook's dry run drops", func(l *lab) { l.r.Attach(StageOutputACL, dropAll{}) }, 0, tcpPkt(pc1, isp, 64, nil), ActionDrop, "output", "ACCESS-LIST"},
		{"strict uRPF", func(l *lab) { l.gi(1).SetVerifySource(VerifySource{Mode: VerifyRx}) }, 1, tcpPkt(pc1, isp, 64, nil), ActionDrop, "urpf", "RPF-CHECK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLab(t)
			if tt.setup != nil {
				tt.setup(l)
			}
			r := l.r.Trace(l.gi(tt.in), tt.pkt)
			var b strings.Builder
			r.WriteText(&b, true)
			if r.Action != tt.action || r.DropPoint != tt.point || len(r.Phases) == 0 || r.Phases[len(r.Phases)-1].Type != tt.typ {
				t.Fatalf("action %s at %q, want %s at %q, last phase %s\n%s", r.Action, r.DropPoint, tt.action, tt.point, tt.typ, b.String())
			}
			if tt.action == ActionAllow && !r.Local && (r.Out.TTL != 63 || r.Out.Proto != packet.ProtoTCP) {
				t.Fatalf("out %+v", r.Out)
			}
		})
	}
}

// TestTraceStageTracer: a plain-function hook is traced by the dry run the
// options give for its stage.
func TestTraceStageTracer(t *testing.T) {
	l := newLab(t)
	l.r.Attach(StageNATInsideToOutside, HookFunc(func(*Packet) Verdict { return Drop }))
	pkt := tcpPkt(mustAddr("192.168.1.10"), mustAddr("203.0.113.10"), 64, nil)
	if r := l.r.Trace(l.gi(0), pkt); r.Action != ActionUnknown {
		t.Fatalf("without the stage's dry run: %s", r.Action)
	}
	o := PacketTraceOptions{Stages: map[Stage]Tracer{StageNATInsideToOutside: dropAll{}}}
	if r := l.r.TraceWith(l.gi(0), pkt, o); r.Action != ActionDrop || r.DropPoint != "postrouting" {
		t.Fatalf("with it: %s at %s", r.Action, r.DropPoint)
	}
}
