package device

import (
	"encoding/binary"
	"sync"

	"natlab/router"
)

// udpMux hands the UDP datagrams addressed to the router (and link
// broadcasts) to the service that listens on their destination port: the
// DHCP server and relay, the router's UDP clients. One taker is installed on
// the router; services register by port.
type udpMux struct {
	mu    sync.RWMutex
	ports map[uint16]func(in *router.Interface, pkt []byte) bool
}

// Handle makes f the taker of datagrams to port (nil removes it). f runs on
// a packet goroutine and must not block.
func (m *udpMux) Handle(port uint16, f func(in *router.Interface, pkt []byte) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ports == nil {
		m.ports = map[uint16]func(*router.Interface, []byte) bool{}
	}
	if f == nil {
		delete(m.ports, port)
		return
	}
	m.ports[port] = f
}

// take is the router's LocalUDP taker.
func (m *udpMux) take(in *router.Interface, pkt []byte) bool {
	ihl := int(pkt[0]&0x0f) * 4
	if len(pkt) < ihl+8 {
		return false
	}
	port := binary.BigEndian.Uint16(pkt[ihl+2:])
	m.mu.RLock()
	f := m.ports[port]
	m.mu.RUnlock()
	return f != nil && f(in, pkt)
}
