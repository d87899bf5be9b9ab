package ftpinspect

import (
	"net/netip"
	"testing"
	"time"

	"natlab/packet"
	"natlab/router"
)

// TestDataFlowEndsAfterClose: a data connection (active and passive) ends
// DataLinger after both FINs although its last ACK and later
// retransmissions keep coming; a RST ends one at once; the control
// connection's own state ends CloseLinger after its FINs likewise.
func TestDataFlowEndsAfterClose(t *testing.T) {
	srvData := netip.MustParseAddrPort("198.51.100.50:20")
	tests := []struct {
		name     string
		announce func(h *harness)
		opener   netip.AddrPort // the side that connects
		acceptor netip.AddrPort // as the opener addresses it
		rst      bool
	}{
		{"active", func(h *harness) { h.data(0, 0, "PORT 10,0,0,10,195,80\r\n") }, srvData, netip.AddrPortFrom(addrG, 50000), false},
		{"passive", func(h *harness) {
			h.data(0, 0, "PASV\r\n")
			h.data(1, 0, "227 Entering Passive Mode (198,51,100,50,156,64)\r\n")
		}, netip.MustParseAddrPort("10.0.0.10:40001"), netip.MustParseAddrPort("198.51.100.50:40000"), false},
		{"rst", func(h *harness) { h.data(0, 0, "PORT 10,0,0,10,195,80\r\n") }, srvData, netip.AddrPortFrom(addrG, 50000), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
			tt.announce(h)
			o, a := tt.opener, tt.acceptor
			steps := []struct {
				src, dst netip.AddrPort
				seq, ack uint32
				flags    uint8
				payload  string
			}{
				{o, a, 1, 0, packet.TCPSyn, ""},
				{a, o, 1000, 2, packet.TCPSyn | packet.TCPAck, ""},
				{o, a, 2, 1001, packet.TCPAck, "data"},
				{a, o, 1001, 6, packet.TCPAck | packet.TCPFin, ""},
				{o, a, 6, 1002, packet.TCPAck | packet.TCPFin, ""},
				{a, o, 1002, 7, packet.TCPAck, ""},
			}
			if tt.rst {
				steps = append(steps[:3], struct {
					src, dst netip.AddrPort
					seq, ack uint32
					flags    uint8
					payload  string
				}{a, o, 1001, 6, packet.TCPRst | packet.TCPAck, ""})
			}
			for i, s := range steps {
				if !h.related(s.src, s.dst, s.seq, s.ack, s.flags, s.payload) {
					t.Fatalf("step %d not related", i)
				}
			}
			if h.in.Stats().DataFlows != 1-btoi(tt.rst) {
				t.Fatalf("data flows after the close: %d", h.in.Stats().DataFlows)
			}
			// The last ACK retransmitted every second.
			for i := 0; i < 4; i++ {
				h.now = h.now.Add(time.Second)
				h.related(a, o, 1002, 7, packet.TCPAck, "")
			}
			h.now = h.now.Add(DefaultDataLinger)
			h.in.Sweep()
			if n := h.in.Stats().DataFlows; n != 0 {
				t.Errorf("%d data flows %v after both FINs", n, 4*time.Second+DefaultDataLinger)
			}
			for _, s := range h.in.Sessions() {
				if s.Protocol == "ftp-data" {
					t.Errorf("listed after the close: %+v", s)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestControlStateEndsAfterClose: the control connection's state ends
// CloseLinger after both FINs, its last ACK retransmitted meanwhile.
func TestControlStateEndsAfterClose(t *testing.T) {
	h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
	h.packet(0, 1000, 5000, packet.TCPAck|packet.TCPFin, nil, nil)
	h.packet(1, 5000, 1001, packet.TCPAck|packet.TCPFin, nil, nil)
	for i := 0; i < 40; i++ {
		h.packet(0, 1001, 5001, packet.TCPAck, nil, nil)
		h.now = h.now.Add(time.Second)
	}
	h.in.Sweep()
	if n := h.in.Stats().Conns; n != 0 {
		t.Errorf("%d control connections 40 s after both FINs (linger %v)", n, DefaultCloseLinger)
	}
}

// TestCBACSessionEndsAfterClose: a CBAC tcp session ends finwait-time
// after both FINs, whatever follows; a RST ends it at once.
func TestCBACSessionEndsAfterClose(t *testing.T) {
	for _, rst := range []bool{false, true} {
		cb, out, back := cbacBench(t)
		now := time.Now()
		cb.clock = func() time.Time { return now }
		// Only the decoded flags matter to the session's state.
		send := func(p *router.Packet, flags uint8) {
			p.P.TCPFlags = flags
			if p == back {
				cb.ret(p)
			} else {
				cb.create(p)
			}
		}
		if rst {
			send(back, packet.TCPRst|packet.TCPAck)
		} else {
			send(out, packet.TCPFin|packet.TCPAck)
			send(back, packet.TCPFin|packet.TCPAck)
			for i := 0; i < 10; i++ {
				send(out, packet.TCPAck)
				now = now.Add(time.Second)
			}
		}
		if n := len(cb.list()); n != 0 {
			t.Errorf("rst %v: %d sessions listed after the close", rst, n)
		}
	}
}
