package port

import "net/netip"

// TAPConfig says how OpenTAP creates and places a TAP device. The fields
// mean what they mean in TUNConfig.
type TAPConfig struct {
	// Device is the kernel name to create in the current namespace (at most
	// 15 bytes).
	Device string
	// MTU is the device's (IP) MTU; 0 means 1500.
	MTU int
	// Netns, when set, is an existing named network namespace the device is
	// moved into.
	Netns string
	// HostName is the device's name inside Netns; default Device.
	HostName string
	// HostAddr, when valid, is the host side's address.
	HostAddr netip.Prefix
	// HostGateway, when valid, becomes the host side's default route.
	HostGateway netip.Addr
}
