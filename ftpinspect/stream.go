package ftpinspect

import "bytes"

// maxLine bounds the line assembler: a control line longer than this is
// passed through unparsed (RFC 959 lines are far shorter; the bound keeps
// per-connection memory fixed).
const maxLine = 512

// lineHandler is what a direction's stream asks about its lines: the
// connection, which knows the pairing and both directions' state.
type lineHandler interface {
	// candidate reports whether a line beginning with prefix may have to
	// be rewritten; the stream then holds its numbers back until the line
	// is complete. It is asked once per line, at the first digit after the
	// verb or reply code.
	candidate(dir int, prefix []byte) bool
	// complete handles one whole line (without its line end) that starts
	// at original sequence number seq. held says whether a rewrite is
	// still possible: the line's numbers were held back (from
	// line[holdOff]) and the edit list has room. It returns the replacement of line[start:end], or ok=false.
	// hole is the pinhole the line opened (a retransmission of the
	// rewritten line refreshes it).
	complete(dir int, line []byte, seq uint32, held bool, holdOff int) (start, end int, text []byte, hole *expectation, ok bool)
}

// streamMode says how a direction's bytes are read.
type streamMode uint8

const (
	modeLines streamMode = iota // FTP control lines
	modeTLS                     // TLS records after AUTH + 234: not parsed
)

// half is one direction of a control connection: the sender's byte
// stream as the router has seen and passed it on.
//
// Sequence numbers are in the sender's space. Invariants while synced:
// emitted <= next; every byte before emitted has been passed on (rewritten
// where an edit says so); the bytes [emitted, next) are held back in line
// and belong to the current, incomplete line.
type half struct {
	synced  bool
	first   uint32 // sequence number of the first byte tracked (byte counts)
	emitted uint32
	next    uint32

	lineSeq uint32 // sequence number of the current line's first byte
	lineLen int    // bytes of the current line so far (may exceed maxLine)
	line    [maxLine]byte
	cls     uint8 // clsUnknown, clsPlain, clsCandidate for the current line
	holding bool
	holdOff int     // line offset where holding began
	giveup  bool    // current line is not parsed (too long, released)
	pre     [8]byte // scratch: the start of a line, for mayGrow
	// released is set when held bytes were passed on unparsed; segment
	// reports and clears it.
	released bool

	mode       streamMode
	tlsPending bool // switch to TLS after the current line
	tls        tlsState

	adj seqAdj
}

const (
	clsUnknown uint8 = iota
	clsPlain
	clsCandidate
)

// tlsState frames TLS records (RFC 8446 §5.1: type, version, length) so
// the stream knows where records end. After an alert record (close_notify
// before CCC's clear text, RFC 4217 §12.3), bytes at a record boundary that
// are not a TLS record header mean the channel is clear again.
type tlsState struct {
	hdr    [5]byte
	hdrN   int
	remain int
	alert  bool
}

// sync starts tracking at seq, a line start (after the SYN, or after a
// line end seen when picking up a connection already in progress).
func (h *half) sync(seq uint32) {
	h.synced = true
	h.first = seq
	h.emitted, h.next = seq, seq
	h.resetLine(seq)
}

func (h *half) resetLine(seq uint32) {
	h.lineSeq, h.lineLen, h.cls = seq, 0, clsUnknown
	h.holding, h.holdOff, h.giveup = false, 0, false
}

func (h *half) enterTLS() {
	if h.holding || h.lineLen > 0 {
		h.tlsPending = true
		return
	}
	h.mode, h.tls = modeTLS, tlsState{}
}

// sent is how many stream bytes the sender has sent since tracking began.
func (h *half) sent() uint64 {
	if !h.synced {
		return 0
	}
	return uint64(h.next - h.first)
}

// segResult is what segment decided for one TCP segment of this direction.
type segResult struct {
	out  []byte // output payload
	from uint32 // original sequence number the output payload starts at
	// drop: the segment is beyond a gap (future data); the sender
	// retransmits it once the gap is filled.
	drop bool
	// finOK: a FIN on the segment may be passed on (all its data was
	// consumed and nothing is held back).
	finOK bool
	// released: held bytes were passed on unparsed (a retransmission of
	// held data, or the stream ended mid-line).
	released bool
}

// segment runs one segment's payload p (at original sequence number seq)
// through the stream and appends the output payload to out. room bounds
// the output payload; data that does not fit is not consumed (the segment
// is cut short and the sender resends the rest).
func (h *half) segment(seq uint32, p []byte, fin bool, out []byte, room int, lh lineHandler, dir int) segResult {
	if !h.synced {
		// Picked up mid-stream: we do not know where lines start, so pass
		// everything until a segment ends a line. No edits exist yet.
		if len(p) > 0 && p[len(p)-1] == '\n' {
			h.sync(seq + uint32(len(p)))
		}
		return segResult{out: append(out, p...), from: seq, finOK: true}
	}
	end := seq + uint32(len(p))
	if len(p) == 0 && !fin {
		from := seq
		if h.holding && seqGE(seq, h.emitted) {
			from = h.emitted
		}
		return segResult{out: out, from: from, finOK: true}
	}
	if seqLE(end, h.emitted) {
		// A retransmission of bytes already passed on.
		o, from := h.adj.image(out, seq, p)
		return segResult{out: o, from: from, finOK: true}
	}
	if seqGT(seq, h.next) {
		return segResult{drop: true}
	}
	r := segResult{out: out, from: h.emitted}
	if seqLT(seq, h.emitted) {
		r.out, r.from = h.adj.image(r.out, seq, p[:h.emitted-seq])
	}
	newOff := 0
	if seqLT(seq, h.next) {
		newOff = min(int(h.next-seq), len(p))
	}
	if newOff == len(p) {
		if len(p) > 0 && h.holding {
			// The sender is resending bytes we hold: it got no ACK for them
			// and may never send the rest of the line. Pass the held bytes
			// on unrewritten rather than stall the connection.
			r.out = h.release(r.out)
		}
	} else {
		var consumed int
		r.out, consumed = h.feed(p[newOff:], r.out, room, lh, dir)
		if newOff+consumed < len(p) {
			r.released, h.released = h.released, false
			return r // cut short: no FIN
		}
	}
	if fin && h.holding {
		r.out = h.release(r.out)
	}
	r.released, h.released = h.released, false
	r.finOK = true
	return r
}

// release passes the held bytes on as they are and stops parsing the line.
func (h *half) release(out []byte) []byte {
	out = append(out, h.line[h.holdOff:min(h.lineLen, maxLine)]...)
	h.emitted = h.next
	h.holding, h.giveup = false, true
	h.released = true
	return out
}

// feed consumes new bytes p (starting at h.next) and appends what may be
// passed on to out. It returns how many bytes of p it consumed.
func (h *half) feed(p []byte, out []byte, room int, lh lineHandler, dir int) ([]byte, int) {
	consumed := 0
	for consumed < len(p) {
		rest := p[consumed:]
		if h.mode == modeTLS {
			n := h.tlsFeed(rest)
			out = append(out, rest[:n]...)
			h.next += uint32(n)
			h.emitted = h.next
			consumed += n
			continue
		}
		chunk := rest
		nl := bytes.IndexByte(rest, '\n')
		if nl >= 0 {
			chunk = rest[:nl+1]
		}
		// Room for this line's bytes, the held ones emitted with it, and
		// the growth of a rewrite when the line completes and may have one.
		held := 0
		if h.holding {
			held = h.lineLen - h.holdOff
		}
		need := len(chunk) + held
		if nl >= 0 && h.mayGrow(chunk, lh, dir) {
			need += maxNumbersLen
		}
		if len(out)+need > room && consumed == 0 && h.holding && nl >= 0 && held+len(chunk)+maxNumbersLen > room {
			// This line can never leave whole with its rewrite (a tiny
			// MaxPacket): pass it on as it is rather than stall.
			out = h.release(out)
			held, need = 0, len(chunk)
		}
		if len(out)+need > room {
			if consumed > 0 {
				break
			}
			// The first chunk alone does not fit: take part of the line
			// (a partial line never grows now; its numbers stay held).
			k := room - len(out)
			if k <= 0 {
				if len(out) > 0 {
					break
				}
				k = 1
			}
			if k < len(chunk) {
				chunk, nl = chunk[:k], -1
			}
		}
		out = h.chunk(chunk, out, lh, dir)
		consumed += len(chunk)
		if nl >= 0 && len(chunk) == nl+1 {
			out = h.endLine(out, lh, dir)
		}
	}
	return out, consumed
}

// mayGrow reports whether the current line, completed by chunk, may be
// rewritten (and so grow): it is held, or its start says it is a
// candidate.
func (h *half) mayGrow(chunk []byte, lh lineHandler, dir int) bool {
	switch {
	case h.giveup || h.cls == clsPlain:
		return false
	case h.holding || h.cls == clsCandidate:
		return true
	}
	n := copy(h.pre[:], h.line[:min(h.lineLen, maxLine)])
	n += copy(h.pre[n:], chunk)
	return lh.candidate(dir, h.pre[:n])
}

// chunk takes bytes of the current line (a line end only as the last byte).
func (h *half) chunk(c []byte, out []byte, lh lineHandler, dir int) []byte {
	base := h.lineLen
	if !h.giveup {
		if base+len(c) > maxLine {
			// Too long to parse: pass everything on, held bytes first.
			if h.holding {
				out = h.release(out)
			}
			h.giveup = true
		} else {
			copy(h.line[base:], c)
		}
	}
	h.lineLen += len(c)
	h.next += uint32(len(c))
	if h.holding {
		return out
	}
	if !h.giveup && h.cls != clsPlain {
		for i, b := range c {
			if base+i < 4 || !isDigit(b) {
				continue
			}
			if h.cls == clsUnknown {
				h.cls = clsPlain
				if lh.candidate(dir, h.line[:base+i]) {
					h.cls = clsCandidate
				}
			}
			if h.cls == clsCandidate {
				out = append(out, c[:i]...)
				h.holding, h.holdOff = true, base+i
				h.emitted = h.lineSeq + uint32(base+i)
				return out
			}
			break
		}
	}
	h.emitted = h.next
	return append(out, c...)
}

// endLine hands the completed line to the connection, emits the held part
// (rewritten if the connection says so) and starts the next line.
func (h *half) endLine(out []byte, lh lineHandler, dir int) []byte {
	if !h.giveup {
		line := h.line[:h.lineLen-1]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		// A rewrite needs the numbers held back and a free edit slot (acknowledged edits give theirs up).
		if h.adj.n == maxEdits {
			h.adj.dropAcked()
		}
		rewritable := h.holding && h.adj.n < maxEdits
		start, end, text, hole, ok := lh.complete(dir, line, h.lineSeq, rewritable, h.holdOff)
		if h.holding {
			held := h.line[h.holdOff:h.lineLen]
			if ok && rewritable && start >= h.holdOff && end >= start && end <= len(line) &&
				!bytes.Equal(line[start:end], text) {
				h.adj.add(h.lineSeq+uint32(start), end-start, text)
				if hole != nil {
					e := &h.adj.edits[h.adj.n-1]
					e.hole, e.gen = hole, hole.gen
				}
				out = append(out, h.line[h.holdOff:start]...)
				out = append(out, text...)
				out = append(out, h.line[end:h.lineLen]...)
			} else {
				out = append(out, held...)
			}
		}
	}
	h.emitted = h.next
	h.resetLine(h.next)
	if h.tlsPending {
		h.tlsPending = false
		h.mode, h.tls = modeTLS, tlsState{}
	}
	return out
}

// tlsFeed walks TLS record framing over p and returns how many bytes it
// took; it stops early (n < len(p)) when the clear text resumes.
func (h *half) tlsFeed(p []byte) int {
	t := &h.tls
	n := 0
	for n < len(p) {
		if t.remain > 0 {
			k := min(t.remain, len(p)-n)
			t.remain -= k
			n += k
			continue
		}
		if t.hdrN == 0 && t.alert && (p[n] < 20 || p[n] > 23) {
			// Not a record header after an alert: clear text again (CCC).
			h.mode, h.tls = modeLines, tlsState{}
			h.resetLine(h.next + uint32(n))
			return n
		}
		t.hdr[t.hdrN] = p[n]
		t.hdrN++
		n++
		if t.hdrN == 5 {
			if t.hdr[0] == 21 {
				t.alert = true
			}
			t.remain = int(t.hdr[3])<<8 | int(t.hdr[4])
			t.hdrN = 0
		}
	}
	return n
}
