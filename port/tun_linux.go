package port

import "github.com/songgao/water"

// TUN is a Linux TUN device (IFF_TUN|IFF_NO_PI): each read or write on its
// file descriptor is one bare IP packet. water reads one packet per system
// call, so BatchSize is 1.
type TUN struct{ tunDev }

// OpenTUN creates the device, sets its MTU and brings it up, then (when
// cfg.Netns is set) moves it into that namespace, renames it to
// cfg.HostName, and configures cfg.HostAddr and cfg.HostGateway there.
// Needs CAP_NET_ADMIN. On error nothing is left behind.
func OpenTUN(cfg TUNConfig) (Port, error) {
	t := new(TUN)
	if err := t.open(water.TUN, cfg); err != nil {
		return nil, err
	}
	return t, nil
}
