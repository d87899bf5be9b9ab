package acl

import (
	"fmt"
	"io"
	"strings"
)

// listView is one list as show prints it, read under one hold of the
// lock for the text and the JSON form.
type listView struct {
	name, suffix string
	kind         Kind
	rules        []ruleView
}

type ruleView struct {
	seq     int
	entry   Entry
	matches uint64
}

// listViews reads the lists show access-lists prints (all when name is "").
func (a *ACLs) listViews(name string) []listView {
	names := a.Lists()
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []listView
	for _, n := range names {
		if name == "" || n == name {
			out = a.appendView(out, n, "")
		}
	}
	return out
}

func (a *ACLs) interfaceViews(ifname string, in, out bool) []listView {
	gin, gout := a.AccessGroups(ifname)
	a.mu.Lock()
	defer a.mu.Unlock()
	var views []listView
	if in && gin != "" {
		views = a.appendView(views, gin, " in")
	}
	if out && gout != "" {
		views = a.appendView(views, gout, " out")
	}
	return views
}

// appendView adds list name if it exists. Caller holds mu.
func (a *ACLs) appendView(out []listView, name, suffix string) []listView {
	l := a.lists[name]
	if l == nil {
		return out
	}
	v := listView{name: name, suffix: suffix, kind: l.Kind, rules: make([]ruleView, 0, len(l.Rules))}
	for _, r := range l.Rules {
		v.rules = append(v.rules, ruleView{int(r.Seq), r.Entry, r.Matches()})
	}
	return append(out, v)
}

func writeLists(w io.Writer, views []listView) {
	var b strings.Builder
	for _, v := range views {
		kind := "Standard"
		if v.kind == Extended {
			kind = "Extended"
		}
		fmt.Fprintf(&b, "%s IP access list %s%s\n", kind, v.name, v.suffix)
		for _, r := range v.rules {
			fmt.Fprintf(&b, "    %d %s%s\n", r.seq, r.entry.ShowText(), matchesText(r.matches))
		}
	}
	io.WriteString(w, b.String())
}

func matchesText(n uint64) string {
	switch n {
	case 0:
		return ""
	case 1:
		return " (1 match)"
	}
	return fmt.Sprintf(" (%d matches)", n)
}

// renderNamed writes the `ip access-list standard|extended NAME` blocks of
// the running-config: standard lists, then extended, without sequence
// numbers (classic IOS 15 keeps them out of the configuration).
func (a *ACLs) renderNamed(w io.Writer) {
	var b strings.Builder
	for _, n := range a.Lists() {
		a.mu.Lock()
		l := a.lists[n]
		if l != nil && !l.Numbered() {
			fmt.Fprintf(&b, "ip access-list %s %s\n", l.Kind, n)
			for _, r := range l.Rules {
				for _, rm := range r.Remarks {
					fmt.Fprintf(&b, " remark %s\n", rm)
				}
				fmt.Fprintf(&b, " %s\n", r.Entry.ConfigText())
			}
			for _, rm := range l.Trailing {
				fmt.Fprintf(&b, " remark %s\n", rm)
			}
		}
		a.mu.Unlock()
	}
	if b.Len() > 0 {
		io.WriteString(w, "!\n"+b.String())
	}
}

// renderNumbered writes the `access-list N ...` lines, lists ascending,
// entries in sequence order.
func (a *ACLs) renderNumbered(w io.Writer) {
	var names []string
	for _, n := range a.Lists() {
		if _, ok := NumberKind(n); ok {
			names = append(names, n)
		}
	}
	// Lists() orders by kind first; the running-config orders by number.
	sortNumbers(names)
	var b strings.Builder
	a.mu.Lock()
	for _, n := range names {
		l := a.lists[n]
		if l == nil {
			continue
		}
		for _, r := range l.Rules {
			for _, rm := range r.Remarks {
				fmt.Fprintf(&b, "access-list %s remark %s\n", n, rm)
			}
			fmt.Fprintf(&b, "access-list %s %s\n", n, r.Entry.ConfigText())
		}
		for _, rm := range l.Trailing {
			fmt.Fprintf(&b, "access-list %s remark %s\n", n, rm)
		}
	}
	a.mu.Unlock()
	if b.Len() > 0 {
		io.WriteString(w, "!\n"+b.String())
	}
}

func sortNumbers(names []string) {
	for i := 1; i < len(names); i++ {
		for j := i; j > 0 && compareNames(names[j], names[j-1]) < 0; j-- {
			names[j], names[j-1] = names[j-1], names[j]
		}
	}
}
