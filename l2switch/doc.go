// Package l2switch is a VLAN-aware Ethernet switch over frame devices, for
// lab switches on kernels whose bridge cannot filter VLANs (no
// CONFIG_BRIDGE_VLAN_FILTERING, no CONFIG_VLAN_8021Q).
//
// Each Port is a frame device (a port.Port whose buffers hold whole
// Ethernet frames, an 802.1Q tag in the frame when there is one) and a
// mode, as on a Cisco switch:
//
//   - access VLAN N: frames travel untagged on the wire and belong to VLAN
//     N; a tagged frame that arrives is dropped (a priority tag, VID 0,
//     counts as untagged).
//   - trunk: every allowed VLAN travels tagged, except the native VLAN (1
//     unless told otherwise), which travels untagged; a frame tagged with
//     a VLAN the trunk does not carry is dropped.
//
// Forwarding is the transparent bridge of IEEE 802.1Q: the source MAC of
// every frame is learnt per (VLAN, port) in a bounded forwarding database
// (FDB) whose entries age out (300 s, like a Catalyst's mac address-table
// aging-time, on an injectable clock); a frame to a known unicast MAC goes
// to that one port, and unknown unicast, broadcast and multicast frames
// are flooded to every port of the VLAN. Nothing ever goes back out of the
// port it came in on. Tags are pushed and popped per egress port.
//
// One goroutine per port reads batches of frames and writes each batch's
// frames to their egress ports, one Write per egress port and batch.
// Nothing is allocated per frame: buffers are the reader's, the FDB is a
// fixed open-addressing table, and counters are per port atomics bumped
// once per batch. There is no spanning tree: a lab whose switches form a
// loop floods until the switches are stopped.
package l2switch
