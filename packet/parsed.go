package packet

import (
	"encoding/binary"
	"net/netip"
	"strconv"
)

// Parsed is a minimal decoding of an IPv4 packet, done once per packet so
// that routing, ACLs and NAT read fields instead of bytes. Decode fills it
// from a buffer it does not retain: the setters take the buffer again.
type Parsed struct {
	// IPProto is the transport protocol. Always valid after a successful
	// decode.
	IPProto Proto
	// Src and Dst are the IPv4 addresses. Always valid.
	Src, Dst netip.Addr
	// SrcPort and DstPort are valid iff IPProto is TCP or UDP and Frag is
	// not LaterFragment. Zero otherwise.
	SrcPort, DstPort uint16
	// ICMPType and ICMPCode are valid iff IPProto is ICMPv4 and Frag is not
	// LaterFragment.
	ICMPType, ICMPCode uint8
	// ICMPID is valid iff ICMPType is a query (ICMPIsQuery): the echo,
	// timestamp, information or mask identifier. Zero otherwise.
	ICMPID uint16
	// TCPFlags is valid iff IPProto is TCP and Frag is not LaterFragment
	// (and, for a quoted packet from DecodeQuoted, never: only 8 bytes of
	// the transport header are quoted).
	TCPFlags uint8
	// IHL is the IPv4 header length in bytes; TotalLen the datagram length
	// from the header (the buffer may be longer: link padding).
	IHL, TotalLen int
	// L4Off is the offset of the transport header (== IHL). PayloadOff is
	// the offset of the transport payload: after the TCP header with its
	// options, the UDP header or the 8-byte ICMP header; == L4Off for other
	// protocols and for later fragments.
	L4Off, PayloadOff int
	// Frag tells whether the packet is a fragment.
	Frag FragKind
	// TTL is the time to live as received.
	TTL uint8
	// ID is the IPv4 identification (`debug ip nat` shows it; fragments of
	// one datagram share it).
	ID uint16
	// CsumPartial says the TCP or UDP checksum field holds only the
	// pseudo-header sum, which the kernel completes later (its
	// CHECKSUM_PARTIAL: a TUN with offloads hands such packets over). The
	// setters then keep it a pseudo-header sum. Decode clears it; whoever
	// knows the packet's offload state sets it.
	CsumPartial bool
}

// DecodeResult says why Decode rejected a packet, or OK.
type DecodeResult uint8

const (
	OK DecodeResult = iota
	// ErrShort: fewer bytes than an IPv4 header.
	ErrShort
	// ErrVersion: the version nibble is not 4.
	ErrVersion
	// ErrIHL: the header length is below 20 bytes or beyond the packet.
	ErrIHL
	// ErrTotalLength: the total length is below IHL or beyond the buffer.
	ErrTotalLength
	// ErrChecksum: the header checksum does not verify.
	ErrChecksum
	// ErrShortL4: a whole datagram or first fragment too short for its
	// transport header (or a TCP data offset outside the segment). RFC 1858
	// tiny-fragment attacks land here too.
	ErrShortL4
)

var decodeResultNames = [...]string{
	OK:             "ok",
	ErrShort:       "packet too short",
	ErrVersion:     "bad IP version",
	ErrIHL:         "bad IP header length",
	ErrTotalLength: "bad IP total length",
	ErrChecksum:    "bad IP header checksum",
	ErrShortL4:     "transport header too short",
}

func (r DecodeResult) String() string {
	if int(r) < len(decodeResultNames) {
		return decodeResultNames[r]
	}
	return "DecodeResult(" + strconv.Itoa(int(r)) + ")"
}

// Decode parses the IPv4 packet in b, verifying the header checksum. On any
// result but OK, p holds no meaningful values. Decode does not allocate.
func (p *Parsed) Decode(b []byte) DecodeResult {
	return p.decode(b, false)
}

// DecodeQuoted parses the packet quoted in an ICMP error: the offending
// datagram's header and at least its first 8 transport bytes (RFC 792), so
// its total length may exceed b and the header checksum is not verified
// (routers on the way may have quoted it after decrementing TTL). Ports and
// the ICMP identifier are valid as for Decode; TCPFlags is not.
func (p *Parsed) DecodeQuoted(b []byte) DecodeResult {
	return p.decode(b, true)
}

func (p *Parsed) decode(b []byte, quoted bool) DecodeResult {
	*p = Parsed{}
	if len(b) < IPv4MinimumSize {
		return ErrShort
	}
	ip := IPv4(b)
	if ip.Version() != 4 {
		return ErrVersion
	}
	hl := ip.HeaderLength()
	if hl < IPv4MinimumSize || hl > len(b) {
		return ErrIHL
	}
	tl := int(ip.TotalLength())
	if tl < hl || (!quoted && tl > len(b)) {
		return ErrTotalLength
	}
	if !quoted && !ip.HeaderChecksumOK() {
		return ErrChecksum
	}
	end := tl
	if end > len(b) {
		end = len(b)
	}
	p.IPProto = ip.Protocol()
	p.Src = ip.Src()
	p.Dst = ip.Dst()
	p.IHL = hl
	p.TotalLen = tl
	p.L4Off = hl
	p.PayloadOff = hl
	p.TTL = ip.TTL()
	p.ID = ip.ID()

	fo := binary.BigEndian.Uint16(b[ipv4FlagsFO:])
	switch {
	case fo&ipv4FragOffsetMask != 0:
		p.Frag = LaterFragment
		return OK
	case fo&IPv4FlagMoreFragments != 0:
		p.Frag = FirstFragment
	}

	l4 := b[hl:end]
	switch p.IPProto {
	case ProtoTCP:
		if quoted {
			if len(l4) < 8 {
				return ErrShortL4
			}
			p.SrcPort = binary.BigEndian.Uint16(l4[tcpSrcPort:])
			p.DstPort = binary.BigEndian.Uint16(l4[tcpDstPort:])
			p.PayloadOff = hl + 8
			return OK
		}
		if len(l4) < TCPMinimumSize {
			return ErrShortL4
		}
		t := TCP(l4)
		off := t.DataOffset()
		if off < TCPMinimumSize || off > len(l4) {
			return ErrShortL4
		}
		p.SrcPort = t.SrcPort()
		p.DstPort = t.DstPort()
		p.TCPFlags = t.Flags()
		p.PayloadOff = hl + off
	case ProtoUDP:
		if len(l4) < UDPSize {
			return ErrShortL4
		}
		u := UDP(l4)
		p.SrcPort = u.SrcPort()
		p.DstPort = u.DstPort()
		p.PayloadOff = hl + UDPSize
	case ProtoICMP:
		if len(l4) < ICMPv4MinimumSize {
			return ErrShortL4
		}
		m := ICMPv4(l4)
		p.ICMPType = m.Type()
		p.ICMPCode = m.Code()
		if ICMPIsQuery(p.ICMPType) {
			p.ICMPID = m.ID()
		}
		p.PayloadOff = hl + ICMPv4MinimumSize
	}
	return OK
}

// IsICMPError reports whether the packet is an ICMP error that quotes an
// offending datagram (valid only when HasICMP).
func (p *Parsed) IsICMPError() bool {
	return p.HasICMP() && ICMPIsError(p.ICMPType)
}

// IsICMPQuery reports whether the packet is an ICMP query or its reply
// (echo, timestamp, information, address mask), whose identifier ICMPID is
// valid: NAT and inspection treat the identifier as the flow's port.
func (p *Parsed) IsICMPQuery() bool {
	return p.HasICMP() && ICMPIsQuery(p.ICMPType)
}

// Quoted returns the bytes of the datagram quoted by the ICMP error that p
// was decoded from b, and decodes them into q (with DecodeQuoted: the
// quoted datagram is usually truncated). The setters of q take the
// returned slice; a change to it changes the ICMP message, so the caller
// fixes the outer ICMP checksum afterwards (SetTransportChecksum on p).
func (p *Parsed) Quoted(b []byte, q *Parsed) ([]byte, DecodeResult) {
	if !p.IsICMPError() || p.PayloadOff > p.TotalLen || p.TotalLen > len(b) {
		*q = Parsed{}
		return nil, ErrShortL4
	}
	in := b[p.PayloadOff:p.TotalLen]
	return in, q.DecodeQuoted(in)
}

// HasPorts reports whether SrcPort and DstPort are valid.
func (p *Parsed) HasPorts() bool {
	return (p.IPProto == ProtoTCP || p.IPProto == ProtoUDP) && p.Frag != LaterFragment
}

// HasICMP reports whether the ICMP fields are valid.
func (p *Parsed) HasICMP() bool {
	return p.IPProto == ProtoICMP && p.Frag != LaterFragment
}

// String describes the packet for logs and test failures (it allocates).
func (p *Parsed) String() string {
	switch {
	case p.HasPorts():
		return p.IPProto.String() + " " + netip.AddrPortFrom(p.Src, p.SrcPort).String() +
			" > " + netip.AddrPortFrom(p.Dst, p.DstPort).String()
	case p.HasICMP():
		return "icmp " + p.Src.String() + " > " + p.Dst.String() +
			" type " + strconv.Itoa(int(p.ICMPType)) + " code " + strconv.Itoa(int(p.ICMPCode))
	}
	return p.IPProto.String() + " " + p.Src.String() + " > " + p.Dst.String()
}
