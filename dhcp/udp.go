package dhcp

import (
	"net/netip"

	"natlab/packet"
)

// buildUDP wraps payload in IPv4 and UDP headers, TTL 255 as IOS sends its
// DHCP messages.
func buildUDP(src, dst netip.Addr, sport, dport, id uint16, payload []byte) []byte {
	b := make([]byte, packet.IPv4MinimumSize+packet.UDPSize+len(payload))
	n := packet.BuildUDP(b, src, dst, sport, dport, id, 255, 0, payload)
	return b[:n]
}
