package router

// ifSettings are an interface's settings that IOS keeps and shows but that
// change nothing on the packet path here (README: which commands have no
// effect): bandwidth and delay (informational on IOS too, for routing
// metrics and load figures), ICMP redirects (the router sends none),
// duplex and speed (a TUN or veth has none to set). The MAC address is
// the exception: it is pushed to the Ethernet port.
type ifSettings struct {
	bandwidth   int // Kbit/sec; 0: the default
	delay       int // tens of microseconds; 0: the default
	noRedirects bool
	mac         [6]byte // `mac-address`, when macSet
	macSet      bool
	duplex      string // "full", "half"; "": auto
	speed       string // "10", "100", "1000"; "": auto
}

// Defaults IOSv shows for a GigabitEthernet and a Loopback.
const (
	gigabitDelay  = 1   // tens of usec: DLY 10 usec
	loopbackDelay = 500 // DLY 5000 usec
)

// SetBandwidth sets `bandwidth KBPS`; 0 restores the default.
func (i *Interface) SetBandwidth(kbps int) {
	i.r.mu.Lock()
	i.set.bandwidth = max(kbps, 0)
	i.r.mu.Unlock()
}

// Bandwidth is the bandwidth in Kbit/sec: configured, else IOSv's figure
// for the interface type.
func (i *Interface) Bandwidth() int {
	return locked(i, func() int {
		switch {
		case i.set.bandwidth > 0:
			return i.set.bandwidth
		case i.loopback:
			return loopbackKbps
		}
		return gigabitKbps
	})
}

// BandwidthConfigured reports whether `bandwidth` is configured.
func (i *Interface) BandwidthConfigured() bool {
	return locked(i, func() bool { return i.set.bandwidth > 0 })
}

// SetDelay sets `delay N` in tens of microseconds; 0 restores the default.
func (i *Interface) SetDelay(tens int) {
	i.r.mu.Lock()
	i.set.delay = max(tens, 0)
	i.r.mu.Unlock()
}

// Delay is the delay in tens of microseconds: configured or the default.
func (i *Interface) Delay() int {
	return locked(i, func() int {
		switch {
		case i.set.delay > 0:
			return i.set.delay
		case i.loopback:
			return loopbackDelay
		}
		return gigabitDelay
	})
}

// DelayConfigured reports whether `delay` is configured.
func (i *Interface) DelayConfigured() bool { return locked(i, func() bool { return i.set.delay > 0 }) }

// SetRedirects sets `ip redirects` (the default) or `no ip redirects`.
func (i *Interface) SetRedirects(on bool) {
	i.r.mu.Lock()
	i.set.noRedirects = !on
	i.r.mu.Unlock()
}

// Redirects reports the `ip redirects` setting.
func (i *Interface) Redirects() bool { return locked(i, func() bool { return !i.set.noRedirects }) }

// SetDuplex keeps `duplex auto|full|half` ("auto" or "" for the default).
func (i *Interface) SetDuplex(mode string) {
	if mode == "auto" {
		mode = ""
	}
	i.r.mu.Lock()
	i.set.duplex = mode
	i.r.mu.Unlock()
}

// Duplex is the configured duplex: "auto", "full" or "half".
func (i *Interface) Duplex() string { return locked(i, func() string { return orAuto(i.set.duplex) }) }

// SetSpeed keeps `speed 10|100|1000|auto` ("auto" or "" for the default).
func (i *Interface) SetSpeed(mode string) {
	if mode == "auto" {
		mode = ""
	}
	i.r.mu.Lock()
	i.set.speed = mode
	i.r.mu.Unlock()
}

// Speed is the configured speed: "auto", "10", "100" or "1000".
func (i *Interface) Speed() string { return locked(i, func() string { return orAuto(i.set.speed) }) }

func orAuto(s string) string {
	if s == "" {
		return "auto"
	}
	return s
}

// hardwareAddrSetter is an Ethernet port whose MAC can change at runtime.
type hardwareAddrSetter interface {
	SetHardwareAddr(mac [6]byte)
}

// SetMACAddress sets `mac-address` on a chassis interface: the address
// show interfaces gives and, on an Ethernet port, the one its frames carry
// (its subinterfaces' too). ok=false restores the burned-in address. The
// router then announces its address with a gratuitous ARP so neighbours
// update their caches.
func (i *Interface) SetMACAddress(mac [6]byte, ok bool) {
	i.r.mu.Lock()
	i.set.mac, i.set.macSet = mac, ok
	p := i.port
	now := i.macLocked()
	i.r.mu.Unlock()
	if s, ok := p.(hardwareAddrSetter); ok {
		s.SetHardwareAddr(now)
	}
	i.announce()
}

// MACConfigured returns the `mac-address` setting, ok=false when none.
func (i *Interface) MACConfigured() (mac [6]byte, ok bool) {
	i.r.mu.Lock()
	defer i.r.mu.Unlock()
	return i.set.mac, i.set.macSet
}

// MAC is the interface's address: `mac-address` when configured (a
// subinterface takes its parent's), else the burned-in one (BIA).
func (i *Interface) MAC() [6]byte { return locked(i, i.macLocked) }

func (i *Interface) macLocked() [6]byte {
	if m := i.main(); m.set.macSet {
		return m.set.mac
	}
	return i.biaLocked()
}

// BIA is the burned-in address: chassis interface k has the router's base
// + k*0x10, a subinterface its parent's; loopbacks have none (zero).
func (i *Interface) BIA() [6]byte { return locked(i, i.biaLocked) }

func (i *Interface) biaLocked() [6]byte {
	m := i.main()
	if m.loopback {
		return [6]byte{}
	}
	b := i.r.mac
	v := uint64(b[0])<<40 | uint64(b[1])<<32 | uint64(b[2])<<24 | uint64(b[3])<<16 | uint64(b[4])<<8 | uint64(b[5])
	v += uint64(m.index) * 0x10
	return [6]byte{byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}
