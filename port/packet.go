package port

// PacketConfig says which existing interface OpenPacket attaches to.
type PacketConfig struct {
	// Interface is the interface's name (e.g. a veth end "r1-gi0").
	Interface string
	// Netns, when set, is the named network namespace (/var/run/netns/NAME)
	// the interface lives in. The socket is opened there; the router
	// process stays where it is.
	Netns string
}

// PacketStats counts what a Packet port did to frames beyond moving them.
type PacketStats struct {
	ChecksumsCompleted uint64 // partial transport checksums finished
	Offloads           uint64 // segmentation offload super-frames split
	Segments           uint64 // frames those produced
	VLANRestored       uint64 // VLAN tags put back from auxdata
	Dropped            uint64 // frames read that could not be made wire-correct, or were truncated
}
