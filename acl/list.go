package acl

import (
	"errors"
	"slices"
	"strconv"
)

// MaxSeq is the largest sequence number (`<1-2147483647>`).
const MaxSeq = 2147483647

// Rule is one configured entry with its sequence number and the remarks
// typed before it.
type Rule struct {
	Seq     int
	Remarks []string
	Entry   Entry
	stats   *stats
}

// Matches is the entry's hit counter.
func (r *Rule) Matches() uint64 { return r.stats.matches.Load() }

// List is one configured access-list.
type List struct {
	Name  string
	Kind  Kind
	Rules []*Rule // ascending Seq
	// Trailing holds remarks typed after the last entry; they attach to
	// the next appended entry, as IOS keeps a remark before what follows.
	Trailing []string
	// entries of an extended list, which holds each entry once: adding
	// one then costs the same whatever the size of the list.
	entries map[Entry]bool
}

// Numbered reports whether the list is a numbered one (a name that is a
// list number), rendered as `access-list N` lines.
func (l *List) Numbered() bool {
	_, ok := NumberKind(l.Name)
	return ok
}

// NumberKind tells the kind of a numbered list: 1-99 and 1300-1999 are
// standard, 100-199 and 2000-2699 extended; ok=false for anything else.
func NumberKind(name string) (Kind, bool) {
	if name == "" || name[0] < '1' || name[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(name)
	if err != nil {
		return 0, false
	}
	switch {
	case n >= 1 && n <= 99, n >= 1300 && n <= 1999:
		return Standard, true
	case n >= 100 && n <= 199, n >= 2000 && n <= 2699:
		return Extended, true
	}
	return 0, false
}

// Errors with IOS texts.
var (
	ErrDuplicateSeq = errors.New("% Duplicate sequence number")
	ErrSeqOverflow  = errors.New("% Sequence number out of range")
)

// CoveredError is IOS 15's refusal of a standard entry that an earlier
// entry already covers.
type CoveredError struct{ Seq int }

func (e *CoveredError) Error() string {
	return "% Access rule can't be configured at higher sequence num as it is part of the existing rule at sequence num " + strconv.Itoa(e.Seq)
}

// KindError is the refusal to reuse a name for a list of the other kind.
type KindError struct{ Existing Kind }

func (e *KindError) Error() string {
	return "% A named " + e.Existing.String() + " IP access list with this name already exists"
}

func (l *List) find(seq int) int {
	i, ok := slices.BinarySearchFunc(l.Rules, seq, func(r *Rule, s int) int { return r.Seq - s })
	if !ok {
		return -1
	}
	return i
}

// add inserts e at seq (0: after the last entry, +10). Standard entries
// covered by an earlier one are refused as IOS 15 does; an extended entry
// identical to an existing one is accepted silently and not added again.
func (l *List) add(seq int, e Entry) (effect, error) {
	if seq == 0 {
		seq = 10
		if n := len(l.Rules); n > 0 {
			seq = l.Rules[n-1].Seq + 10
		}
		if seq > MaxSeq {
			return entriesKept, ErrSeqOverflow
		}
	} else if l.find(seq) >= 0 {
		return entriesKept, ErrDuplicateSeq
	}
	switch l.Kind {
	case Standard:
		for _, r := range l.Rules {
			if r.Seq < seq && r.Entry.Src.covers(e.Src) {
				return entriesKept, &CoveredError{r.Seq}
			}
		}
	case Extended:
		if l.entries[e] {
			return entriesKept, nil
		}
		if l.entries == nil {
			l.entries = map[Entry]bool{}
		}
		l.entries[e] = true
	}
	r := &Rule{Seq: seq, Entry: e, stats: &stats{}}
	i, _ := slices.BinarySearchFunc(l.Rules, seq, func(r *Rule, s int) int { return r.Seq - s })
	l.Rules = slices.Insert(l.Rules, i, r)
	if i < len(l.Rules)-1 {
		return entriesRewritten, nil
	}
	r.Remarks, l.Trailing = l.Trailing, nil
	return entryAppended, nil
}

func (l *List) remark(text string) { l.Trailing = append(l.Trailing, text) }

// removeRemark deletes the first remark with this text.
func (l *List) removeRemark(text string) {
	if i := slices.Index(l.Trailing, text); i >= 0 {
		l.Trailing = slices.Delete(l.Trailing, i, i+1)
		return
	}
	for _, r := range l.Rules {
		if i := slices.Index(r.Remarks, text); i >= 0 {
			r.Remarks = slices.Delete(r.Remarks, i, i+1)
			return
		}
	}
}

// removeSeq deletes the entry with this sequence number (and its remarks).
func (l *List) removeSeq(seq int) bool {
	i := l.find(seq)
	if i < 0 {
		return false
	}
	delete(l.entries, l.Rules[i].Entry)
	l.Rules = slices.Delete(l.Rules, i, i+1)
	return true
}

// removeEntry deletes the first entry equal to e.
func (l *List) removeEntry(e Entry) bool {
	for _, r := range l.Rules {
		if r.Entry == e {
			return l.removeSeq(r.Seq)
		}
	}
	return false
}

// resequence renumbers the entries start, start+step, ...
func (l *List) resequence(start, step int) error {
	if n := len(l.Rules); n > 0 && start+(n-1)*step > MaxSeq {
		return ErrSeqOverflow
	}
	for i, r := range l.Rules {
		r.Seq = start + i*step
	}
	return nil
}
