package acl

import (
	"fmt"
	"io"
	"strings"
)

// show prints `show access-lists [NAME]` (all lists when name is "").
func (a *ACLs) show(w io.Writer, name string) {
	for _, n := range a.Lists() {
		if name == "" || n == name {
			a.writeList(w, n, "")
		}
	}
}

// showInterface prints `show ip access-lists interface IFNAME [in|out]`:
// the bound lists with the direction after the name.
func (a *ACLs) showInterface(w io.Writer, ifname string, in, out bool) {
	gin, gout := a.AccessGroups(ifname)
	if in && gin != "" {
		a.writeList(w, gin, " in")
	}
	if out && gout != "" {
		a.writeList(w, gout, " out")
	}
}

func (a *ACLs) writeList(w io.Writer, name, suffix string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	l := a.lists[name]
	if l == nil {
		return
	}
	kind := "Standard"
	if l.Kind == Extended {
		kind = "Extended"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s IP access list %s%s\n", kind, name, suffix)
	for _, r := range l.Rules {
		fmt.Fprintf(&b, "    %d %s%s\n", r.Seq, r.Entry.ShowText(), matchesText(r.Matches()))
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
