// Package ether turns an Ethernet frame device (a TAP, an AF_PACKET socket,
// an in-memory port.Mem) into IP ports: it speaks ARP and 802.1Q so the
// router above sees bare IPv4 packets, as it does on a TUN.
//
// A Link owns one device and its MAC. One goroutine reads frames in batches
// and handles each inline: frames for our MAC, broadcast and multicast are
// taken (the latter two counted), other unicast is dropped (promiscuous
// devices see it); 802.1Q tags pick the port (untagged frames go to the
// native VLAN's port when one is declared, else to the main port; unknown
// VLANs are dropped and counted); ARP is answered on the spot; IPv4 packets
// are copied into the port's bounded ring, which drops when full so a slow
// port never stalls the others.
//
// A Port is the IP face of the main interface (Link.Port) or of a
// subinterface (Port.VLAN). Write and WriteNextHop build frames into the
// port's preallocated scratch and hand the device one batch. The next hop
// is resolved in the port's ARP cache (RFC 826, IOS's behaviour): a packet
// for an unresolved hop creates an incomplete entry, sends a request and
// waits in a small queue (QueuePerHop per hop, QueuePerPort per port);
// requests are retried every second, three in all, and then the queued
// packets go to Host.Unresolved (the router answers host unreachable) and
// the entry is removed. Complete entries expire after the timeout (4 h by
// default, arp timeout). The cache holds at most MaxEntries entries.
//
// The Host (the router's interface) says which address the port has and
// which other targets it answers for (NAT global addresses, proxy ARP).
// Requests for the port's own address are answered from any sender. The
// sender of a request or reply aimed at us is learned; an existing entry is
// updated by any ARP from its owner (gratuitous ARP included); a gratuitous
// ARP from our subnet creates an entry, as on IOS.
//
// Nothing is allocated per forwarded packet, in either direction; ARP,
// debug lines and cache growth allocate.
//
// The timers (retries, expiry) compare against the clock given to NewLink,
// so tests drive them with a fake clock; a real-time ticker runs them.
package ether
