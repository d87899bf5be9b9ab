// Package labs builds practice topologies out of network namespaces and router processes, and grades
// them.
//
// A topology file has containerlab's shape: a name, nodes and links whose endpoints are "node:interface".
// A node of kind router is a router process (cmd/router) with a startup-config; each of its links is a
// TUN device that the router moves into the namespace of the host at the other end, where it becomes
// that host's interface with the host's address and default route. A router's link to a switch is a
// TAP the router moves into the switch, and a link between two routers a veth pair each opens with
// AF_PACKET: those are Ethernet. A switch lives in a namespace of its own: a Linux bridge without
// VLANs, the Go switch (`labs switch`, package l2switch) with them; links between hosts and switches
// are veth pairs. A host is a namespace named <lab>-<node> that runs ordinary Linux programs (ping,
// curl, vsftpd). Tasks grade the lab with checks on hosts (a program's exit status and output) and on
// routers (a CLI command's output), retried until a deadline as netlab's validate does, and add up to
// a score.
//
// Everything a lab creates (namespaces, processes, files) is written down under /run/natlab/<lab>/ as
// it is created, so Down removes exactly that, also when the topology file is gone or a process died.
package labs
