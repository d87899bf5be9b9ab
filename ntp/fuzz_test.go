package ntp

import (
	"net/netip"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary payloads to the parser and, as the UDP payload
// of a datagram from a configured server, to the client: nothing panics,
// a parsed packet re-encodes to the same 48 bytes.
func FuzzParse(f *testing.F) {
	p := Packet{Version: 4, Mode: ModeServer, Stratum: 2, Xmit: ToTimestamp(serverTime)}
	f.Add(p.Append(nil))
	f.Add(make([]byte, 47))
	f.Add([]byte{0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil {
			if got := p.Append(nil); string(got) != string(b[:PacketSize]) {
				t.Errorf("re-encoded % x, parsed % x", got, b[:PacketSize])
			}
		}
		r := newRig(t)
		r.n.addServer(srv1, false)
		r.n.Tick(r.mono)
		pkt := make([]byte, 28+len(b))
		copy(pkt[28:], b)
		pkt[0], pkt[9] = 0x45, 17
		copy(pkt[12:16], srv1.AsSlice())
		pkt[20], pkt[21] = 0, Port
		r.n.Receive(pkt)
		r.n.Receive(pkt[:len(pkt)/2])
		_ = r.n.reply(netip.Addr{}, p, time.Time{}, time.Time{})
	})
}
