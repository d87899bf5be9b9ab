// Package packet holds IPv4, TCP, UDP and ICMPv4 header views over []byte,
// a one-pass decoder (Parsed), and Internet checksums, full and incremental.
//
// The views (IPv4, TCP, UDP, ICMPv4) follow gVisor's header package: each is a
// []byte with named offset constants and accessors that do not check bounds.
// Check lengths once (Parsed.Decode, or the view's IsValid) and then access.
//
// Parsed follows tailscale's net/packet: a packet is decoded once into a small
// value whose fields say when they are valid, and everything after that
// (routing, ACLs, NAT) reads the decoded fields instead of the bytes.
//
// Rewrites that touch only headers (TTL, addresses, ports, ICMP identifier)
// keep every checksum right with RFC 1624 incremental updates; the setters on
// Parsed do that, so a NAT translation costs a few additions, not a pass over
// the payload. Payload rewrites call Parsed.SetTransportChecksum.
//
// Nothing here allocates: decoding, rewriting and building ICMP messages work
// in the caller's buffers.
package packet
