package nat

import (
	"testing"

	"natlab/packet"
)

// FuzzTranslate feeds arbitrary bytes to every entry point: nothing may
// panic, and a packet whose IP header checksum was right keeps it right.
func FuzzTranslate(f *testing.F) {
	f.Add(tcpPkt("192.168.1.10", 1000, "203.0.113.10", 80, syn), uint8(0))
	f.Add(udpPkt("203.0.113.10", 53, "203.0.113.100", 53), uint8(1))
	f.Add(echoPkt(8, "192.168.1.10", "203.0.113.100", 1), uint8(2))
	f.Add(icmpErr(3, 3, "192.168.2.10", udpPkt("203.0.113.10", 5000, "192.168.2.10", 69)), uint8(0))
	f.Add(icmpErr(11, 0, "203.0.113.254", udpPkt("203.0.113.1", 5000, "198.51.100.1", 69)), uint8(1))
	first, later := fragments("192.168.1.10", 4000, "203.0.113.10", 53, 4242)
	f.Add(first, uint8(0))
	f.Add(later, uint8(0))
	l := newLab(f).reference(f)
	must(f, l.AddOutsideStatic(OutsideStatic{Global: ip("198.51.100.5"), Local: ip("10.0.0.5")}))
	f.Fuzz(func(t *testing.T, b []byte, dir uint8) {
		b = append([]byte(nil), b...)
		okBefore := len(b) >= 20 && b[0]>>4 == 4 && int(b[0]&15)*4 <= len(b) && int(b[0]&15) >= 5 && packet.IPv4(b).HeaderChecksumOK()
		var r Result
		switch dir % 3 {
		case 0:
			r = l.Outbound(b)
		case 1:
			r = l.Inbound(b)
		default:
			r = l.Hairpin(b)
		}
		if okBefore && r != Drop && !packet.IPv4(b).HeaderChecksumOK() {
			t.Fatalf("IP header checksum broken")
		}
		if len(l.in.shards[0].m) > 100000 {
			l.ClearAll()
		}
	})
}
