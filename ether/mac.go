package ether

import "errors"

// MAC is an Ethernet (EUI-48) address.
type MAC [6]byte

// Broadcast is ff:ff:ff:ff:ff:ff.
var Broadcast = MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

const hexDigits = "0123456789abcdef"

// String is IOS's dotted form, aabb.cc00.0100.
func (m MAC) String() string {
	var b [14]byte
	j := 0
	for i, x := range m {
		if i == 2 || i == 4 {
			b[j] = '.'
			j++
		}
		b[j], b[j+1] = hexDigits[x>>4], hexDigits[x&0xf]
		j += 2
	}
	return string(b[:])
}

// IsBroadcast reports whether m is ff:ff:ff:ff:ff:ff.
func (m MAC) IsBroadcast() bool { return m == Broadcast }

// IsMulticast reports whether m is a group address (broadcast included):
// the I/G bit, the lowest bit of the first byte.
func (m MAC) IsMulticast() bool { return m[0]&1 != 0 }

// IsZero reports whether m is 0000.0000.0000.
func (m MAC) IsZero() bool { return m == MAC{} }

var errMAC = errors.New("bad MAC address (want aabb.cc00.0100 or aa:bb:cc:00:01:00)")

// ParseMAC reads IOS's dotted form (aabb.cc00.0100) or the colon or dash
// separated form (aa:bb:cc:00:01:00, aa-bb-cc-00-01-00).
func ParseMAC(s string) (MAC, error) {
	var m MAC
	switch len(s) {
	case 14: // aabb.cc00.0100
		if s[4] != '.' || s[9] != '.' {
			return MAC{}, errMAC
		}
		for i := 0; i < 3; i++ {
			g := s[i*5 : i*5+4]
			for k := 0; k < 2; k++ {
				v, ok := hexByte(g[2*k], g[2*k+1])
				if !ok {
					return MAC{}, errMAC
				}
				m[2*i+k] = v
			}
		}
		return m, nil
	case 17: // aa:bb:cc:00:01:00
		sep := s[2]
		if sep != ':' && sep != '-' {
			return MAC{}, errMAC
		}
		for i := 0; i < 6; i++ {
			if i > 0 && s[3*i-1] != sep {
				return MAC{}, errMAC
			}
			v, ok := hexByte(s[3*i], s[3*i+1])
			if !ok {
				return MAC{}, errMAC
			}
			m[i] = v
		}
		return m, nil
	}
	return MAC{}, errMAC
}

func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexNibble(hi)
	l, ok2 := hexNibble(lo)
	return h<<4 | l, ok1 && ok2
}

func hexNibble(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// multicastMAC is the group MAC an IPv4 multicast address maps to
// (RFC 1112 §6.4: 01-00-5e and the low 23 bits of the address).
func multicastMAC(a [4]byte) MAC {
	return MAC{0x01, 0x00, 0x5e, a[1] & 0x7f, a[2], a[3]}
}
