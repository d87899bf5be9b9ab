package dhcp

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// Message types (option 53).
const (
	Discover = 1
	Offer    = 2
	Request  = 3
	Decline  = 4
	Ack      = 5
	Nak      = 6
	Release  = 7
	Inform   = 8
)

// Option codes the service reads or writes.
const (
	OptPad         = 0
	OptSubnetMask  = 1
	OptRouter      = 3
	OptDNS         = 6
	OptHostname    = 12
	OptDomainName  = 15
	OptRequestedIP = 50
	OptLeaseTime   = 51
	OptMsgType     = 53
	OptServerID    = 54
	OptRenewalT1   = 58
	OptRebindT2    = 59
	OptClientID    = 61
	OptEnd         = 255
)

// Ports of the protocol.
const (
	ServerPort = 67
	ClientPort = 68
)

// fixedLen is the BOOTP header up to and including the magic cookie.
const fixedLen = 240

// maxServers bounds the dns-server list as IOS does (eight addresses).
const maxServers = 8

var magic = [4]byte{99, 130, 83, 99}

// Errors of Parse.
var (
	ErrShort  = errors.New("dhcp: message too short")
	ErrMagic  = errors.New("dhcp: no magic cookie")
	ErrOption = errors.New("dhcp: option runs past the end")
)

// Message is a decoded BOOTP/DHCP message: the header fields and the options
// the service uses. Parse fills it without keeping a reference to the input.
type Message struct {
	Op       byte
	HType    byte
	HLen     byte
	Hops     byte
	XID      uint32
	Secs     uint16
	Flags    uint16
	CIAddr   netip.Addr
	YIAddr   netip.Addr
	SIAddr   netip.Addr
	GIAddr   netip.Addr
	CHAddr   [16]byte
	Type     byte
	Mask     netip.Addr
	Routers  []netip.Addr
	DNS      []netip.Addr
	Domain   string
	Hostname string
	// RequestedIP and ServerID are options 50 and 54.
	RequestedIP netip.Addr
	ServerID    netip.Addr
	// Lease, T1 and T2 are in seconds; 0xffffffff is infinite.
	Lease, T1, T2 uint32
	// ClientID is option 61 as received (type byte first).
	ClientID []byte
}

// BroadcastFlag is the flags bit asking for a broadcast reply.
const BroadcastFlag = 0x8000

// MAC is the client hardware address when it is Ethernet.
func (m *Message) MAC() [6]byte {
	var a [6]byte
	copy(a[:], m.CHAddr[:6])
	return a
}

func addr4(b []byte) netip.Addr { return netip.AddrFrom4([4]byte(b[:4])) }

// Parse decodes a DHCP message (the UDP payload). It never panics on bad
// input: a truncated header or option is an error.
func Parse(b []byte) (*Message, error) {
	if len(b) < fixedLen {
		return nil, ErrShort
	}
	if [4]byte(b[236:240]) != magic {
		return nil, ErrMagic
	}
	m := &Message{
		Op: b[0], HType: b[1], HLen: b[2], Hops: b[3],
		XID:    binary.BigEndian.Uint32(b[4:]),
		Secs:   binary.BigEndian.Uint16(b[8:]),
		Flags:  binary.BigEndian.Uint16(b[10:]),
		CIAddr: addr4(b[12:]), YIAddr: addr4(b[16:]), SIAddr: addr4(b[20:]), GIAddr: addr4(b[24:]),
	}
	copy(m.CHAddr[:], b[28:44])
	opts := b[fixedLen:]
	for i := 0; i < len(opts); {
		code := opts[i]
		if code == OptPad {
			i++
			continue
		}
		if code == OptEnd {
			break
		}
		if i+1 >= len(opts) || i+2+int(opts[i+1]) > len(opts) {
			return nil, ErrOption
		}
		v := opts[i+2 : i+2+int(opts[i+1])]
		i += 2 + len(v)
		m.option(code, v)
	}
	return m, nil
}

// option stores one option; wrong lengths are ignored as a client would.
func (m *Message) option(code byte, v []byte) {
	addrs := func() []netip.Addr {
		var out []netip.Addr
		for j := 0; j+4 <= len(v) && len(out) < maxServers; j += 4 {
			out = append(out, addr4(v[j:]))
		}
		return out
	}
	u32 := func() uint32 {
		if len(v) != 4 {
			return 0
		}
		return binary.BigEndian.Uint32(v)
	}
	switch code {
	case OptMsgType:
		if len(v) == 1 {
			m.Type = v[0]
		}
	case OptSubnetMask:
		if len(v) == 4 {
			m.Mask = addr4(v)
		}
	case OptRouter:
		m.Routers = addrs()
	case OptDNS:
		m.DNS = addrs()
	case OptDomainName:
		m.Domain = string(v)
	case OptHostname:
		m.Hostname = string(v)
	case OptRequestedIP:
		if len(v) == 4 {
			m.RequestedIP = addr4(v)
		}
	case OptServerID:
		if len(v) == 4 {
			m.ServerID = addr4(v)
		}
	case OptLeaseTime:
		m.Lease = u32()
	case OptRenewalT1:
		m.T1 = u32()
	case OptRebindT2:
		m.T2 = u32()
	case OptClientID:
		m.ClientID = append([]byte(nil), v...)
	}
}

// Append encodes m after b (BOOTP header, cookie, options, end, padded to
// the 300 bytes old clients expect) and returns the extended slice.
func (m *Message) Append(b []byte) []byte {
	start := len(b)
	b = append(b, make([]byte, fixedLen)...)
	h := b[start:]
	h[0], h[1], h[2], h[3] = m.Op, m.HType, m.HLen, m.Hops
	binary.BigEndian.PutUint32(h[4:], m.XID)
	binary.BigEndian.PutUint16(h[8:], m.Secs)
	binary.BigEndian.PutUint16(h[10:], m.Flags)
	for i, a := range []netip.Addr{m.CIAddr, m.YIAddr, m.SIAddr, m.GIAddr} {
		if a.Is4() {
			v := a.As4()
			copy(h[12+4*i:], v[:])
		}
	}
	copy(h[28:44], m.CHAddr[:])
	copy(h[236:], magic[:])
	if m.Type != 0 {
		b = append(b, OptMsgType, 1, m.Type)
	}
	b = appendAddrs(b, OptServerID, m.ServerID)
	b = appendU32(b, OptLeaseTime, m.Lease)
	b = appendU32(b, OptRenewalT1, m.T1)
	b = appendU32(b, OptRebindT2, m.T2)
	b = appendAddrs(b, OptRequestedIP, m.RequestedIP)
	b = appendAddrs(b, OptSubnetMask, m.Mask)
	b = appendAddrs(b, OptRouter, m.Routers...)
	b = appendAddrs(b, OptDNS, m.DNS...)
	b = appendString(b, OptDomainName, m.Domain)
	b = appendString(b, OptHostname, m.Hostname)
	if len(m.ClientID) > 0 && len(m.ClientID) <= 255 {
		b = append(append(b, OptClientID, byte(len(m.ClientID))), m.ClientID...)
	}
	b = append(b, OptEnd)
	for len(b)-start < 300 {
		b = append(b, OptPad)
	}
	return b
}

func appendU32(b []byte, code byte, v uint32) []byte {
	if v == 0 {
		return b
	}
	return binary.BigEndian.AppendUint32(append(b, code, 4), v)
}

func appendAddrs(b []byte, code byte, as ...netip.Addr) []byte {
	n := 0
	for _, a := range as {
		if a.Is4() {
			n++
		}
	}
	n = min(n, 63)
	if n == 0 {
		return b
	}
	b = append(b, code, byte(4*n))
	for _, a := range as {
		if a.Is4() && n > 0 {
			v := a.As4()
			b = append(b, v[:]...)
			n--
		}
	}
	return b
}

func appendString(b []byte, code byte, s string) []byte {
	if s == "" {
		return b
	}
	if len(s) > 255 {
		s = s[:255]
	}
	return append(append(b, code, byte(len(s))), s...)
}
