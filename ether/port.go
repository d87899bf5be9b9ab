package ether

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"natlab/port"
)

// Host is the interface a port belongs to, as ARP needs it.
type Host interface {
	// Address is the interface's address; zero when none. Cheap,
	// lock-free.
	Address() netip.Prefix
	// Answers decides a request for target that is not Address(): NAT
	// global addresses and proxy ARP (the router decides).
	Answers(target, sender netip.Addr) bool
	// Unresolved takes an IP packet dropped because its next hop did not
	// resolve (the router answers host unreachable); pkt is valid only
	// during the call.
	Unresolved(pkt []byte)
}

type hostRef struct{ h Host }

// Port is the IP face of a Link: the main interface (untagged frames) or a
// subinterface (one 802.1Q VLAN). It implements port.Port, port.Linker,
// port.NextHopWriter, and, for the main port, port.Trunk.
type Port struct {
	l      *Link
	vlan   uint16 // 0 for the main port
	native bool
	txVLAN uint16 // the tag written: 0 for the main port and the native VLAN
	name   string

	ifname atomic.Pointer[string]
	host   atomic.Pointer[hostRef]
	debug  atomic.Pointer[func(string)]
	admin  atomic.Bool // a subinterface's own state (SetLinkUp)

	done         chan struct{}
	closed       bool // guarded by l.vmu
	events       chan port.Event
	eventsClosed bool // guarded by l.vmu

	rx ring

	// Write's scratch, guarded by txMu: frames are built in tx and handed
	// to the device as out.
	txMu sync.Mutex
	tx   [][]byte
	out  [][]byte
	dsts []MAC
	idx  []int

	c cache
	// flush is the scratch of the frames of an entry that just resolved
	// (guarded by c.mu); failed is the tick's list of given-up packets
	// (guarded by l.tickMu).
	flush  [QueuePerHop][]byte
	failed [QueuePerPort]int16

	st counters
}

var (
	_ port.Port          = (*Port)(nil)
	_ port.Linker        = (*Port)(nil)
	_ port.NextHopWriter = (*Port)(nil)
	_ port.Trunk         = (*Port)(nil)
)

func (l *Link) newPort(vlan uint16, native bool) *Port {
	p := &Port{l: l, vlan: vlan, native: native, name: l.dev.Name(), done: make(chan struct{})}
	if vlan != 0 {
		p.name = fmt.Sprintf("%s.%d", l.dev.Name(), vlan)
		if !native {
			p.txVLAN = vlan
		}
	}
	p.admin.Store(true)
	if l.linker != nil {
		p.events = make(chan port.Event, 8)
	}
	p.rx.init(l.frameSize)
	p.c.init(l.frameSize)
	n := l.dev.BatchSize()
	if n <= 0 {
		n = 1
	}
	p.tx = make([][]byte, n)
	for i := range p.tx {
		p.tx[i] = make([]byte, l.frameSize)
	}
	p.out = make([][]byte, n)
	p.dsts = make([]MAC, n)
	p.idx = make([]int, n)
	return p
}

// Name implements port.Port: the device's name, with .VLAN for a
// subinterface's port.
func (p *Port) Name() string { return p.name }

// MTU implements port.Port: the device's IP MTU.
func (p *Port) MTU() int { return p.l.frameSize - TaggedHeaderSize }

// BatchSize implements port.Port.
func (p *Port) BatchSize() int { return len(p.tx) }

// MAC is the port's (the link's) address.
func (p *Port) MAC() MAC { return p.l.hw() }

// SetHardwareAddr changes the link's address (every port of the link: an
// Ethernet interface and its subinterfaces share one MAC, as on IOS).
func (p *Port) SetHardwareAddr(m [6]byte) { p.l.SetMAC(MAC(m)) }

// VLANID is the port's VLAN, 0 for the main port.
func (p *Port) VLANID() uint16 { return p.vlan }

// SetHost attaches the interface the port belongs to.
func (p *Port) SetHost(h Host) {
	if h == nil {
		p.host.Store(nil)
		return
	}
	p.host.Store(&hostRef{h})
}

func (p *Port) hostOf() Host {
	if r := p.host.Load(); r != nil {
		return r.h
	}
	return nil
}

// address is the host's address, the zero prefix without a host.
func (p *Port) address() netip.Prefix {
	if h := p.hostOf(); h != nil {
		return h.Address()
	}
	return netip.Prefix{}
}

// SetName names the interface in debug lines (GigabitEthernet0/0).
func (p *Port) SetName(ifname string) { p.ifname.Store(&ifname) }

func (p *Port) ifName() string {
	if n := p.ifname.Load(); n != nil {
		return *n
	}
	return p.name
}

// SetDebug turns debug arp lines on (f) or off (nil).
func (p *Port) SetDebug(f func(msg string)) {
	if f == nil {
		p.debug.Store(nil)
		return
	}
	p.debug.Store(&f)
}

// debugf writes a debug arp line when debugging is on. Callers on busy
// paths check p.debug first, so that the arguments are not boxed.
func (p *Port) debugf(format string, args ...any) {
	if f := p.debug.Load(); f != nil {
		(*f)(fmt.Sprintf(format, args...))
	}
}

// maxDebugLines bounds the debug lines held while the cache is locked.
const maxDebugLines = 64

// noteLocked holds a debug line until the cache is unlocked: the debug
// sink writes to terminals, which must not stall the cache. p.c.mu is held.
func (p *Port) noteLocked(format string, args ...any) {
	if len(p.c.debugLines) < maxDebugLines {
		p.c.debugLines = append(p.c.debugLines, fmt.Sprintf(format, args...))
	}
}

// flushDebug writes the held debug lines; p.c.mu is not held.
func (p *Port) flushDebug() {
	p.c.mu.Lock()
	lines := p.c.debugLines
	p.c.debugLines = nil
	p.c.mu.Unlock()
	if f := p.debug.Load(); f != nil {
		for _, s := range lines {
			(*f)(s)
		}
	}
}

// Read implements port.Port: IPv4 packets received on the port.
func (p *Port) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 {
		return 0, nil
	}
	for {
		select {
		case <-p.done:
			return 0, port.ErrClosed
		default:
		}
		if n := p.rx.get(bufs, sizes, offset); n > 0 {
			return n, nil
		}
		select {
		case <-p.rx.ready:
		case <-p.done:
			return 0, port.ErrClosed
		}
	}
}

// deliver queues a received IPv4 packet for Read; a full ring drops it.
func (p *Port) deliver(pkt []byte) {
	// Trim Ethernet padding: short frames carry bytes past the datagram.
	if len(pkt) >= 20 && pkt[0]>>4 == 4 {
		if tl := int(binary.BigEndian.Uint16(pkt[2:])); tl >= 20 && tl < len(pkt) {
			pkt = pkt[:tl]
		}
	}
	if !p.rx.put(pkt) {
		p.st.rxDrops.Add(1)
	}
}

// Write implements port.Port: each packet goes to its destination address
// (on-link delivery).
func (p *Port) Write(bufs [][]byte, offset int) (int, error) {
	return p.write(bufs, nil, offset)
}

// WriteNextHop implements port.NextHopWriter: packet i goes to the MAC of
// hops[i] (its destination when hops[i] is not an IPv4 address).
func (p *Port) WriteNextHop(bufs [][]byte, hops []netip.Addr, offset int) (int, error) {
	return p.write(bufs, hops, offset)
}

var limitedBroadcast = [4]byte{255, 255, 255, 255}

func (p *Port) write(bufs [][]byte, hops []netip.Addr, offset int) (int, error) {
	select {
	case <-p.done:
		return 0, port.ErrClosed
	default:
	}
	if p.vlan != 0 && !p.admin.Load() {
		p.st.txDrops.Add(uint64(len(bufs)))
		return len(bufs), nil
	}
	// The subnet broadcast goes to ff:ff:ff:ff:ff:ff (not on /31 and /32,
	// which have none).
	var own, subnetBcast [4]byte
	hasBcast := false
	if a := p.address(); a.Addr().Is4() {
		own = a.Addr().As4()
		if a.Bits() < 31 {
			v := key4(own) | (1<<(32-a.Bits()) - 1)
			binary.BigEndian.PutUint32(subnetBcast[:], v)
			hasBcast = true
		}
	}
	p.txMu.Lock()
	defer p.txMu.Unlock()
	now := p.l.clock()
	for start := 0; start < len(bufs); start += len(p.tx) {
		end := min(start+len(p.tx), len(bufs))
		n := 0
		locked := false
		for i := start; i < end; i++ {
			pkt := bufs[i][offset:]
			if len(pkt) < 20 || len(pkt) > p.l.frameSize-TaggedHeaderSize {
				p.st.txDrops.Add(1)
				continue
			}
			dst := [4]byte(pkt[16:20])
			hop := dst
			if i < len(hops) && hops[i].Is4() {
				hop = hops[i].As4()
			}
			var mac MAC
			switch {
			case hop == limitedBroadcast || dst == limitedBroadcast ||
				hasBcast && (hop == subnetBcast || dst == subnetBcast):
				mac = Broadcast
			case dst[0]&0xf0 == 0xe0:
				mac = multicastMAC(dst)
			default:
				if !locked {
					p.c.mu.Lock()
					locked = true
				}
				k := key4(hop)
				e := p.c.m[k]
				if !p.c.fresh(e, now) {
					p.queueLocked(k, e, pkt, own, now)
					continue
				}
				mac = e.mac
			}
			p.dsts[n], p.idx[n] = mac, i
			n++
		}
		if locked {
			p.c.mu.Unlock()
			if p.debug.Load() != nil {
				p.flushDebug()
			}
		}
		if n == 0 {
			continue
		}
		own := p.l.hw()
		for k := 0; k < n; k++ {
			pkt := bufs[p.idx[k]][offset:]
			hl := putHeader(p.tx[k], p.dsts[k], own, p.txVLAN, TypeIPv4)
			p.out[k] = p.tx[k][:hl+copy(p.tx[k][hl:], pkt)]
		}
		if _, err := p.l.dev.Write(p.out[:n], 0); err != nil {
			return start, err
		}
	}
	return len(bufs), nil
}

// queueLocked holds pkt for next hop k until it resolves, creating the
// incomplete entry (and sending the first request) when there is none.
// p.c.mu is held.
func (p *Port) queueLocked(k uint32, e *entry, pkt []byte, own [4]byte, now time.Time) {
	c := &p.c
	switch {
	case e == nil:
		if e = c.newEntry(k); e == nil {
			p.st.cacheFull.Add(1)
			p.st.queueDrops.Add(1)
			return
		}
		c.incomplete++
		e.updated = now
		if p.debug.Load() != nil {
			p.noteLocked("IP ARP: creating incomplete entry for IP address: %s interface %s", addrOf(k), p.ifName())
		}
		p.requestLocked(e, k, own, now)
	case e.complete:
		// Expired: resolve it again.
		e.complete = false
		c.incomplete++
		e.updated = now
		p.requestLocked(e, k, own, now)
	}
	if !c.enqueue(e, pkt) {
		p.st.queueDrops.Add(1)
	}
}

// requestLocked sends the next request for incomplete entry e.
func (p *Port) requestLocked(e *entry, k uint32, own [4]byte, now time.Time) {
	e.tries++
	e.nextTry = now.Add(RetryInterval)
	var target [4]byte
	binary.BigEndian.PutUint32(target[:], k)
	if p.l.sendARP(p, ARPRequest, Broadcast, own, MAC{}, target) == nil {
		p.st.arpRequestsOut.Add(1)
	}
	if p.debug.Load() != nil {
		p.noteLocked("IP ARP: sent req src %s %s, dst %s %s %s",
			netip.AddrFrom4(own), p.l.hw(), addrOf(k), MAC{}, p.ifName())
	}
}

// Announce sends a gratuitous ARP for the host's address: a broadcast
// request whose sender and target are both that address, as IOS sends when
// an address is configured or the line comes up.
func (p *Port) Announce() {
	a := p.address()
	if !a.Addr().Is4() {
		return
	}
	own := a.Addr().As4()
	if p.l.sendARP(p, ARPRequest, Broadcast, own, MAC{}, own) == nil {
		p.st.arpRequestsOut.Add(1)
	}
	if p.debug.Load() != nil {
		p.debugf("IP ARP: sent req src %s %s, dst %s %s %s", a.Addr(), p.l.hw(), a.Addr(), MAC{}, p.ifName())
	}
}

// Close implements port.Port. Closing the main port closes the link (and
// the device); closing a VLAN's port closes that port only (RemoveVLAN
// takes it out of the demux).
func (p *Port) Close() error {
	if p.vlan == 0 {
		return p.l.Close()
	}
	p.l.vmu.Lock()
	p.shutLocked()
	p.l.vmu.Unlock()
	return nil
}

// shutLocked marks p closed; l.vmu is held.
func (p *Port) shutLocked() {
	if p.closed {
		return
	}
	p.closed = true
	close(p.done)
	if p.events != nil && !p.eventsClosed {
		p.eventsClosed = true
		close(p.events)
	}
}

// LinkUp implements port.Linker: the device's state; a subinterface is
// also down while it is shut down itself.
func (p *Port) LinkUp() bool {
	if p.vlan != 0 && !p.admin.Load() {
		return false
	}
	return p.l.linker == nil || p.l.linker.LinkUp()
}

// SetLinkUp implements port.Linker. The main port passes it to the device
// (carrier); a subinterface only stops its own traffic.
func (p *Port) SetLinkUp(up bool) error {
	if p.vlan != 0 {
		p.admin.Store(up)
		return nil
	}
	if p.l.linker == nil {
		return nil
	}
	return p.l.linker.SetLinkUp(up)
}

// Events implements port.Linker: the device's link changes (nil when the
// device has none). Closed by Close.
func (p *Port) Events() <-chan port.Event { return p.events }
