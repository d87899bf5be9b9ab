package packet

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// TestPartialChecksumRewrite: NAT's setters on a packet whose transport
// checksum is a partial (pseudo-header) sum keep it one, so that the sum
// the kernel completes later is right for the rewritten packet.
func TestPartialChecksumRewrite(t *testing.T) {
	src, dst := netip.MustParseAddr("10.1.0.10"), netip.MustParseAddr("10.2.0.10")
	newSrc, newDst := netip.MustParseAddr("203.0.113.7"), netip.MustParseAddr("192.0.2.99")
	for _, proto := range []Proto{ProtoTCP, ProtoUDP} {
		for _, payload := range []int{0, 1, 100, 1401} {
			b := make([]byte, 1600)
			data := make([]byte, payload)
			for i := range data {
				data[i] = byte(i * 13)
			}
			var n, csum int
			if proto == ProtoTCP {
				n = BuildTCP(b, src, dst, 40000, 80, 1, 2, 0x18, 1000, 7, 64, data)
				csum = IPv4MinimumSize + 16
			} else {
				n = BuildUDP(b, src, dst, 40000, 53, 7, 64, 0, data)
				csum = IPv4MinimumSize + 6
			}
			b = b[:n]
			l4len := uint16(n - IPv4MinimumSize)
			binary.BigEndian.PutUint16(b[csum:], PseudoHeaderChecksum(proto, src, dst, l4len))
			var p Parsed
			if p.Decode(b) != OK {
				t.Fatal("decode")
			}
			p.CsumPartial = true
			p.SetSrcAddr(b, newSrc)
			p.SetSrcPort(b, 1024)
			p.SetDstAddr(b, newDst)
			p.SetDstPort(b, 2121)
			if got, want := binary.BigEndian.Uint16(b[csum:]), PseudoHeaderChecksum(proto, newSrc, newDst, l4len); got != want {
				t.Fatalf("%v/%d: partial field %#04x, want the new pseudo-header sum %#04x", proto, payload, got, want)
			}
			// What the kernel does at the end: sum from the transport header.
			binary.BigEndian.PutUint16(b[csum:], ^Checksum(b[IPv4MinimumSize:], 0))
			p.CsumPartial = false
			if p.Decode(b) != OK || !p.TransportChecksumOK(b) {
				t.Fatalf("%v/%d: completed checksum does not verify", proto, payload)
			}
			// SetTransportChecksum on a partial packet writes the pseudo-header sum.
			p.CsumPartial = true
			p.SetTransportChecksum(b)
			if got, want := binary.BigEndian.Uint16(b[csum:]), PseudoHeaderChecksum(proto, newSrc, newDst, l4len); got != want {
				t.Fatalf("SetTransportChecksum partial = %#04x, want %#04x", got, want)
			}
		}
	}
}
