package device

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"natlab/port"
	"natlab/system"
)

// Chassis is a router that reloads as IOS does: `reload` replaces the
// running Device by a fresh one (every feature back at its defaults,
// counters, uptime and NAT translations restarted) that boots from the
// startup-config. The chassis owns what outlives a reload: the port
// devices (a TUN or TAP disappears with its last descriptor, so they are
// never closed by a reload, only lent to each Device in turn) and the
// startup-config.
type Chassis struct {
	opts Options

	mu       sync.Mutex
	dev      *Device
	held     []*heldBinding
	startup  string // the startup-config file
	tempDir  string // holds startup when the router has no file of its own
	errs     io.Writer
	onReload func(next *Device)
	closed   bool
}

// heldBinding is one interface backed by a chassis port.
type heldBinding struct {
	ifname   string
	ethernet bool
	h        *heldPort
}

// NewChassis builds the chassis and its first Device (not booted yet: bind
// the ports, then Boot).
func NewChassis(o Options) *Chassis {
	return &Chassis{opts: o, dev: New(o)}
}

// Device is the router running now; it changes on every reload.
func (c *Chassis) Device() *Device {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dev
}

// BindPort backs interface ifname with an IP port (a TUN) that every
// Device of the chassis uses in turn.
func (c *Chassis) BindPort(ifname string, p port.Port) error { return c.bind(ifname, p, false) }

// BindEthernet backs interface ifname with an Ethernet frame device (a
// TAP, an AF_PACKET socket) through AttachEthernet, on every Device of the
// chassis in turn.
func (c *Chassis) BindEthernet(ifname string, p port.Port) error { return c.bind(ifname, p, true) }

func (c *Chassis) bind(ifname string, p port.Port, ethernet bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return errors.New("chassis closed")
	}
	b := &heldBinding{ifname: ifname, ethernet: ethernet, h: newHeldPort(p)}
	if err := b.attach(c.dev); err != nil {
		b.h.stop()
		return err
	}
	c.held = append(c.held, b)
	return nil
}

// attach lends the port to d, taking it back from the Device before.
func (b *heldBinding) attach(d *Device) error {
	l := b.h.lend()
	if b.ethernet {
		_, err := d.AttachEthernet(b.ifname, l)
		return err
	}
	return d.Router.Bind(b.ifname, l)
}

// Boot loads the startup-config at path into the running Device, as the
// router does at power-on; errors in it are reported to errs (see
// LoadStartup). With path "" the startup-config lives in a file of the
// chassis's own that Close removes, so that it survives reloads too.
func (c *Chassis) Boot(path string, errs io.Writer) error {
	if path == "" {
		dir, err := os.MkdirTemp("", "natlab-nvram")
		if err != nil {
			return err
		}
		c.tempDir, path = dir, filepath.Join(dir, "startup-config")
	}
	c.mu.Lock()
	c.startup, c.errs = path, errs
	d := c.dev
	c.mu.Unlock()
	return c.boot(d)
}

// boot loads the startup-config into d and gives d's reload command its
// device side.
func (c *Chassis) boot(d *Device) error {
	if err := d.LoadStartup(c.startup, c.errs); err != nil {
		return err
	}
	// What the startup-config loaded as is the saved state: IOS's "modified"
	// means changed since boot or the last save.
	baseline := d.Engine.RunningConfig()
	d.System.SetReloader(system.Reloader{
		Modified: func() bool {
			running := d.Engine.RunningConfig()
			if running == baseline {
				return false
			}
			saved, err := os.ReadFile(c.startup)
			return err != nil || string(saved) != running
		},
		Reload: func() error { return c.reload(d) },
	})
	return nil
}

// OnReload registers f, called with the new Device once a reload has
// booted it (the owner moves its console and terminal there); the old
// Device's sessions are the owner's to end.
func (c *Chassis) OnReload(f func(next *Device)) {
	c.mu.Lock()
	c.onReload = f
	c.mu.Unlock()
}

// Reload replaces the running Device by a fresh one booted from the
// startup-config, as the reload command does.
func (c *Chassis) Reload() error { return c.reload(c.Device()) }

// reload replaces old, if it is still the running Device. old is closed in
// the background: its packet goroutines end when their port next delivers
// a packet, which they hand to the new Device.
func (c *Chassis) reload(old *Device) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errors.New("chassis closed")
	}
	if c.dev != old {
		c.mu.Unlock()
		return nil // reloaded already, from another session
	}
	next := New(c.opts)
	var errs []error
	for _, b := range c.held {
		if err := b.attach(next); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", b.ifname, err))
		}
	}
	c.dev = next
	f := c.onReload
	c.mu.Unlock()
	if err := c.boot(next); err != nil {
		errs = append(errs, err)
	}
	go old.Close()
	if f != nil {
		f(next)
	}
	return errors.Join(errs...)
}

// Close closes the running Device and the port devices, and removes the
// chassis's own startup-config.
func (c *Chassis) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	d, held := c.dev, c.held
	c.mu.Unlock()
	// The devices first: that unblocks every reader, of this Device and of
	// the ones still closing.
	var errs []error
	for _, b := range held {
		errs = append(errs, b.h.stop())
	}
	errs = append(errs, d.Close())
	if c.tempDir != "" {
		os.RemoveAll(c.tempDir)
	}
	return errors.Join(errs...)
}

// maxHandover bounds the packets a retired reader hands to the next one.
const maxHandover = 64

// heldPort is a port device lent to one Device at a time. Reads are
// serialized by mu: the reader of a Device that reloaded may still be
// blocked in dev.Read (nothing but closing the device wakes it); what it
// reads then is handed to the current reader instead of being lost.
type heldPort struct {
	dev    port.Port
	linker port.Linker

	mu      sync.Mutex // held across dev.Read
	pending [][]byte   // handed over by a retired reader; guarded by mu

	cur     atomic.Pointer[lease]
	evMu    sync.Mutex // guards sending on and closing a lease's events
	stopped chan struct{}

	// queues, for a port with offloads that can be read without waiting
	// (the fast TUN): its queues, each lent through the lease.
	queues []*heldQueue
}

func newHeldPort(p port.Port) *heldPort {
	h := &heldPort{dev: p, stopped: make(chan struct{})}
	h.queues = heldQueues(p)
	h.linker, _ = p.(port.Linker)
	if h.linker != nil {
		if ev := h.linker.Events(); ev != nil {
			go h.forwardEvents(ev)
		}
	}
	return h
}

// lend retires the current lease and returns a new one.
func (h *heldPort) lend() port.Port {
	l := &lease{h: h}
	if h.linker != nil {
		l.events = make(chan port.Event, 8)
	}
	if old := h.cur.Swap(l); old != nil {
		old.Close()
	}
	if h.queues != nil {
		return newFastLease(l)
	}
	if h.linker != nil {
		return leaseLinker{l}
	}
	return l
}

// forwardEvents passes the device's link events to the current lease.
func (h *heldPort) forwardEvents(ev <-chan port.Event) {
	for {
		select {
		case e, ok := <-ev:
			if !ok {
				return
			}
			h.evMu.Lock()
			if l := h.cur.Load(); l != nil && !l.retired.Load() {
				select {
				case l.events <- e:
				default:
				}
			}
			h.evMu.Unlock()
		case <-h.stopped:
			return
		}
	}
}

// stop closes the device for good.
func (h *heldPort) stop() error {
	if l := h.cur.Swap(nil); l != nil {
		l.Close()
	}
	close(h.stopped)
	return h.dev.Close()
}

// lease is one Device's use of a heldPort; Close retires it and leaves
// the device open.
type lease struct {
	h       *heldPort
	retired atomic.Bool
	events  chan port.Event
}

func (l *lease) Name() string   { return l.h.dev.Name() }
func (l *lease) MTU() int       { return l.h.dev.MTU() }
func (l *lease) BatchSize() int { return l.h.dev.BatchSize() }

// Read implements port.Port: what a retired reader took comes first.
func (l *lease) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	h := l.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if l.retired.Load() {
		return 0, port.ErrClosed
	}
	if len(h.pending) > 0 {
		n := 0
		for ; n < len(bufs) && len(h.pending) > 0; n++ {
			sizes[n] = copy(bufs[n][offset:], h.pending[0])
			h.pending = h.pending[1:]
		}
		return n, nil
	}
	n, err := h.dev.Read(bufs, sizes, offset)
	if l.retired.Load() {
		for i := 0; i < n && len(h.pending) < maxHandover; i++ {
			h.pending = append(h.pending, append([]byte(nil), bufs[i][offset:offset+sizes[i]]...))
		}
		return 0, port.ErrClosed
	}
	return n, err
}

// Write implements port.Port; a retired Device sends nothing.
func (l *lease) Write(bufs [][]byte, offset int) (int, error) {
	if l.retired.Load() {
		return 0, port.ErrClosed
	}
	return l.h.dev.Write(bufs, offset)
}

// Close implements port.Port: the lease ends, the device stays open.
func (l *lease) Close() error {
	h := l.h
	h.evMu.Lock()
	if !l.retired.Swap(true) && l.events != nil {
		close(l.events)
	}
	h.evMu.Unlock()
	return nil
}

// leaseLinker is a lease of a device with a link state.
type leaseLinker struct{ *lease }

func (l leaseLinker) LinkUp() bool { return l.h.linker.LinkUp() }

// SetLinkUp implements port.Linker: the Device's shutdown reaches the wire
// only while it holds the lease.
func (l leaseLinker) SetLinkUp(up bool) error {
	if l.retired.Load() {
		return port.ErrClosed
	}
	return l.h.linker.SetLinkUp(up)
}

func (l leaseLinker) Events() <-chan port.Event { return l.events }
