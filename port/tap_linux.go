package port

import "github.com/songgao/water"

// TAP is a Linux TAP device (IFF_TAP|IFF_NO_PI), a frame device: each read
// or write on its file descriptor is one whole Ethernet frame. It is set up
// and behaves like a TUN (placement, host address, carrier, host-side
// events); only what crosses it differs. BatchSize is 1.
type TAP struct{ tunDev }

// OpenTAP creates the device in the current namespace, sets its MTU (the IP
// MTU; frames are up to MTU+18 bytes) and brings it up, then (when
// cfg.Netns is set) moves it into that namespace, renames it to
// cfg.HostName, and configures cfg.HostAddr and cfg.HostGateway there. The
// host side gets its own MAC address from the kernel and resolves the
// router's with ARP. Needs CAP_NET_ADMIN. On error nothing is left behind.
func OpenTAP(cfg TAPConfig) (Port, error) {
	t := new(TAP)
	if err := t.open(water.TAP, cfg); err != nil {
		return nil, err
	}
	return t, nil
}
