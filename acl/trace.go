package acl

import (
	"fmt"

	"natlab/packet"
	"natlab/router"
)

// packet-tracer support: the access-group stages say which list, line and
// sequence number decide a packet, without counting the match or logging
// it (router.Tracer).

// Peek is Evaluate without counting: the verdict of the named list for p
// (first match, implicit deny), found false when no list has the name. It
// changes nothing, so packet-tracer can ask it.
func (a *ACLs) Peek(name string, p *packet.Parsed) (permit, found bool) {
	c := a.compiledList(name)
	if c == nil {
		return false, false
	}
	i := c.cls.lookup(p)
	return i >= 0 && c.cls.rules[i].Action == Permit, true
}

// Trace is Process's dry run: the list bound to the interface in the
// packet's direction, the entry that matches and its sequence number, or
// the implicit deny.
func (h accessGroup) Trace(p *router.Packet, t *router.TraceLog) router.Verdict {
	if p.In == nil {
		return router.Accept
	}
	s := h.a.snap.Load()
	lists, iface, dir := s.in, p.In, "in"
	if h.out {
		lists, iface, dir = s.out, p.Out, "out"
	}
	if iface == nil {
		return router.Accept
	}
	i := iface.Index()
	if i < 0 || i >= len(lists) || lists[i] == nil {
		return router.Accept
	}
	tb := lists[i]
	group := []string{"interface " + iface.Name(), fmt.Sprintf(" ip access-group %s %s", tb.name, dir)}
	if p.Mark&router.MarkPermit != 0 {
		t.Add(router.TracePhase{Type: "ACCESS-LIST", Subtype: "inspect", Config: group,
			Info: []string{"permitted before access-list " + tb.name + ": return traffic of an inspection session or an FTP data connection"}})
		return router.Accept
	}
	c := tb.published.Load()
	if c == nil {
		t.Add(router.TracePhase{Type: "ACCESS-LIST", Config: group,
			Info: []string{"access-list " + tb.name + " does not exist: every packet is permitted"}})
		return router.Accept
	}
	idx := c.cls.lookup(&p.P)
	if idx < 0 {
		t.Add(router.TracePhase{Type: "ACCESS-LIST", Result: router.ResultDrop,
			Config:     append(group, "Implicit Rule"),
			Info:       []string{fmt.Sprintf("no entry of access-list %s matches: implicit deny", tb.name)},
			Detail:     h.detail(t, c, -1),
			DropReason: router.DropACL})
		return h.denied(s, p)
	}
	r := &c.cls.rules[idx]
	seq := h.a.seqOf(c.name, r.stats)
	ph := router.TracePhase{Type: "ACCESS-LIST", Subtype: "log",
		Config: append(group, h.a.entryLine(c, r, seq)...),
		Info:   []string{fmt.Sprintf("%s IP access list %s: matched sequence %d: %s", c.kind.title(), c.name, seq, r.ShowText())},
		Detail: h.detail(t, c, idx)}
	if r.Action == Permit {
		t.Add(ph)
		return router.Accept
	}
	ph.Result, ph.DropReason = router.ResultDrop, router.DropACL
	t.Add(ph)
	return h.denied(s, p)
}

// denied is filter's verdict for a denied packet.
func (h accessGroup) denied(s *snapshot, p *router.Packet) router.Verdict {
	if i := p.In.Index(); i >= 0 && i < len(s.noUnreach) && s.noUnreach[i] {
		return router.Drop
	}
	return router.DropProhibited
}

// detail is what `detailed` adds: how many entries the list has and which
// one the classifier found.
func (h accessGroup) detail(t *router.TraceLog, c *compiled, idx int) []string {
	if !t.Detailed() {
		return nil
	}
	d := []string{fmt.Sprintf("list %s: %d entries, %d indexed in %d shape groups", c.name, len(c.cls.rules), c.cls.grouped, len(c.cls.main))}
	if idx < 0 {
		return append(d, "first match: none")
	}
	return append(d, fmt.Sprintf("first match: entry %d of %d", idx+1, len(c.cls.rules)))
}

// seqOf is the sequence number of the configured entry whose counters a
// compiled rule shares; 0 when the list changed meanwhile.
func (a *ACLs) seqOf(name string, st *stats) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if l := a.lists[name]; l != nil {
		for _, r := range l.Rules {
			if r.stats == st {
				return r.Seq
			}
		}
	}
	return 0
}

// entryLine is the running-config form of an entry: `access-list N ...`
// for a numbered list, the list's block line and its entry for a named one.
func (a *ACLs) entryLine(c *compiled, r *rule, seq int) []string {
	if _, numbered := NumberKind(c.name); numbered {
		return []string{fmt.Sprintf("access-list %s %s", c.name, r.ConfigText())}
	}
	return []string{fmt.Sprintf("ip access-list %s %s", c.kind, c.name), fmt.Sprintf(" %d %s", seq, r.ConfigText())}
}

// title is the kind as show access-lists spells it.
func (k Kind) title() string {
	if k == Extended {
		return "Extended"
	}
	return "Standard"
}
