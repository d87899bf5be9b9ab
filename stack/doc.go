// Package stack is the router's own TCP stack: a gVisor netstack inside the
// router process that serves TCP to the router's addresses (SSH and telnet
// to the vty lines).
//
// The router hands it, through router.SetLocalTCP, the TCP segments
// addressed to one of its addresses that passed the input path (input ACL,
// NAT, reassembly), at the point where it would otherwise answer with a
// reset. The stack takes a segment only when its destination port is one
// somebody listens on (or one a connection accepted from such a listener
// still uses), so every other port keeps the router's reset. The segments
// the stack sends go through router.SendLocal, so routing, the output ACL
// and NAT apply to them as to any router-originated packet; ICMP stays the
// router's.
//
// The stack has no address of its own. Its one NIC is promiscuous (it
// accepts any destination the router delivered locally) and may spoof (it
// answers from that destination), so it follows the router's addresses as
// they change without being told: a connection's local address is the
// router address the client connected to.
//
// The router's packet goroutine never waits for the stack: a taken segment
// is copied into a bounded queue that one goroutine injects into netstack;
// when the queue is full the segment is dropped and counted (Stats), and
// TCP retransmits it.
package stack
