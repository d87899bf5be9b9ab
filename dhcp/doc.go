// Package dhcp is the router's DHCP service as IOS 15 has it: the server
// (`ip dhcp excluded-address`, `ip dhcp pool` with network, default-router,
// dns-server, domain-name and lease; bindings, conflicts found by ping,
// statistics, the show and clear commands), the relay (`ip helper-address`)
// and the client (`ip address dhcp`).
//
// The package takes what it needs from the router as small functions (send a
// datagram out of one interface, send a routed one, ping, list interfaces), so
// package device wires it and the tests drive it with fakes. Datagrams come
// in through Server.Take, the taker of UDP ports 67 and 68 on the router's
// LocalUDP path.
package dhcp
