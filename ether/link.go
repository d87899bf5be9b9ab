package ether

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"natlab/port"
)

// tickEvery is how often ARP retries and expiry run (in real time; they
// compare against the injected clock).
const tickEvery = 200 * time.Millisecond

// Link is one Ethernet frame device with its MAC: it reads frames, answers
// ARP, and hands IPv4 packets to the main port or a VLAN's port.
type Link struct {
	dev       port.Port
	mac       atomic.Uint64 // the MAC in the low 48 bits; `mac-address` changes it at runtime
	clock     func() time.Time
	linker    port.Linker // dev's, nil when it has no link state
	frameSize int         // largest frame: MTU + a tagged header

	main   *Port
	vlans  [vlanMask + 1]atomic.Pointer[Port] // demux of tagged frames, by VLAN ID (4095 stays empty)
	native atomic.Pointer[Port]               // gets untagged frames when set

	vmu   sync.Mutex // guards ports and every port's events channel
	ports []*Port    // main first, then the VLAN ports

	// ctl is the scratch of ARP frames the link sends (requests, replies,
	// gratuitous ARP).
	ctlMu  sync.Mutex
	ctl    [minFrame + 4]byte
	ctlOut [1][]byte

	tickMu    sync.Mutex // one tick at a time
	tickPorts []*Port    // guarded by tickMu

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

// NewLink starts ARP and 802.1Q over dev with mac as the address of every
// port (main and VLANs). clock (nil: time.Now) times the ARP cache. The
// link owns dev: Close closes it.
func NewLink(dev port.Port, mac MAC, clock func() time.Time) *Link {
	if clock == nil {
		clock = time.Now
	}
	mtu := dev.MTU()
	if mtu <= 0 {
		mtu = 1500
	}
	l := &Link{dev: dev, clock: clock, frameSize: mtu + TaggedHeaderSize, done: make(chan struct{})}
	l.mac.Store(macBits(mac))
	l.linker, _ = dev.(port.Linker)
	l.main = l.newPort(0, false)
	l.ports = []*Port{l.main}
	l.wg.Add(2)
	go l.readLoop()
	go l.tickLoop()
	if l.linker != nil {
		if ev := l.linker.Events(); ev != nil {
			l.wg.Add(1)
			go l.watch(ev)
		}
	}
	return l
}

// Port is the main interface's port (untagged frames).
func (l *Link) Port() *Port { return l.main }

// MAC is the link's address.
func (l *Link) MAC() MAC { return l.hw() }

// SetMAC changes the link's address (IOS `mac-address`): frames sent from
// now on carry it, and frames to it are taken. It is safe to call while
// packets flow; neighbours learn the new address from the gratuitous ARP the
// caller sends (Port.Announce) or from their next request.
func (l *Link) SetMAC(m MAC) { l.mac.Store(macBits(m)) }

// hw is the current address; one atomic load, so the packet path may call
// it per frame.
func (l *Link) hw() MAC {
	v := l.mac.Load()
	return MAC{byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func macBits(m MAC) uint64 {
	return uint64(m[0])<<40 | uint64(m[1])<<32 | uint64(m[2])<<24 | uint64(m[3])<<16 | uint64(m[4])<<8 | uint64(m[5])
}

// Close closes the device and every port, and waits for the link's
// goroutines.
func (l *Link) Close() error {
	var err error
	l.closeOnce.Do(func() {
		close(l.done)
		err = l.dev.Close()
		l.vmu.Lock()
		for _, p := range l.ports {
			p.shutLocked()
		}
		l.vmu.Unlock()
		l.wg.Wait()
	})
	return err
}

func (l *Link) closed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// readLoop reads batches of frames until the device closes.
func (l *Link) readLoop() {
	defer l.wg.Done()
	n := l.dev.BatchSize()
	if n <= 0 {
		n = 1
	}
	bufs := make([][]byte, n)
	sizes := make([]int, n)
	for i := range bufs {
		bufs[i] = make([]byte, l.frameSize)
	}
	for {
		k, err := l.dev.Read(bufs, sizes, 0)
		for i := 0; i < k; i++ {
			l.input(bufs[i][:sizes[i]])
		}
		if err != nil {
			if errors.Is(err, port.ErrClosed) || l.closed() {
				return
			}
			// A transient device error: do not spin on it.
			l.main.st.readErrors.Add(1)
			select {
			case <-l.done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
}

// input handles one received frame.
func (l *Link) input(f []byte) {
	d, ok := decode(f)
	if !ok {
		l.main.st.runts.Add(1)
		return
	}
	var bcast, mcast bool
	switch {
	case d.dst == l.hw():
	case d.dst.IsBroadcast():
		bcast = true
	case d.dst.IsMulticast():
		mcast = true
	default:
		// Unicast for another station: a promiscuous device sees them.
		l.main.st.otherHost.Add(1)
		return
	}
	var p *Port
	switch {
	case d.tagged:
		p = l.vlans[d.vlan].Load()
	default:
		if p = l.native.Load(); p == nil {
			p = l.main
		}
	}
	if p == nil {
		l.main.st.unknownVLAN.Add(1)
		return
	}
	if bcast {
		p.st.inBroadcasts.Add(1)
	} else if mcast {
		p.st.inMulticasts.Add(1)
	}
	if p.vlan != 0 && !p.admin.Load() {
		p.st.rxDrops.Add(1)
		return
	}
	switch d.etype {
	case TypeIPv4:
		p.deliver(f[d.payload:])
	case TypeARP:
		p.handleARP(ARP(f[d.payload:]))
	default:
		p.st.unknownProtocol.Add(1)
	}
}

// sendARP sends one ARP packet out of p (tagged with p's VLAN).
func (l *Link) sendARP(p *Port, op uint16, dst MAC, spa [4]byte, tha MAC, tpa [4]byte) error {
	l.ctlMu.Lock()
	defer l.ctlMu.Unlock()
	b := l.ctl[:]
	own := l.hw()
	n := putHeader(b, dst, own, p.txVLAN, TypeARP)
	putARP(b[n:], op, own, spa, tha, tpa)
	n += ARPSize
	clear(b[n:])
	l.ctlOut[0] = b[:max(n, minFrame)]
	_, err := l.dev.Write(l.ctlOut[:], 0)
	return err
}

// tickLoop runs ARP retries and expiry.
func (l *Link) tickLoop() {
	defer l.wg.Done()
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-l.done:
			return
		case <-t.C:
			l.tick(l.clock())
		}
	}
}

// tick retries and gives up incomplete entries and sweeps expired ones on
// every port.
func (l *Link) tick(now time.Time) {
	l.tickMu.Lock()
	defer l.tickMu.Unlock()
	l.vmu.Lock()
	// Copy the port list into the tick's own scratch: ports may come and
	// go while the tick runs, and Unresolved callbacks run unlocked.
	l.tickPorts = append(l.tickPorts[:0], l.ports...)
	l.vmu.Unlock()
	for _, p := range l.tickPorts {
		p.tick(now)
	}
	clear(l.tickPorts)
}

// watch passes the device's link events to every port.
func (l *Link) watch(ev <-chan port.Event) {
	defer l.wg.Done()
	for {
		select {
		case e, ok := <-ev:
			if !ok {
				return
			}
			l.vmu.Lock()
			for _, p := range l.ports {
				if !p.eventsClosed {
					select {
					case p.events <- e:
					default:
					}
				}
			}
			l.vmu.Unlock()
		case <-l.done:
			return
		}
	}
}
