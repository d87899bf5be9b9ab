package ftpinspect

import (
	"strings"
	"testing"

	"natlab/packet"
)

// streamLines are the lines a fuzzed client stream is made of, with what
// the server must receive for each (the intended substitution).
var streamLines = []struct{ in, out string }{
	{"PORT 10,0,0,10,195,80\r\n", "PORT 203,0,113,1,195,80\r\n"},
	{"NOOP\r\n", "NOOP\r\n"},
	{"EPRT |1|10.0.0.10|50001|\r\n", "EPRT |1|203.0.113.1|50001|\r\n"},
	{"TYPE I\r\n", "TYPE I\r\n"},
	{"PORT 10,0,0,10,0,25\r\n", "PORT 10,0,0,10,0,25\r\n"},                                     // privileged: refused
	{"PORT 192,0,2,1,195,80\r\n", "PORT 192,0,2,1,195,80\r\n"},                                 // bounce: refused
	{"port 10,0,0,10,200,1\n", "port 203,0,113,1,200,1\n"},                                     // LF only
	{"PO\r\n", "PO\r\n"},                                                                       // a prefix, complete
	{"STOR " + strings.Repeat("x", 600) + "\r\n", "STOR " + strings.Repeat("x", 600) + "\r\n"}, // too long to parse
}

// replyLines are the replies of a fuzzed server stream, each answering
// one PASV.
var replyLines = []struct{ in, out string }{
	{"227 Entering Passive Mode (10,0,0,20,156,64)\r\n", "227 Entering Passive Mode (203,0,113,20,156,64)\r\n"},
	{"227 Entering passive mode. 10,0,0,20,156,65\n", "227 Entering passive mode. 203,0,113,20,156,65\n"},
	{"227 Logout.\r\n", "227 Logout.\r\n"},
	{"425 Can't open data connection.\r\n", "425 Can't open data connection.\r\n"},
	{"227-Entering (10,0,0,20,1,1)\r\n227 Passive (10,0,0,20,156,66)\r\n", "227-Entering (10,0,0,20,1,1)\r\n227 Passive (203,0,113,20,156,66)\r\n"},
	{"227 Entering Passive Mode (10,0,0,99,156,64)\r\n", "227 Entering Passive Mode (10,0,0,99,156,64)\r\n"},     // third party
	{"229 Entering Extended Passive Mode (|||40000|)\r\n", "229 Entering Extended Passive Mode (|||40000|)\r\n"}, // unpaired
}

// FuzzStream checks the stream invariant: whatever the segmentation,
// retransmissions and acknowledgments, the byte stream the server
// reassembles is the client's stream with exactly the intended
// substitutions (a line may stay unrewritten only when it was released),
// retransmitted bytes are identical to the first copy, and the server's
// final acknowledgment maps back to the end of the client's stream.
func FuzzStream(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 0}, []byte{5, 200, 1, 1, 1, 30, 0})
	f.Add([]byte{0, 0, 2, 6}, []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{8, 0, 7, 2}, []byte{255, 3, 130, 7, 60, 2})
	f.Add([]byte{0x80, 1, 4, 2, 5}, []byte{2, 9, 1, 1, 0, 3, 3, 200})
	f.Add([]byte{0, 2, 1, 0, 8, 0}, []byte{3, 5, 4, 39, 4, 39, 1, 1, 4, 39, 0, 39})
	f.Fuzz(func(t *testing.T, lines []byte, ops []byte) {
		if len(lines) > 24 || len(ops) > 200 {
			return
		}
		// The first byte chooses the direction: the client's commands to
		// an outside server, or a static-NAT server's replies to PASVs.
		server := len(lines) > 0 && lines[0]&0x80 != 0
		palette := streamLines
		if server {
			palette = replyLines
			// At most maxPending PASVs await replies (a longer pipeline
			// loses pairing, by design, and fails safe).
			lines = lines[:min(len(lines), maxPending)]
		}
		var in, want, orig strings.Builder
		for _, l := range lines {
			sl := palette[int(l)%len(palette)]
			in.WriteString(sl.in)
			want.WriteString(sl.out)
			orig.WriteString(sl.in)
		}
		stream := in.String()
		cli, srv, dir := cliC, srvR, 0
		if server {
			cli, srv, dir = cliR, srvS, 1
		}
		cfg := Config{MaxPinholesPerConn: 2, MaxPinholes: 8}
		if len(ops) > 1 && ops[0]%4 == 3 {
			// A small MaxPacket: segments are cut at line ends, lines
			// that can never fit with their growth are released.
			cfg.MaxPacket = 40 + 20 + int(ops[1])%40
		}
		h := openHarness(t, cfg, cli, srv, newFakeNAT())
		otherSent := 0 // what the acknowledging side has sent itself
		if server {
			pasv := strings.Repeat("PASV\r\n", len(lines))
			h.data(0, 0, pasv)
			otherSent = len(pasv)
		}
		// sent is how far the client has sent; una what it got acked.
		sent, una := 0, 0
		base := [2]int{1000, 5000}
		ack := func() {
			out := h.packet(1-dir, uint32(base[1-dir]+otherSent), h.acked(dir), packet.TCPAck, nil, nil)
			una = int(out.ack) - base[dir]
			if una < 0 || una > len(stream) {
				t.Fatalf("server ack maps to %d, outside [0,%d]", una, len(stream))
			}
		}
		for i := 0; i+1 < len(ops) && una < len(stream); i += 2 {
			size := int(ops[i+1])%40 + 1
			off := sent
			switch ops[i] % 8 {
			case 0: // retransmit from una
				off = una
			case 1: // ack
				ack()
				continue
			case 2: // skip ahead (a lost segment)
				off = sent + size
			case 3: // retransmit something not yet acknowledged (a sender
				// never resends below its snd_una)
				if sent > una {
					off = una + int(ops[i])%(sent-una)
				}
			}
			if off >= len(stream) {
				continue
			}
			end := min(off+size, len(stream))
			h.data(dir, off, stream[off:end])
			sent = max(sent, end)
		}
		// Finish like a TCP sender: resend from the acknowledged point.
		for rounds := 0; una < len(stream); rounds++ {
			if rounds > 4*len(stream)+10 {
				t.Fatalf("stalled at %d of %d", una, len(stream))
			}
			ack()
			if una >= len(stream) {
				break
			}
			end := min(una+7, len(stream))
			h.data(dir, una, stream[una:end])
		}
		got := h.rx[dir].stream()
		if got == want.String() {
			return
		}
		if !h.hasEvent(EvReleased) && !h.hasEvent(EvNotRewritable) {
			t.Fatalf("server received\n%q\nwant\n%q", got, want.String())
		}
		// Released lines stay as they were; every line is one or the other.
		gl, wl, ol := strings.SplitAfter(got, "\n"), strings.SplitAfter(want.String(), "\n"), strings.SplitAfter(orig.String(), "\n")
		if len(gl) != len(wl) {
			t.Fatalf("server received %d lines, want %d:\n%q", len(gl), len(wl), got)
		}
		for k := range gl {
			if gl[k] != wl[k] && gl[k] != ol[k] {
				t.Fatalf("line %d received as %q, want %q or %q", k, gl[k], wl[k], ol[k])
			}
		}
	})
}

// FuzzProcessIPv4 feeds arbitrary packets to an inspector with a live
// control connection: nothing may panic, and an accepted packet must still
// decode with a correct length.
func FuzzProcessIPv4(f *testing.F) {
	b, n := buildSeg(cliC, srvR, 1000, 5000, packet.TCPAck, []byte("PORT 10,0,0,10,195,80\r\n"), [][2]uint32{{1, 2}})
	f.Add(b[:n])
	f.Fuzz(func(t *testing.T, pkt []byte) {
		h := openHarness(t, Config{}, cliC, srvR, newFakeNAT())
		h.data(0, 0, "PORT 10,0,")
		buf := make([]byte, 2048)
		n := copy(buf, pkt)
		r := h.in.ProcessIPv4(buf, n)
		if r.Len < 0 || r.Len > len(buf) {
			t.Fatalf("length %d", r.Len)
		}
	})
}
