package ftpinspect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/ios"
	"natlab/packet"
	"natlab/router"
)

// TestShowInspectSessionsJSON: two established TCP sessions, a half-open
// one and a UDP one, of different ages; the JSON and the text list the
// same sessions in the same order with the same figures.
func TestShowInspectSessionsJSON(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := ios.NewEngine()
	e.Clock = func() time.Time { return now }
	r := router.New(router.Options{Interfaces: 2})
	t.Cleanup(func() { r.Close() })
	f := Register(e, r, nil, nil, nil)
	t.Cleanup(f.Close)
	in0, in1 := r.Interface("GigabitEthernet0/0"), r.Interface("GigabitEthernet0/1")
	rules := &ruleSet{protos: []*rule{{proto: "tcp", timeout: 3600}, {proto: "udp", timeout: 30}}}
	f.cb.snap.Store(&cbacSnap{in: map[int]*ruleSet{}, out: map[int]*ruleSet{in1.Index(): rules}})
	send := func(out bool, b []byte) {
		p := &router.Packet{Buf: b, In: in0, Out: in1}
		if !out {
			p.In, p.Out = in1, in0
		}
		if p.P.Decode(p.Buf) != packet.OK {
			t.Fatal("bad packet")
		}
		if out {
			f.cb.create(p)
		} else {
			f.cb.ret(p)
		}
	}
	seg := func(out bool, src, dst string, seq, ack uint32, flags uint8, payload string) {
		b, n := buildSeg(netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst), seq, ack, flags, []byte(payload), nil)
		send(out, b[:n])
	}
	for i := 0; i < 2; i++ {
		src := fmt.Sprintf("192.168.1.10:%d", 41000+i)
		seg(true, src, "198.51.100.1:80", 1, 0, packet.TCPSyn, "")
		seg(false, "198.51.100.1:80", src, 100, 2, packet.TCPSyn|packet.TCPAck, "")
		seg(true, src, "198.51.100.1:80", 2, 101, packet.TCPAck, "GET / HTTP/1.0\r\n\r\n")
		now = now.Add(7 * time.Second)
	}
	seg(true, "192.168.1.10:42000", "198.51.100.1:80", 1, 0, packet.TCPSyn, "")
	b := make([]byte, 128)
	n := packet.BuildUDP(b, netip.MustParseAddr("192.168.1.11"), netip.MustParseAddr("198.51.100.53"), 5353, 53, 1, 64, 0, []byte("query"))
	send(true, b[:n])
	now = now.Add(3 * time.Second)

	var out bytes.Buffer
	s := e.NewSession(&out)
	s.SetMode(ios.Exec)
	run := func(line string) string {
		out.Reset()
		s.Execute(line)
		return out.String()
	}
	for _, tc := range []struct{ cmd, name string }{
		{"show ip inspect sessions", "sessions"},
		{"show ip inspect sessions detail", "sessions_detail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := run(tc.cmd)
			js := run(tc.cmd + " | json")
			golden.Compare(t, filepath.Join("testdata", "json", tc.name+".json"), js)
			var doc SessionsJSON
			if err := json.Unmarshal([]byte(js), &doc); err != nil {
				t.Fatalf("%v\n%s", err, js)
			}
			if len(doc.Sessions) != 4 {
				t.Fatalf("%d sessions:\n%s", len(doc.Sessions), js)
			}
			// The text rebuilt from the document is the text.
			var b strings.Builder
			last := ""
			for _, j := range doc.Sessions {
				if j.State != last {
					b.WriteString(map[string]string{"SIS_OPEN": "Established Sessions\n", "SIS_OPENING": "Half-open Sessions\n"}[j.State])
					last = j.State
				}
				fmt.Fprintf(&b, " Session %s (%s:%d)=>(%s:%d) %s %s\n", j.ID, j.Initiator, j.InitiatorPort, j.Responder, j.ResponderPort, j.Protocol, j.State)
				if d := j.Detail; d != nil {
					fmt.Fprintf(&b, "  Created %s, Last heard %s\n", hms(time.Duration(d.CreatedSeconds)*time.Second), hms(time.Duration(d.LastHeardSeconds)*time.Second))
					fmt.Fprintf(&b, "  Bytes sent (initiator:responder) [%d:%d]\n", d.InitiatorBytes, d.ResponderBytes)
				}
			}
			if b.String() != text {
				t.Errorf("JSON says:\n%s\ntext says:\n%s", b.String(), text)
			}
		})
	}
	if got := run("show ip inspect config | json"); !strings.HasPrefix(got, "% JSON output is not supported") {
		t.Errorf("show ip inspect config | json:\n%s", got)
	}
}
