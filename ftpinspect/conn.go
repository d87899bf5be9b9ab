package ftpinspect

import (
	"bytes"
	"net/netip"
	"time"

	"natlab/packet"
)

// Directions of a control connection.
const (
	dirClient = 0 // client to server: commands
	dirServer = 1 // server to client: replies
)

// maxPending bounds the queue of commands awaiting their reply (clients
// may pipeline a few; a longer queue only loses pairing, which fails safe:
// an unpaired 227 opens nothing).
const maxPending = 8

type pendingCmd struct {
	v    verb
	hole *expectation // the pinhole a PORT/EPRT opened, until its reply
}

// conn is one inspected FTP control connection.
type conn struct {
	in  *Inspector
	key packet.Tuple // client to server, in the inside (local) view
	h   [2]half

	cmds  [maxPending]pendingCmd
	ncmd  int
	multi int // code of an open multi-line reply, 0 if none
	tls   bool

	holes []*expectation // pending pinholes, oldest first (cap = per-connection cap)

	expires   int64
	idle      time.Duration
	created   int64
	lastHeard int64
	id        uint32
	inspect   bool // pinholes (CBAC); otherwise NAT payload fixup only
	fin       [2]bool
	text      [maxNumbersLen]byte // replacement text scratch
}

// flow is the connection as the sender in direction dir sees it: the
// sender is Src.
func (c *conn) flow(dir int) packet.Tuple {
	if dir == dirClient {
		return c.key
	}
	return c.key.Reverse()
}

func (c *conn) push(v verb, hole *expectation) {
	if c.ncmd == maxPending {
		copy(c.cmds[:], c.cmds[1:])
		c.ncmd--
	}
	c.cmds[c.ncmd] = pendingCmd{v, hole}
	c.ncmd++
}

func (c *conn) head() verb {
	if c.ncmd == 0 {
		return verbNone
	}
	return c.cmds[0].v
}

func (c *conn) pop() pendingCmd {
	if c.ncmd == 0 {
		return pendingCmd{}
	}
	p := c.cmds[0]
	copy(c.cmds[:], c.cmds[1:c.ncmd])
	c.ncmd--
	c.cmds[c.ncmd] = pendingCmd{}
	return p
}

// dropHole forgets x in the owner's list (the table already unlinked it)
// and in the pending commands.
func (c *conn) dropHole(x *expectation) {
	for i, h := range c.holes {
		if h == x {
			copy(c.holes[i:], c.holes[i+1:])
			c.holes[len(c.holes)-1] = nil
			c.holes = c.holes[:len(c.holes)-1]
			break
		}
	}
	for i := 0; i < c.ncmd; i++ {
		if c.cmds[i].hole == x {
			c.cmds[i].hole = nil
		}
	}
}

// candidate implements lineHandler.
func (c *conn) candidate(dir int, prefix []byte) bool {
	if dir == dirClient {
		v := verbOf(prefix)
		return v == verbPORT || v == verbEPRT
	}
	code, final := replyCode(prefix)
	if !final || (c.multi != 0 && code != c.multi) {
		return false
	}
	switch code {
	case 227:
		return c.head() == verbPASV
	case 229:
		return c.head() == verbEPSV
	}
	return false
}

// complete implements lineHandler: command/reply pairing, validation,
// NAT mapping, pinholes and the rewrite.
func (c *conn) complete(dir int, line []byte, seq uint32, held bool, holdOff int) (int, int, []byte, *expectation, bool) {
	in := c.in
	if dir == dirClient {
		v := verbOf(line)
		in.debugCmd(c, dir, line)
		if code, final := replyCode(line); final && (code == 227 || code == 229) {
			in.event(c, Event{Kind: EvSpoofedReply, What: string(line[:3])})
		}
		switch v {
		case verbNone:
			return 0, 0, nil, nil, false
		case verbPORT, verbEPRT:
			a, err := Parse(line, true)
			if err != nil {
				in.stats.Malformed++
				in.event(c, Event{Kind: EvMalformed, What: v.String(), Err: err})
				c.push(v, nil)
				return 0, 0, nil, nil, false
			}
			s, e, text, hole, ok := c.announce(dir, a, held)
			c.push(v, hole)
			return s, e, text, hole, ok
		case verbREIN:
			for c.ncmd > 0 {
				c.pop()
			}
		case verbLPRT, verbLPSV:
			in.event(c, Event{Kind: EvUnsupported, What: v.String()})
		}
		c.push(v, nil)
		return 0, 0, nil, nil, false
	}

	code, final := replyCode(line)
	if c.multi != 0 {
		if !final || code != c.multi {
			return 0, 0, nil, nil, false // inside a multi-line reply: text only
		}
		c.multi = 0
	} else if code != 0 && !final {
		c.multi = code
		return 0, 0, nil, nil, false
	}
	if code == 0 {
		if v := verbOf(line); v == verbPORT || v == verbEPRT {
			in.event(c, Event{Kind: EvSpoofedCommand, What: v.String()})
		}
		return 0, 0, nil, nil, false
	}
	if code < 200 {
		return 0, 0, nil, nil, false // preliminary: the command is still pending
	}
	cmd := c.pop()
	switch {
	case code == 227 || code == 229:
		in.debugCmd(c, dir, line)
		want := verbPASV
		if code == 229 {
			want = verbEPSV
		}
		if cmd.v != want {
			in.stats.Unpaired++
			in.event(c, Event{Kind: EvUnpairedReply, What: string(line[:3])})
			return 0, 0, nil, nil, false
		}
		a, err := Parse(line, false)
		if err != nil {
			in.stats.Malformed++
			in.event(c, Event{Kind: EvMalformed, What: string(line[:3]), Err: err})
			return 0, 0, nil, nil, false
		}
		return c.announce(dir, a, held)
	case code == 234 && cmd.v == verbAUTH:
		c.tls = true
		c.h[dirServer].enterTLS()
		c.h[dirClient].enterTLS()
		in.event(c, Event{Kind: EvTLS, What: "AUTH"})
	case cmd.hole != nil && code >= 400:
		// The server refused the PORT/EPRT (EPSV ALL, a bounce check):
		// nothing will connect, so close the pinhole now.
		in.removeHole(cmd.hole)
	}
	return 0, 0, nil, nil, false
}

// announce validates a parsed endpoint, maps it through NAT, opens its
// pinhole and returns the rewrite of the line's numbers, if any.
func (c *conn) announce(dir int, a Announcement, held bool) (int, int, []byte, *expectation, bool) {
	in := c.in
	f := c.flow(dir)
	sender, peer := f.SrcAddr(), f.DstAddr()
	what := a.Kind.String()
	if a.Kind == Kind229 {
		a.Addr = sender
	}
	in.debugTokens(c, dir, &a)

	var nat Translator = in.cfg.NAT
	senderG, translated := sender, false
	if nat != nil {
		if g, ok := nat.Global(f); ok {
			senderG, translated = g, true
		}
	}
	if a.Addr != sender && !(translated && a.Addr == senderG) {
		in.stats.Refused++
		in.event(c, Event{Kind: EvAddressMismatch, What: what, Addr: a.Addr, Port: a.Port})
		return 0, 0, nil, nil, false
	}
	if a.Port < 1024 {
		in.stats.Refused++
		in.event(c, Event{Kind: EvPrivilegedPort, What: what, Addr: a.Addr, Port: a.Port})
		return 0, 0, nil, nil, false
	}
	peerG := peer
	if nat != nil {
		if g, ok := nat.Global(f.Reverse()); ok {
			peerG = g
		}
	}
	local := netip.AddrPortFrom(sender, a.Port)
	global := local
	m := DataMapping{Ctrl: f, Local: local, Peer: peerG, Hold: in.cfg.PinholeTimeout}
	if translated {
		g, err := nat.MapData(m)
		if err != nil {
			in.stats.NATFailures++
			in.event(c, Event{Kind: EvNATFailure, What: what, Addr: a.Addr, Port: a.Port, Err: err})
			return 0, 0, nil, nil, false
		}
		global = g
	}
	text := AppendNumbers(c.text[:0], a.Kind, global.Addr(), global.Port(), a.Delim)
	rewrite := !bytes.Equal(text, lineNumbers(&a, c, dir))
	if rewrite && !held {
		in.stats.NotRewritten++
		in.event(c, Event{Kind: EvNotRewritable, What: what, Addr: a.Addr, Port: a.Port})
		if translated {
			nat.UnmapData(m, global)
		}
		return 0, 0, nil, nil, false
	}
	if !c.inspect {
		// NAT's payload fixup without inspection: rewritten, no pinhole
		// (NAT's own mapping admits the data connection; ACLs decide).
		if !rewrite {
			return 0, 0, nil, nil, false
		}
		in.rewrote(c, dir, &a, global, text)
		return a.Start, a.End, text, nil, true
	}
	x := in.newExpectation()
	*x = expectation{
		owner: c, kind: a.Kind, gen: x.gen,
		keys:   holeKeys(holeTuple(peer, local), holeTuple(peerG, global)),
		mapped: translated, m: m,
	}
	if !in.addHole(c, x) {
		if translated {
			nat.UnmapData(m, global)
		}
		in.event(c, Event{Kind: EvTableFull, What: what, Addr: global.Addr(), Port: global.Port()})
		return 0, 0, nil, nil, false
	}
	if !rewrite {
		return 0, 0, nil, x, false
	}
	in.rewrote(c, dir, &a, global, text)
	return a.Start, a.End, text, x, true
}

// lineNumbers returns the numbers substring of the line being completed
// in direction dir (it is still in the stream's line buffer).
func lineNumbers(a *Announcement, c *conn, dir int) []byte {
	h := &c.h[dir]
	if a.End > maxLine || a.End > h.lineLen {
		return nil
	}
	return h.line[a.Start:a.End]
}
