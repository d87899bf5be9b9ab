package vty

import (
	"bytes"
	"net"
	"sync"
	"time"
)

// Telnet protocol bytes (RFC 854) and the options this server negotiates.
const (
	tnSE   = 240
	tnSB   = 250
	tnWILL = 251
	tnWONT = 252
	tnDO   = 253
	tnDONT = 254
	tnIAC  = 255

	optEcho = 1  // RFC 857
	optSGA  = 3  // RFC 858, suppress go-ahead
	optNAWS = 31 // RFC 1073, window size
)

// maxSub bounds a subnegotiation's data; longer ones are read to their end and dropped.
const maxSub = 64

// decoder takes the telnet commands out of the client's byte stream. It keeps its state between
// reads, so a command split over two reads decodes the same. CR NUL and CR LF become a lone CR
// (RFC 854: both are how a client sends Return), IAC IAC a data 255.
type decoder struct {
	state  uint8
	verb   byte
	sub    [maxSub]byte
	subLen int
	subBig bool
	lastCR bool
	// keepNewlines turns the Return handling off, for the stream a client receives (tests).
	keepNewlines bool
	// onOption is called for WILL, WONT, DO and DONT; onSub for a complete subnegotiation.
	onOption func(verb, opt byte)
	onSub    func(opt byte, data []byte)
}

const (
	stData uint8 = iota
	stIAC
	stVerb
	stSub
	stSubIAC
)

// decode removes the telnet commands from b in place and returns the length of the data left.
func (d *decoder) decode(b []byte) int {
	n := 0
	for _, c := range b {
		switch d.state {
		case stData:
			if c == tnIAC {
				d.state = stIAC
				continue
			}
			if d.lastCR && (c == 0 || c == '\n') && !d.keepNewlines {
				d.lastCR = false
				continue
			}
			d.lastCR = c == '\r'
			b[n] = c
			n++
		case stIAC:
			d.state = stData
			switch c {
			case tnIAC:
				d.lastCR = false
				b[n] = c
				n++
			case tnWILL, tnWONT, tnDO, tnDONT:
				d.verb, d.state = c, stVerb
			case tnSB:
				d.subLen, d.subBig, d.state = 0, false, stSub
			}
			// Other commands (NOP, GA, AYT, IP, BRK...) carry nothing for a vty and are dropped.
		case stVerb:
			d.state = stData
			if d.onOption != nil {
				d.onOption(d.verb, c)
			}
		case stSub:
			if c == tnIAC {
				d.state = stSubIAC
				continue
			}
			d.subByte(c)
		case stSubIAC:
			switch c {
			case tnIAC:
				d.subByte(c)
				d.state = stSub
			case tnSE:
				d.state = stData
				if d.subLen > 0 && !d.subBig && d.onSub != nil {
					d.onSub(d.sub[0], d.sub[1:d.subLen])
				}
			default:
				// IAC and anything but SE or IAC ends a malformed subnegotiation.
				d.state = stData
			}
		}
	}
	return n
}

func (d *decoder) subByte(c byte) {
	if d.subLen == maxSub {
		d.subBig = true
		return
	}
	d.sub[d.subLen] = c
	d.subLen++
}

// telnetConn is a vty client's connection seen as a raw character stream: reads have the telnet
// commands removed (and answered), writes have IAC escaped.
type telnetConn struct {
	c       net.Conn
	wmu     sync.Mutex
	dec     decoder
	will    [2]bool // echo, SGA offered
	doNAWS  bool
	refused [256]bool // options already refused, answered once
	resize  chan [2]int
}

func newTelnet(c net.Conn) *telnetConn {
	t := &telnetConn{c: c, resize: make(chan [2]int, 1)}
	t.dec.onOption = t.option
	t.dec.onSub = t.subneg
	return t
}

// negotiate offers what IOS offers: the server echoes and suppresses go-ahead (character at a time
// mode), and asks for the window size.
func (t *telnetConn) negotiate() error {
	t.will = [2]bool{true, true}
	t.doNAWS = true
	return t.send(tnIAC, tnWILL, optEcho, tnIAC, tnWILL, optSGA, tnIAC, tnDO, optNAWS)
}

// option answers the client's WILL/WONT/DO/DONT. Acknowledgements of what was offered get no
// answer; unknown options are refused once each, so two peers never loop (RFC 1143's point).
func (t *telnetConn) option(verb, opt byte) {
	switch verb {
	case tnDO:
		switch {
		case opt == optEcho && !t.will[0]:
			t.will[0] = true
			t.send(tnIAC, tnWILL, opt)
		case opt == optSGA && !t.will[1]:
			t.will[1] = true
			t.send(tnIAC, tnWILL, opt)
		case opt != optEcho && opt != optSGA && !t.refused[opt]:
			t.refused[opt] = true
			t.send(tnIAC, tnWONT, opt)
		}
	case tnWILL:
		switch {
		case opt == optNAWS && !t.doNAWS:
			t.doNAWS = true
			t.send(tnIAC, tnDO, opt)
		case opt != optNAWS && !t.refused[opt]:
			t.refused[opt] = true
			t.send(tnIAC, tnDONT, opt)
		}
	case tnDONT:
		switch {
		case opt == optEcho && t.will[0]:
			t.will[0] = false
			t.send(tnIAC, tnWONT, opt)
		case opt == optSGA && t.will[1]:
			t.will[1] = false
			t.send(tnIAC, tnWONT, opt)
		}
	case tnWONT:
		if opt == optNAWS && t.doNAWS {
			t.doNAWS = false
			t.send(tnIAC, tnDONT, opt)
		}
	}
}

// subneg takes the window size of NAWS: width and height, 16 bits each.
func (t *telnetConn) subneg(opt byte, data []byte) {
	if opt != optNAWS || len(data) != 4 {
		return
	}
	cols := int(data[0])<<8 | int(data[1])
	rows := int(data[2])<<8 | int(data[3])
	// The newest size replaces one not taken yet.
	select {
	case <-t.resize:
	default:
	}
	t.resize <- [2]int{rows, cols}
}

// Read returns the client's data bytes, without telnet commands.
func (t *telnetConn) Read(b []byte) (int, error) {
	for {
		n, err := t.c.Read(b)
		n = t.dec.decode(b[:n])
		if n > 0 || err != nil {
			return n, err
		}
	}
}

// Write sends screen bytes, a data 255 doubled.
func (t *telnetConn) Write(b []byte) (int, error) {
	out := b
	if bytes.IndexByte(b, tnIAC) >= 0 {
		out = bytes.ReplaceAll(b, []byte{tnIAC}, []byte{tnIAC, tnIAC})
	}
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if _, err := t.c.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// SetWriteDeadline bounds the next writes, as the console's screen asks.
func (t *telnetConn) SetWriteDeadline(d time.Time) error { return t.c.SetWriteDeadline(d) }

func (t *telnetConn) send(b ...byte) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	t.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err := t.c.Write(b)
	return err
}

func (t *telnetConn) Close() error { return t.c.Close() }
