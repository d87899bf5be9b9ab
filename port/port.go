// Package port is where IP packets (or Ethernet frames) enter and leave a
// router interface.
//
// A Port has wireguard-go's tun.Device shape: batch-shaped Read and Write
// over caller-owned buffers with an offset for headroom, so an
// implementation that can move several packets per system call (or per
// channel operation) does, and nothing is allocated per packet.
//
// Two kinds of device sit behind the same interface. An IP device carries
// bare IPv4 packets; a frame device carries whole Ethernet frames
// (destination MAC first, an 802.1Q tag in the frame when present; MTU is
// still the IP MTU, so frames are up to MTU+18 bytes). Package ether turns
// a frame device into IP ports.
//
//   - Mem (NewMem): an in-memory, channel-backed pair. The router holds the
//     Mem end; a test holds the MemHost end, injects packets and reads what
//     the router sent. Whole-router tests run without root. It carries
//     whatever it is given, so tests also use it as a frame device.
//   - FastTUN (OpenFastTUN): a Linux TUN device with the kernel's
//     virtio-net header and its offloads (IFF_VNET_HDR, TUNSETOFFLOAD with
//     checksum, TSO and USO): the host's stack hands over TCP and UDP
//     super-packets of up to 64 KB with partial checksums and takes them
//     back, so the router handles a TCP stream in one read and one write
//     per ~40 segments. It is an OffloadPort (super-packets whole), a
//     MultiQueue (IFF_MULTI_QUEUE, a queue per reader) and Nonblocking
//     (reads that never wait, so a router goroutine that just wrote to it
//     takes the answer its write provoked). Placed and set up as the TUN
//     below, which it shares its code with; the default for tun: ports.
//   - TUN (OpenTUN): a Linux TUN device (IFF_TUN|IFF_NO_PI) opened with
//     github.com/songgao/water and set up with netlink. It may be moved into
//     a named network namespace, where it is renamed and given an address and
//     a default route so that the namespace plays a PC; the file descriptor
//     keeps working across the move and the router process stays where it is.
//   - TAP (OpenTAP): the same for a TAP device (IFF_TAP|IFF_NO_PI), a frame
//     device; the host side ARPs for the router like a PC on a LAN.
//   - Packet (OpenPacket): an AF_PACKET socket on an existing interface (a
//     veth end, say), in a named namespace or here: a frame device. It is
//     promiscuous, skips its own transmissions, puts VLAN tags the kernel
//     stripped back into the frame, and turns the offloaded packets a peer
//     veth hands over (partial checksums, TCP/UDP segmentation offload
//     super-packets) into wire-correct frames, so what Read returns is what
//     a cable would carry. It reads several frames per system call.
//
// Optional interfaces let the router carry super-packets whole
// (OffloadPort, with each packet's Offload), read several queues
// (MultiQueue), read without waiting (Nonblocking), follow a port's link state and push
// its own (Linker: IOS `shutdown` drops carrier on the wire), hand an
// Ethernet port each packet's next hop (NextHopWriter), and ask a main
// interface's port for 802.1Q subinterface ports (Trunk).
package port

import (
	"errors"
	"net/netip"
)

// Port is where packets enter and leave an interface.
//
// Read and Write may be called concurrently with each other; Write may be
// called by several goroutines at once (every interface's forwarding
// goroutine writes to the port a route points at).
type Port interface {
	// Name is the device name (for logs and show output).
	Name() string
	// MTU is the largest IP packet the port carries.
	MTU() int
	// BatchSize is the most packets one Read returns and the batch size
	// Write works best with. Callers pass len(bufs) == BatchSize().
	BatchSize() int
	// Read blocks until at least one packet is available, then fills
	// bufs[i][offset:] with up to len(bufs) IP packets and sizes[i] with
	// their lengths. A packet longer than its buffer is truncated. After
	// Close, Read returns ErrClosed.
	Read(bufs [][]byte, sizes []int, offset int) (n int, err error)
	// Write sends bufs[i][offset:] as IP packets and returns how many it
	// sent. The buffers may be reused as soon as Write returns.
	Write(bufs [][]byte, offset int) (int, error)
	// Close releases the port and unblocks Read.
	Close() error
}

// Event is a link-state change reported by a Linker.
type Event uint8

const (
	// EventUp: the link came up (carrier on).
	EventUp Event = 1 + iota
	// EventDown: the link went down (carrier lost).
	EventDown
)

func (e Event) String() string {
	switch e {
	case EventUp:
		return "up"
	case EventDown:
		return "down"
	}
	return "unknown"
}

// Linker is implemented by ports that have a link state.
type Linker interface {
	// LinkUp reports whether the link carries packets (device up, carrier
	// on).
	LinkUp() bool
	// SetLinkUp is the router's administrative state pushed to the wire:
	// false when the interface is shut down, so the far end sees the link
	// go down (TUN: carrier off), true on `no shutdown`.
	SetLinkUp(up bool) error
	// Events delivers changes the router did not cause (MemHost.SetCarrier).
	// It may return nil when there are none. It is closed by Close.
	Events() <-chan Event
}

// ErrClosed is returned by Read and Write on a closed port.
var ErrClosed = errors.New("port closed")

// NextHopWriter is implemented by ports on a multi-access link (Ethernet): the router passes each packet's
// on-link next hop so the port can resolve its link-layer address. hops[i] belongs to bufs[i].
type NextHopWriter interface {
	WriteNextHop(bufs [][]byte, hops []netip.Addr, offset int) (int, error)
}

// Trunk is implemented by Ethernet ports that carry 802.1Q VLANs (the port of a main interface): VLAN returns
// the IP port of subinterface traffic tagged id (native: that VLAN travels untagged on the wire).
type Trunk interface {
	VLAN(id uint16, native bool) (Port, error)
	RemoveVLAN(id uint16)
}
