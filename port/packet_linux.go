package port

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

const (
	// packetBatch is Packet's BatchSize: one read's frames, and the most
	// one sendmmsg carries. A split offload super-frame fills up to 45.
	packetBatch = 64
	// packetRxBatch is how many frames one recvmmsg takes. Each needs a
	// buffer that holds a 64 KB super-frame, so it stays small.
	packetRxBatch = 8
	// packetRxBuf holds an offload super-frame (gso_max_size 64 KB) and
	// its Ethernet header and tags.
	packetRxBuf = 65536 + 256
	// packetCtlLen holds one PACKET_AUXDATA control message.
	packetCtlLen = 64
)

// Packet is an AF_PACKET socket bound to an existing interface: a frame
// device. See OpenPacket.
type Packet struct {
	name    string
	netns   string
	ifindex int
	mtu     int
	file    *os.File
	rc      syscall.RawConn

	rx rxState // owned by the reading goroutine
	tx txState // under txMu
	// txMu serialises writers: they share the sendmmsg vectors.
	txMu sync.Mutex

	checksums, offloads, segments, vlans, dropped atomic.Uint64

	nlMu    sync.Mutex
	nl      *netlink.Handle // in the interface's namespace
	admin   atomic.Bool     // the router's state (SetLinkUp)
	oper    atomic.Bool     // the interface's operational state
	closed  atomic.Bool
	events  chan Event
	stopSub chan struct{}
}

// OpenPacket opens an AF_PACKET socket on cfg.Interface, which must exist
// (in cfg.Netns when set: the socket is created from a locked OS thread
// switched into that namespace and back, so the router process stays
// where it is). The socket is promiscuous, does not see its own
// transmissions, gets VLAN tags the kernel stripped back into the frame
// and completes the offloads a veth peer hands over (see Read). MTU is the
// interface's MTU. Needs CAP_NET_RAW and CAP_NET_ADMIN.
func OpenPacket(cfg PacketConfig) (Port, error) {
	if cfg.Interface == "" || len(cfg.Interface) > 15 {
		return nil, fmt.Errorf("packet: bad interface name %q (1-15 bytes)", cfg.Interface)
	}
	p := &Packet{name: cfg.Interface, netns: cfg.Netns, events: make(chan Event, 8), stopSub: make(chan struct{})}
	p.admin.Store(true)
	var sub netlink.LinkSubscribeOptions
	if cfg.Netns != "" {
		ns, err := netns.GetFromName(cfg.Netns)
		if err != nil {
			return nil, fmt.Errorf("packet: netns %s: %w", cfg.Netns, err)
		}
		defer ns.Close()
		sub.Namespace = &ns
		if p.nl, err = netlink.NewHandleAt(ns); err != nil {
			return nil, fmt.Errorf("packet: netlink in %s: %w", cfg.Netns, err)
		}
	} else {
		var err error
		if p.nl, err = netlink.NewHandle(); err != nil {
			return nil, fmt.Errorf("packet: netlink: %w", err)
		}
	}
	link, err := p.nl.LinkByName(cfg.Interface)
	if err != nil {
		p.nl.Close()
		return nil, fmt.Errorf("packet: %s: %w", p.where(), err)
	}
	p.ifindex, p.mtu = link.Attrs().Index, link.Attrs().MTU
	p.oper.Store(operUp(link.Attrs()))
	if err := p.openSocket(); err != nil {
		p.nl.Close()
		return nil, err
	}
	p.rx.init(p)
	p.tx.init(p)
	updates := make(chan netlink.LinkUpdate, 16)
	if err := netlink.LinkSubscribeWithOptions(updates, p.stopSub, sub); err != nil {
		p.Close()
		return nil, fmt.Errorf("packet: watch %s: %w", p.where(), err)
	}
	go p.watch(updates)
	return p, nil
}

// where names the interface and its namespace for errors.
func (p *Packet) where() string {
	if p.netns == "" {
		return p.name
	}
	return p.name + " in netns " + p.netns
}

// openSocket creates the socket in the interface's namespace, sets its
// options and binds it. Protocol 0 at creation and ETH_P_ALL at bind: no
// frame arrives before the options that shape it are set.
func (p *Packet) openSocket() error {
	var fd int
	err := inNetns(p.netns, func() error {
		var err error
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("packet: socket for %s: %w", p.where(), err)
	}
	fail := func(what string, err error) error {
		unix.Close(fd)
		return fmt.Errorf("packet: %s %s: %w", p.where(), what, err)
	}
	for _, o := range []struct {
		name string
		opt  int
	}{
		{"PACKET_VNET_HDR", unix.PACKET_VNET_HDR},
		{"PACKET_AUXDATA", unix.PACKET_AUXDATA},
		{"PACKET_IGNORE_OUTGOING", unix.PACKET_IGNORE_OUTGOING},
	} {
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, o.opt, 1); err != nil {
			return fail(o.name, err)
		}
	}
	mreq := unix.PacketMreq{Ifindex: int32(p.ifindex), Type: unix.PACKET_MR_PROMISC}
	if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
		return fail("promiscuous", err)
	}
	// Room for a burst of offload super-frames; past net.core.rmem_max
	// only with CAP_NET_ADMIN, so a failure keeps the default.
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 4<<20) != nil {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: p.ifindex}); err != nil {
		return fail("bind", err)
	}
	// A non-blocking descriptor becomes pollable: Read waits in the
	// runtime's poller, and Close wakes it.
	p.file = os.NewFile(uintptr(fd), "packet:"+p.name)
	if p.rc, err = p.file.SyscallConn(); err != nil {
		p.file.Close()
		return fmt.Errorf("packet: %s: %w", p.where(), err)
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// inNetns runs f on an OS thread switched into the named namespace (here
// when name is empty). A thread that cannot be switched back is not
// unlocked, so it ends with its goroutine instead of running others in the
// wrong namespace.
func inNetns(name string, f func() error) error {
	if name == "" {
		return f()
	}
	target, err := netns.GetFromName(name)
	if err != nil {
		return err
	}
	defer target.Close()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		if err := netns.Set(target); err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		ferr := f()
		if err := netns.Set(orig); err != nil {
			errc <- errors.Join(ferr, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}

// operUp is the interface's operational state: up, or (for devices that
// do not report one) administratively up with a lower layer.
func operUp(a *netlink.LinkAttrs) bool {
	switch a.OperState {
	case netlink.OperUp:
		return true
	case netlink.OperUnknown:
		return a.Flags&net.FlagUp != 0 && a.RawFlags&unix.IFF_LOWER_UP != 0
	}
	return false
}

// watch turns netlink updates for the interface into Events.
func (p *Packet) watch(updates <-chan netlink.LinkUpdate) {
	defer close(p.events)
	for u := range updates {
		if u.Attrs() == nil || u.Attrs().Index != p.ifindex {
			continue
		}
		up := operUp(u.Attrs()) && u.Header.Type != syscall.RTM_DELLINK
		if p.oper.Swap(up) == up {
			continue
		}
		e := EventDown
		if up {
			e = EventUp
		}
		select {
		case p.events <- e:
		default:
		}
	}
}

// Name implements Port: the interface's name.
func (p *Packet) Name() string { return p.name }

// MTU implements Port: the interface's MTU when opened.
func (p *Packet) MTU() int { return p.mtu }

// BatchSize implements Port.
func (p *Packet) BatchSize() int { return packetBatch }

// Close implements Port and unblocks Read.
func (p *Packet) Close() error {
	if p.closed.Swap(true) {
		return nil
	}
	err := p.file.Close()
	close(p.stopSub)
	p.nlMu.Lock()
	if p.nl != nil {
		p.nl.Close()
		p.nl = nil
	}
	p.nlMu.Unlock()
	return err
}

// LinkUp implements Linker: the router has not shut the link and the
// interface is operationally up (a veth: both ends up).
func (p *Packet) LinkUp() bool { return p.admin.Load() && p.oper.Load() }

// SetLinkUp implements Linker by setting the interface administratively
// up or down, so a veth peer sees its carrier go.
func (p *Packet) SetLinkUp(up bool) error {
	p.admin.Store(up)
	p.nlMu.Lock()
	defer p.nlMu.Unlock()
	if p.nl == nil {
		return ErrClosed
	}
	link, err := p.nl.LinkByIndex(p.ifindex)
	if err != nil {
		return fmt.Errorf("packet: %s: %w", p.where(), err)
	}
	if up {
		err = p.nl.LinkSetUp(link)
	} else {
		err = p.nl.LinkSetDown(link)
	}
	if err != nil {
		return fmt.Errorf("packet: %s: %w", p.where(), err)
	}
	return nil
}

// Events implements Linker: operational state changes, whoever caused
// them (the peer going down, the interface being deleted).
func (p *Packet) Events() <-chan Event { return p.events }

// Stats returns what the port did to frames beyond moving them.
func (p *Packet) Stats() PacketStats {
	return PacketStats{
		ChecksumsCompleted: p.checksums.Load(),
		Offloads:           p.offloads.Load(),
		Segments:           p.segments.Load(),
		VLANRestored:       p.vlans.Load(),
		Dropped:            p.dropped.Load(),
	}
}
