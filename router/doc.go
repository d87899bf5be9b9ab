// Package router is the forwarding engine of an IOS-style router: the
// chassis of interfaces, the routing table, the per-packet pipeline,
// router-originated traffic (ping, traceroute) and the data that `show`
// commands print. It has no CLI of its own beyond the files that register
// commands; features (ACL, NAT, inspection) attach through hooks.
//
// # Chassis
//
// GigabitEthernet0/0..0/(N-1) exist from the start, shut down and unbound,
// as on a freshly booted router; Loopback<N> appear on demand and come up at
// once. An interface passes packets (LineUp) when it is not shut down, a
// port is bound and the port's link is up. Shutting an interface down
// pushes the state to the port (a TUN loses carrier, so the namespace
// behind it sees NO-CARRIER and keeps its addresses and routes).
//
// # Configuration and the packet path
//
// Configuration setters take one mutex, change the model and compile an
// immutable snapshot: per-interface state, the RIB (connected, local,
// installed static routes) and the FIB, plus the hook lists. The snapshot
// is published with atomic.Pointer; packet goroutines load it once per
// batch and never lock. A static route through a next hop is installed
// when the next hop resolves through installed routes (recursively: routes
// are installed in rounds until nothing changes; never through itself); through an interface, when the
// interface is up.
//
// The FIB is a longest-prefix-match table flattened into elementary address
// ranges, each owned by the most specific route covering it (one sweep over
// the prefixes in address order with a stack, at compile time). A lookup is
// a binary search over a sorted []uint32: about 15 steps for 10,000 routes,
// independent of the mix of prefix lengths (an earlier hash-per-length
// design cost one map probe per length in use: 8x slower at 11 lengths). Router addresses are /32
// "local" entries that win over any route; directed broadcasts of connected
// subnets are received, not forwarded (no `ip directed-broadcast`).
//
// # Pipeline
//
// One goroutine per bound port reads a batch, runs every packet through
//
//	decode (malformed: InErrors) -> HookInput -> HookPreRouting ->
//	local delivery | route lookup -> TTL check and decrement ->
//	HookPostRouting -> HookOutput -> HookInspect -> MTU -> queue
//
// and then writes the queued packets with one Write per outgoing port.
// This is IOS's order of operations: an input ACL sees addresses before
// NAT, NAT outside-to-inside runs before routing, NAT inside-to-outside
// after it, and an output ACL sees translated addresses. Read buffers are
// the worker's own and hold MTU plus headroom so hooks can grow a packet in
// place; the pipeline's Packet structs live in the worker; generated
// packets (ICMP errors, fragments) take pooled buffers. A forwarded packet
// allocates nothing (TestForwardNoAllocs).
//
// Packets for the router are answered as IOS does: echo requests to any of
// its addresses from any interface, UDP with port unreachable (what ends a
// traceroute to the router), TCP with a reset (it listens on no port),
// other protocols with protocol unreachable. Fragments addressed to the
// router are reassembled (up to 16 datagrams at a time, 30 s each), so
// large pings to and from the router work; forwarded fragments pass as
// they are. ICMP errors follow
// RFC 1812 (never about ICMP errors, later fragments, broadcasts or
// non-unicast sources); `no ip unreachables` on the receiving interface
// (SetUnreachables) suppresses unreachables; they are rate-limited per
// receiving interface, 500 ms by default (IOS `ip icmp rate-limit unreachable`),
// which is why the last hop of a traceroute to an IOS router often shows a
// '*' between two answers. TTL-exceeded messages are not rate-limited, as
// on IOS.
//
// Router-originated packets (echo replies, ICMP errors, Ping and
// Traceroute probes) have Packet.In == nil and go through routing and the
// post-routing, output and inspect hooks like forwarded ones, so NAT
// translates them; a feature that should not filter the router's own
// traffic (IOS output ACLs do not) checks In.
package router
