// Package router is the forwarding engine of an IOS-style router and the
// IOS commands of its chassis. It owns:
//
//   - the chassis: GigabitEthernet and Loopback interfaces, their
//     configuration (address, shutdown, MTU, `ip unreachables`), the ports
//     bound to them and their counters;
//   - the routing table: connected, local and static routes (with recursive
//     next-hop resolution) and the FIB compiled from them;
//   - the packet pipeline and the IOS order of operations in which
//     features run (the Stage table in hook.go);
//   - traffic the router originates or answers: echo replies, ICMP errors,
//     TCP resets, reassembly of fragments addressed to it, Ping and
//     Traceroute;
//   - the CLI of all that (CLI, RegisterCLI): interface and `ip route`
//     configuration, their running-config sections, show interfaces, show
//     ip interface brief, show ip route, show version, clear counters,
//     ping and traceroute.
//
// Features (access-lists, NAT, inspection) live in their own packages:
// they take their place in the order of operations with Attach, see
// packets as Packet, read the router through its accessors (Interfaces,
// AddressOf, Lookup) and add their lines to interface blocks through the
// CLI (AddInterfaceConfig, OnInterfaceRemoved). The device package wires
// them together.
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
// Configuration setters take one mutex, change the model and publish an
// immutable snapshot: per-interface state (addresses included, so
// AddressOf serves features per packet), the RIB, the FIB and the hook
// lists. The snapshot is published with atomic.Pointer; packet goroutines
// load it once per batch and never take the configuration lock
// (TestPacketPathTakesNoConfigLock holds it with HoldConfig while packets
// pass). Between BeginUpdate and EndUpdate changes apply to the model at
// once but are compiled and published once, at the end: the CLI does that
// while a startup-config loads, so thousands of lines cost one compile.
//
// Compiling the routing table (table.go) is a chain of steps that each do
// one job: connected routes; static resolution (resolve.go); local routes;
// one sort by address and prefix length; per prefix, the lowest distance;
// the FIB. A static through a next hop is installed when the next hop
// resolves through installed routes, recursively: as if in rounds over the
// configuration until nothing changes, never through itself; a static
// through an interface when the interface is up; none of distance 255.
// Every step is a map lookup or a sort, so a change costs O(n log n) in
// the number of routes.
//
// The FIB is a longest-prefix-match table flattened into elementary address
// ranges, each owned by the most specific route covering it (one sweep over
// the prefixes in address order with a stack, at compile time). A lookup is
// a binary search over a sorted []uint32: about 15 steps for 10,000 routes,
// independent of the mix of prefix lengths (an earlier hash-per-length
// design cost one map probe per length in use: 8x slower at 11 lengths).
// Router addresses are /32 "local" entries that win over any route;
// directed broadcasts of connected subnets are received, not forwarded (no
// `ip directed-broadcast`).
//
// # Pipeline and order of operations
//
// One goroutine per bound port reads a batch, runs every packet through
//
//	decode (malformed: InErrors) -> HookInput -> uRPF -> HookPreRouting ->
//	local delivery | route lookup -> TTL check and decrement ->
//	HookPostRouting -> HookOutput -> HookInspect -> MTU -> queue
//
// and then writes the queued packets with one Write per outgoing port.
// Features do not pick hook points or numbers: they Attach to a Stage, and
// the table orderOfOperations in hook.go places every Stage at its hook
// point in IOS order (inspection return traffic and FTP pinholes, then the
// input ACL; NAT outside-to-inside and FTP control inspection before
// routing; NAT inside-to-outside after it; the output ACL; inspection).
// So an input ACL sees addresses before NAT, NAT outside-to-inside runs
// before routing, NAT inside-to-outside after it, and an output ACL sees
// translated addresses. uRPF (`ip verify unicast source reachable-via`,
// urpf.go) checks the source on the wire after the input ACL, with a FIB
// lookup in the same snapshot.
//
// Read buffers are the worker's own and hold MTU plus headroom so hooks can
// grow a packet in place; the pipeline's Packet structs live in the worker;
// generated packets (ICMP errors, fragments) take pooled buffers. A
// forwarded packet allocates nothing (TestForwardNoAllocs).
//
// Packets for the router are answered as IOS does: echo requests to any of
// its addresses from any interface, UDP with port unreachable (what ends a
// traceroute to the router), TCP with a reset (it listens on no port),
// other protocols with protocol unreachable. Answers to the router's own
// probes reach Ping and Traceroute through a listener map that is replaced,
// not locked. Fragments addressed to the router are reassembled (up to 16
// datagrams and 256 KiB at a time, 30 s each, under the reassembler's own
// mutex; a datagram is delivered only when its fragments cover it exactly,
// and overlapping fragments drop it), so large pings to and from the router
// work; forwarded fragments pass as they are. ICMP errors follow RFC 1812 (never about ICMP errors, later
// fragments, broadcasts or non-unicast sources); `no ip unreachables` on
// the receiving interface (SetUnreachables) suppresses unreachables; they
// are rate-limited per receiving interface, 500 ms by default (IOS `ip
// icmp rate-limit unreachable`), which is why the last hop of a traceroute
// to an IOS router often shows a '*' between two answers. TTL-exceeded
// messages are not rate-limited, as on IOS.
//
// Router-originated packets (echo replies, ICMP errors, Ping and
// Traceroute probes) have Packet.In == nil and go through routing and the
// post-routing, output and inspect hooks like forwarded ones, so NAT
// translates them; a feature that should not filter the router's own
// traffic (IOS output ACLs do not) checks In.
//
// # Super-packets, queues and workers
//
// A port with offloads (port.OffloadPort: the fast TUN) hands over TCP and
// UDP super-packets of up to 64 KB and partial checksums; the pipeline
// runs once per super-packet and writes it whole (offload.go says where it
// is split instead: hooks that want segments, the router's own services,
// ports without offloads, smaller MTUs). Each queue of a port
// (port.MultiQueue) has a worker goroutine (worker.go), which writes to
// the same-numbered queue of the egress port, so queues share no
// descriptor. A worker that wrote to a port that can be read without
// waiting (port.Nonblocking) takes, under that port worker's lock, what
// its write provoked (the receiving host's stack answers inside the write),
// so a ping through the router wakes one goroutine, not two.
package router
