package ftpinspect

// An edit is one rewrite in a direction's byte stream: the original bytes
// [seq, seq+olen) in the sender's sequence space were replaced by text.
// The edit keeps the replacement itself, not only its length, so that a
// retransmission of the rewritten range, however late and however it is
// cut into segments, leaves the router byte-identical to the first copy.
type edit struct {
	seq   uint32
	olen  uint8
	nlen  uint8
	text  [maxNumbersLen]byte
	after int32 // cumulative length change for bytes after this edit
	// hole is the pinhole the rewritten line opened, valid while its
	// generation is still gen (pinholes are recycled).
	hole *expectation
	gen  uint32
}

func (e *edit) end() uint32 { return e.seq + uint32(e.olen) }

// maxEdits bounds the unacknowledged rewrites kept per direction. More than
// this many rewritten lines in flight is not FTP: a further line that
// needs a rewrite passes unrewritten, opens no pinhole and is logged
// (EvNotRewritable) until acknowledgments free a slot.
const maxEdits = 8

// seqAdj is the per-direction list of edits (in stream order) and the
// mapping between the sender's sequence space ("original") and the
// receiver's ("output"). Unlike nf_conntrack_seqadj, which remembers only
// the last change, it keeps every edit the peer has not acknowledged, so a
// retransmission from before a later edit is still mapped and rewritten
// correctly.
type seqAdj struct {
	edits [maxEdits]edit
	n     int
	// base is the length change of the edits already pruned (acknowledged);
	// it applies to every byte after them.
	base int32
	// touched lists the edits the last image rebuilt (retransmissions),
	// whose pinholes the caller refreshes.
	touched  [maxEdits]*edit
	ntouched int
	// acked is the highest acknowledgment from the receiver (original space), valid when hasAcked.
	// Acknowledged edits are kept until their slot is needed: the receiver's ACK may still be lost on
	// its way to the sender, whose retransmission of the rewritten line must come out rewritten again.
	acked    uint32
	hasAcked bool
}

// Serial-number comparisons (RFC 1982) for 32-bit sequence numbers.
func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqGE(a, b uint32) bool { return int32(a-b) >= 0 }

// deltaBefore is the length change in effect for bytes before edit i.
func (s *seqAdj) deltaBefore(i int) int32 {
	if i == 0 {
		return s.base
	}
	return s.edits[i-1].after
}

// outSeq maps an original sequence number that is not inside an edit to
// the output space. A number inside an edit maps to the edit's output
// start (callers expand segments to whole edits, so this only happens for
// zero-length segments).
func (s *seqAdj) outSeq(x uint32) uint32 {
	d := s.base
	for i := 0; i < s.n; i++ {
		e := &s.edits[i]
		if seqLE(e.end(), x) {
			d = e.after
			continue
		}
		if seqGT(x, e.seq) {
			return e.seq + uint32(s.deltaBefore(i))
		}
		break
	}
	return x + uint32(d)
}

// inSeq maps an output sequence number (an acknowledgment or SACK edge
// from the receiver) back to the original space. A number inside an
// edit's replacement text maps to the edit's start: the receiver holds
// only part of the rewritten text, so the sender must resend all of it
// (and the retransmission is rewritten whole again).
func (s *seqAdj) inSeq(y uint32) uint32 {
	d := s.base
	for i := 0; i < s.n; i++ {
		e := &s.edits[i]
		start := e.seq + uint32(s.deltaBefore(i))
		if seqGE(y, start+uint32(e.nlen)) {
			d = e.after
			continue
		}
		if seqGT(y, start) {
			return e.seq
		}
		break
	}
	return y - uint32(d)
}

// add records an edit after all existing ones; false when the list is full of edits the receiver has
// not acknowledged.
func (s *seqAdj) add(seq uint32, olen int, text []byte) bool {
	if s.n == maxEdits {
		s.dropAcked()
	}
	if s.n == maxEdits {
		return false
	}
	e := &s.edits[s.n]
	*e = edit{seq: seq, olen: uint8(olen), nlen: uint8(len(text))}
	copy(e.text[:], text)
	e.after = s.deltaBefore(s.n) + int32(len(text)) - int32(olen)
	s.n++
	return true
}

// prune notes that the receiver has acknowledged up to ack (original space). The edits before it are
// dropped only when their slots are needed (dropAcked): the sender retransmits them if this ACK is lost
// on its way, however late.
func (s *seqAdj) prune(ack uint32) {
	if !s.hasAcked || seqGT(ack, s.acked) {
		s.acked, s.hasAcked = ack, true
	}
}

// dropAcked drops the edits that end at or before the receiver's acknowledgment.
func (s *seqAdj) dropAcked() {
	if !s.hasAcked {
		return
	}
	k := 0
	for k < s.n && seqLE(s.edits[k].end(), s.acked) {
		k++
	}
	if k == 0 {
		return
	}
	s.base = s.edits[k-1].after
	copy(s.edits[:], s.edits[k:s.n])
	for i := s.n - k; i < s.n; i++ {
		s.edits[i] = edit{} // no stale pinhole pointers
	}
	s.n -= k
}

// image appends to dst the output bytes for original bytes p at seq
// start, all of which have been emitted before (a retransmission): edits
// are substituted, and a segment edge that cuts an edit is widened to the
// whole edit. It returns dst and the original sequence number that the
// output begins at.
func (s *seqAdj) image(dst []byte, start uint32, p []byte) ([]byte, uint32) {
	end := start + uint32(len(p))
	pos := start
	from := start
	for i := 0; i < s.n; i++ {
		e := &s.edits[i]
		if seqLE(e.end(), pos) {
			continue
		}
		if seqGE(e.seq, end) {
			break
		}
		if seqLT(e.seq, pos) { // the segment starts inside this edit
			from = e.seq
		} else {
			dst = append(dst, p[pos-start:e.seq-start]...)
		}
		dst = append(dst, e.text[:e.nlen]...)
		if e.hole != nil && s.ntouched < len(s.touched) {
			s.touched[s.ntouched] = e
			s.ntouched++
		}
		pos = e.end()
	}
	if seqLT(pos, end) {
		dst = append(dst, p[pos-start:]...)
	}
	return dst, from
}
