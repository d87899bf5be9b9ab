package port

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/songgao/water"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// tunSetCarrier is TUNSETCARRIER, _IOW('T', 226, int), Linux >= 5.0. It is
// not in golang.org/x/sys/unix.
const tunSetCarrier = 0x400454e2

// tunDev is what TUN, TAP and FastTUN share: a device of the kernel's tun
// driver, set up with netlink (moved, renamed, addressed), its carrier
// switched with TUNSETCARRIER and its host side watched. TUN and TAP create
// it with water (open) and use its Read and Write: each read or write on
// the file descriptor is one packet (TUN) or one frame (TAP), one per
// system call, so BatchSize is 1. FastTUN opens its own descriptors (one
// per queue) and hands them to attach.
type tunDev struct {
	kind  string // "tun" or "tap", for errors
	cfg   TUNConfig
	file  *os.File   // queue 0: Read, Write and the carrier ioctl
	files []*os.File // every queue's descriptor (file first), closed by Close

	// nl talks netlink in the namespace the device lives in (for SetLinkUp).
	nlMu sync.Mutex
	nl   *netlink.Handle
	name string // current name in that namespace

	up     atomic.Bool // the router's state (SetLinkUp)
	hostUp atomic.Bool // the device's IFF_UP as the host side set it
	closed atomic.Bool

	ifindex int
	events  chan Event
	stopSub chan struct{}
}

// open creates the device with water (water.TUN or water.TAP) and sets it
// up as attach does. On error nothing is left behind.
func (t *tunDev) open(typ water.DeviceType, c TUNConfig) error {
	kind := "tun"
	if typ == water.TAP {
		kind = "tap"
	}
	cfg, err := checkTUNConfig(kind, c)
	if err != nil {
		return err
	}
	ifce, err := water.New(water.Config{
		DeviceType:             typ,
		PlatformSpecificParams: water.PlatformSpecificParams{Name: cfg.Device},
	})
	if err != nil {
		return fmt.Errorf("%s: create %s: %w", kind, cfg.Device, err)
	}
	file, ok := ifce.ReadWriteCloser.(*os.File)
	if !ok {
		ifce.Close()
		return fmt.Errorf("%s: unexpected device type from water", kind)
	}
	return t.attach(kind, cfg, ifce.Name(), []*os.File{file})
}

// checkTUNConfig fills in c's defaults and refuses what the kernel would.
func checkTUNConfig(kind string, c TUNConfig) (TUNConfig, error) {
	cfg := c.withDefaults()
	if cfg.Device == "" || len(cfg.Device) > 15 || len(cfg.HostName) > 15 {
		return cfg, fmt.Errorf("%s: bad device name %q/%q (1-15 bytes)", kind, cfg.Device, cfg.HostName)
	}
	if cfg.HostAddr.IsValid() && !cfg.HostAddr.Addr().Is4() || cfg.HostGateway.IsValid() && !cfg.HostGateway.Is4() {
		return cfg, fmt.Errorf("%s: host address and gateway must be IPv4", kind)
	}
	return cfg, nil
}

// attach takes over the open descriptors of device name (all queues of
// one device, the first used for Read, Write and the carrier), sets its
// MTU and brings it up, then (when cfg.Netns is set) moves it into that
// namespace, renames it to cfg.HostName, and configures cfg.HostAddr and
// cfg.HostGateway there. On error the descriptors are closed, which
// removes the device.
func (t *tunDev) attach(kind string, cfg TUNConfig, name string, files []*os.File) error {
	t.kind, t.cfg, t.name = kind, cfg, name
	t.file, t.files = files[0], files
	t.events, t.stopSub = make(chan Event, 8), make(chan struct{})
	t.up.Store(true)
	t.hostUp.Store(true)
	if err := t.setup(); err != nil {
		t.Close()
		return err
	}
	return nil
}

// setup configures the device: MTU here, then the move and the host side.
func (t *tunDev) setup() error {
	cfg := &t.cfg
	here, err := netlink.NewHandle()
	if err != nil {
		return fmt.Errorf("%s: netlink: %w", t.kind, err)
	}
	link, err := here.LinkByName(t.name)
	if err != nil {
		here.Close()
		return fmt.Errorf("%s: %s: %w", t.kind, t.name, err)
	}
	if err := here.LinkSetMTU(link, cfg.MTU); err != nil {
		here.Close()
		return fmt.Errorf("%s: %s mtu %d: %w", t.kind, t.name, cfg.MTU, err)
	}
	h := here
	var sub netlink.LinkSubscribeOptions
	if cfg.Netns != "" {
		ns, err := netns.GetFromName(cfg.Netns)
		if err != nil {
			here.Close()
			return fmt.Errorf("%s: netns %s: %w", t.kind, cfg.Netns, err)
		}
		defer ns.Close()
		sub.Namespace = &ns
		err = here.LinkSetNsFd(link, int(ns))
		here.Close()
		if err != nil {
			return fmt.Errorf("%s: move %s to netns %s: %w", t.kind, t.name, cfg.Netns, err)
		}
		if h, err = netlink.NewHandleAt(ns); err != nil {
			return fmt.Errorf("%s: netlink in %s: %w", t.kind, cfg.Netns, err)
		}
		if link, err = h.LinkByName(t.name); err != nil {
			h.Close()
			return fmt.Errorf("%s: %s in %s: %w", t.kind, t.name, cfg.Netns, err)
		}
		if lo, err := h.LinkByName("lo"); err == nil && lo.Attrs().Flags&net.FlagUp == 0 {
			h.LinkSetUp(lo) // a namespace that plays a PC wants its loopback
		}
	}
	t.nl = h
	if cfg.HostName != t.name {
		if err := h.LinkSetName(link, cfg.HostName); err != nil {
			return fmt.Errorf("%s: rename %s to %s: %w", t.kind, t.name, cfg.HostName, err)
		}
		t.name = cfg.HostName
	}
	if err := h.LinkSetUp(link); err != nil {
		return fmt.Errorf("%s: %s up: %w", t.kind, t.name, err)
	}
	if cfg.HostAddr.IsValid() {
		a := cfg.HostAddr
		ipnet := &net.IPNet{IP: a.Addr().AsSlice(), Mask: net.CIDRMask(a.Bits(), 32)}
		if err := h.AddrAdd(link, &netlink.Addr{IPNet: ipnet}); err != nil {
			return fmt.Errorf("%s: %s address %s: %w", t.kind, t.name, a, err)
		}
	}
	if cfg.HostGateway.IsValid() {
		r := &netlink.Route{
			LinkIndex: link.Attrs().Index,
			Dst:       &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)},
			Gw:        cfg.HostGateway.AsSlice(),
		}
		if !cfg.HostAddr.IsValid() || !cfg.HostAddr.Masked().Contains(cfg.HostGateway) {
			r.Flags = int(netlink.FLAG_ONLINK)
		}
		if err := h.RouteReplace(r); err != nil {
			return fmt.Errorf("%s: %s default via %s: %w", t.kind, t.name, cfg.HostGateway, err)
		}
	}
	// Follow the host side: a PC that downs its NIC takes the router's
	// line down, as a cable would.
	t.ifindex = link.Attrs().Index
	updates := make(chan netlink.LinkUpdate, 16)
	if err := netlink.LinkSubscribeWithOptions(updates, t.stopSub, sub); err != nil {
		return fmt.Errorf("%s: watch %s: %w", t.kind, t.name, err)
	}
	go t.watch(updates)
	return nil
}

// watch turns netlink link updates for the device into Events.
func (t *tunDev) watch(updates <-chan netlink.LinkUpdate) {
	defer close(t.events)
	for u := range updates {
		if u.Attrs() == nil || u.Attrs().Index != t.ifindex {
			continue
		}
		up := u.Attrs().Flags&net.FlagUp != 0 && u.Header.Type != syscall.RTM_DELLINK
		if t.hostUp.Swap(up) == up {
			continue
		}
		e := EventDown
		if up {
			e = EventUp
		}
		select {
		case t.events <- e:
		default:
		}
	}
}

// Name implements Port: the device's kernel name where it lives now.
func (t *tunDev) Name() string { return t.name }

// MTU implements Port.
func (t *tunDev) MTU() int { return t.cfg.MTU }

// BatchSize implements Port.
func (t *tunDev) BatchSize() int { return 1 }

// Read implements Port: one packet per call.
func (t *tunDev) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	for {
		n, err := t.file.Read(bufs[0][offset:])
		if err != nil {
			if t.closed.Load() || errors.Is(err, os.ErrClosed) {
				return 0, ErrClosed
			}
			if errors.Is(err, syscall.EINTR) || errors.Is(err, syscall.EAGAIN) {
				continue
			}
			if errors.Is(err, syscall.EBADFD) {
				// The device is gone (its namespace was deleted).
				return 0, ErrClosed
			}
			return 0, err
		}
		if n == 0 {
			continue
		}
		sizes[0] = n
		return 1, nil
	}
}

// Write implements Port. Writes while the device is down (shutdown) are
// dropped: the kernel would refuse them anyway.
func (t *tunDev) Write(bufs [][]byte, offset int) (int, error) {
	if t.closed.Load() {
		return 0, ErrClosed
	}
	if !t.LinkUp() {
		return len(bufs), nil
	}
	for i, b := range bufs {
		if _, err := t.file.Write(b[offset:]); err != nil {
			if t.closed.Load() {
				return i, ErrClosed
			}
			// A full or vanished queue loses this packet, not the batch.
			continue
		}
	}
	return len(bufs), nil
}

// Close implements Port: the device disappears with its last descriptor.
func (t *tunDev) Close() error {
	if t.closed.Swap(true) {
		return nil
	}
	var err error
	for _, f := range t.files {
		if e := f.Close(); err == nil {
			err = e
		}
	}
	close(t.stopSub)
	t.nlMu.Lock()
	if t.nl != nil {
		t.nl.Close()
		t.nl = nil
	}
	t.nlMu.Unlock()
	return err
}

// LinkUp implements Linker: the router has not shut the link and the host
// side has the device up.
func (t *tunDev) LinkUp() bool { return t.up.Load() && t.hostUp.Load() }

// SetLinkUp implements Linker by switching the TUN carrier (TUNSETCARRIER),
// so the host side sees NO-CARRIER but keeps its addresses and routes, as a
// PC does when the switch port is shut. Kernels without TUNSETCARRIER fall
// back to setting the device administratively down and up.
func (t *tunDev) SetLinkUp(up bool) error {
	t.up.Store(up)
	if t.closed.Load() {
		return ErrClosed
	}
	var on int32
	if up {
		on = 1
	}
	rc, err := t.file.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if cerr := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, tunSetCarrier, uintptr(unsafe.Pointer(&on)))
	}); cerr != nil {
		return cerr
	}
	if errno == 0 {
		return nil
	}
	t.nlMu.Lock()
	defer t.nlMu.Unlock()
	if t.nl == nil {
		return fmt.Errorf("%s: carrier: %w", t.kind, errno)
	}
	link, err := t.nl.LinkByName(t.name)
	if err != nil {
		return err
	}
	if up {
		return t.nl.LinkSetUp(link)
	}
	return t.nl.LinkSetDown(link)
}

// Events implements Linker: the host side setting the device down or up
// (`ip link set eth0 down` inside the namespace), or deleting it.
func (t *tunDev) Events() <-chan Event { return t.events }
