package port

import "net/netip"

// TUNConfig says how OpenTUN creates and places a TUN device.
type TUNConfig struct {
	// Device is the kernel name to create in the current namespace, e.g.
	// "r1gi0" (at most 15 bytes).
	Device string
	// MTU of the device; 0 means 1500.
	MTU int
	// Netns, when set, is an existing named network namespace
	// (/var/run/netns/NAME) the device is moved into. The router keeps the
	// file descriptor and stays in its own namespace.
	Netns string
	// HostName is the device's name inside Netns (e.g. "eth0"); default
	// Device.
	HostName string
	// HostAddr, when valid, is the address given to the device on the host
	// side (inside Netns, or here when Netns is empty), e.g. 192.168.1.10/24.
	HostAddr netip.Prefix
	// HostGateway, when valid, becomes the host side's default route.
	HostGateway netip.Addr
}

func (c *TUNConfig) withDefaults() TUNConfig {
	d := *c
	if d.MTU <= 0 {
		d.MTU = 1500
	}
	if d.HostName == "" {
		d.HostName = d.Device
	}
	return d
}
