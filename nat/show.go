package nat

import (
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strings"
	"time"

	"natlab/packet"
)

// Column stops of `show ip nat translations` (IOS 15): each field
// is padded to the next stop, with at least one space.
var translationStops = [...]int{4, 23, 42, 61}

const translationsHeader = "Pro Inside global      Inside local       Outside local      Outside global\n"

func translationRow(w *strings.Builder, fields [5]string) {
	col := 0
	for i, f := range fields[:4] {
		w.WriteString(f)
		col += len(f)
		pad := translationStops[i] - col
		if pad < 1 {
			pad = 1
		}
		w.WriteString(strings.Repeat(" ", pad))
		col += pad
	}
	w.WriteString(fields[4])
	w.WriteByte('\n')
}

func ep(e endpoint) string { return e.addrPort().String() }

// age formats a duration as IOS does in show output: hh:mm:ss under a
// day, then 1d02h, then 2w3d.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int64(d / time.Second)
	switch {
	case s < 86400:
		return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
	case s < 7*86400:
		return fmt.Sprintf("%dd%02dh", s/86400, s/3600%24)
	default:
		return fmt.Sprintf("%dw%dd", s/(7*86400), s/86400%7)
	}
}

// Translation is one row of the translation table, for show and for the
// FTP inspection.
type Translation struct {
	Proto         packet.Proto // 0 for an address-only ("---") entry
	InsideLocal   netip.AddrPort
	InsideGlobal  netip.AddrPort
	OutsideLocal  netip.AddrPort
	OutsideGlobal netip.AddrPort
}

// WriteTranslations writes `show ip nat translations [icmp|tcp|udp]
// [verbose]`: extended entries in creation order, then dynamic address
// bindings, then static rules in configuration order. proto (if not 0)
// keeps the entries of that protocol. An empty table prints nothing.
func (n *NAT) WriteTranslations(w io.Writer, proto packet.Proto, verbose bool) {
	writeTranslationRows(w, n.translationRows(proto), verbose)
}

// transRow is one entry of show ip nat translations: the five columns as
// printed and what verbose adds. It is gathered once for the text and the
// JSON form.
type transRow struct {
	proto string // "tcp", "udp", "icmp", "---"
	// eps are Inside global, Inside local, Outside local, Outside global;
	// an invalid one prints "---", ports says whether they print theirs.
	eps   [4]netip.AddrPort
	ports bool
	kind  string // extended, dynamic, static, outside-static
	// verbose: ages, the idle timeout (hasTimeout: statics have none),
	// the mapping, the flags line, the use count and the entry id.
	created, used time.Duration
	hasTimeout    bool
	timeout, idle time.Duration
	mapID         int
	flags         string
	useCount      int
	entryID       uint64
}

// fields are the five columns as printed.
func (r *transRow) fields() [5]string {
	f := [5]string{r.proto}
	for i, e := range r.eps {
		switch {
		case !e.IsValid():
			f[i+1] = "---"
		case r.ports:
			f[i+1] = e.String()
		default:
			f[i+1] = e.Addr().String()
		}
	}
	return f
}

// translationRows gathers the table under one hold of mu.
func (n *NAT) translationRows(proto packet.Proto) []transRow {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := n.nowNano()
	rows := n.sessionRows(nil, proto, now)
	if proto == 0 {
		rows = n.bindingRows(rows, now)
	}
	rows = n.staticRows(rows, proto, now)
	if proto == 0 {
		for _, r := range n.cfg.outside.rules {
			rows = append(rows, transRow{proto: "---", eps: [4]netip.AddrPort{2: netip.AddrPortFrom(r.Local, 0), 3: netip.AddrPortFrom(r.Global, 0)}, kind: "outside-static"})
		}
	}
	return rows
}

func writeTranslationRows(w io.Writer, rows []transRow, verbose bool) {
	if len(rows) == 0 {
		return
	}
	var sb strings.Builder
	sb.WriteString(translationsHeader)
	for i := range rows {
		r := &rows[i]
		translationRow(&sb, r.fields())
		if !verbose || r.kind == "outside-static" {
			continue
		}
		if r.hasTimeout {
			fmt.Fprintf(&sb, "  create %s, use %s, timeout:%d, left %s, Map-Id(In): %d, \n",
				age(r.created), age(r.used), timeoutMillis(r.timeout), left(r.timeout, r.idle), r.mapID)
		} else {
			fmt.Fprintf(&sb, "  create %s, use %s, \n", age(r.created), age(r.used))
		}
		fmt.Fprintf(&sb, "  flags: \n%s, use_count: %d, entry-id: %d, lc_entries: 0\n", r.flags, r.useCount, r.entryID)
	}
	io.WriteString(w, sb.String())
}

// sessionsInOrder returns the sessions in creation order.
func (n *NAT) sessionsInOrder() []*Session {
	var sessions []*Session
	n.in.each(func(s *Session) { sessions = append(sessions, s) })
	sort.Slice(sessions, func(i, j int) bool { return sessions[i].seq < sessions[j].seq })
	return sessions
}

// sessionRows adds the extended rows. Caller holds mu.
func (n *NAT) sessionRows(rows []transRow, proto packet.Proto, now int64) []transRow {
	t := &n.cfg.timeouts
	for _, s := range n.sessionsInOrder() {
		if proto != 0 && s.proto != proto {
			continue
		}
		idle := time.Duration(now - s.lastUsed.Load())
		rows = append(rows, transRow{
			proto: s.proto.String(), eps: [4]netip.AddrPort{s.inGlobal.addrPort(), s.inLocal.addrPort(), s.outLocal.addrPort(), s.outGlobal.addrPort()},
			ports: true, kind: "extended",
			created: time.Duration(now - s.created), used: idle, hasTimeout: true, timeout: sessionTimeout(s, t), idle: idle,
			mapID: s.mapID, flags: "extended", entryID: s.seq,
		})
	}
	return rows
}

// bindingRows adds the dynamic address (`---`) rows in creation order.
// Caller holds mu.
func (n *NAT) bindingRows(rows []transRow, now int64) []transRow {
	var simple []*Binding
	for _, b := range n.simpleByLocal {
		simple = append(simple, b)
	}
	sort.Slice(simple, func(i, j int) bool { return simple[i].seq < simple[j].seq })
	t := &n.cfg.timeouts
	for _, b := range simple {
		idle := time.Duration(now - b.lastUsed.Load())
		rows = append(rows, transRow{
			proto: "---", eps: [4]netip.AddrPort{netip.AddrPortFrom(netip.AddrFrom4(b.global.addr), 0), netip.AddrPortFrom(netip.AddrFrom4(b.local.addr), 0)},
			kind:    "dynamic",
			created: time.Duration(now - b.created), used: idle, hasTimeout: true, timeout: t.Timeout, idle: idle,
			mapID: b.mapID, flags: "none", useCount: b.refs, entryID: b.seq,
		})
	}
	return rows
}

// staticRows adds the static rows in configuration order; a rule on an
// interface without an address has none. Caller holds mu.
func (n *NAT) staticRows(rows []transRow, proto packet.Proto, now int64) []transRow {
	for _, r := range n.cfg.statics.rules {
		if proto != 0 && r.Proto != proto {
			continue
		}
		g4, ok := n.staticGlobal(r)
		if !ok {
			continue
		}
		g := netip.AddrFrom4(g4)
		row := transRow{kind: "static", flags: "static", useCount: r.binding.refs, entryID: r.seq,
			created: time.Duration(now - r.binding.created), used: time.Duration(now - max(r.binding.lastUsed.Load(), r.binding.created))}
		row.proto = "---"
		row.eps[0], row.eps[1] = netip.AddrPortFrom(g, r.GlobalPort), netip.AddrPortFrom(r.Local, r.LocalPort)
		if r.Proto != 0 {
			row.proto, row.ports, row.flags = r.Proto.String(), true, "static, extended"
		}
		if r.Extendable {
			row.flags += ", extendable"
		}
		rows = append(rows, row)
	}
	return rows
}

func timeoutMillis(d time.Duration) int64 {
	if d < 0 {
		return 0
	}
	return int64(d / time.Millisecond)
}

func left(timeout, idle time.Duration) string {
	if timeout < 0 {
		return "never"
	}
	return age(timeout - idle)
}

// WriteStatistics writes `show ip nat statistics` in IOS 15's layout.
func (n *NAT) WriteStatistics(w io.Writer) {
	v := n.statsView()
	writeStatistics(w, &v)
}

// statsView is everything show ip nat statistics prints, read once for its
// text and its JSON form.
type statsView struct {
	st              Statistics
	now             time.Time
	outside, inside []string // in chassis order
	doors           int
}

func (n *NAT) statsView() statsView {
	v := statsView{st: n.Statistics(), now: n.now(), doors: n.applDoors()}
	v.outside, v.inside = n.sortIfs(v.st.Outside), n.sortIfs(v.st.Inside)
	return v
}

func writeStatistics(w io.Writer, v *statsView) {
	st, now := v.st, v.now
	fmt.Fprintf(w, "Total active translations: %d (%d static, %d dynamic; %d extended)\n", st.Active, st.Static, st.Dynamic, st.Extended)
	if st.Peak > 0 {
		fmt.Fprintf(w, "Peak translations: %d, occurred %s ago\n", st.Peak, age(now.Sub(st.PeakAt)))
	} else {
		fmt.Fprintf(w, "Peak translations: 0\n")
	}
	io.WriteString(w, "Outside interfaces:\n")
	if len(v.outside) > 0 {
		fmt.Fprintf(w, "  %s\n", strings.Join(v.outside, ", "))
	}
	io.WriteString(w, "Inside interfaces: \n")
	if len(v.inside) > 0 {
		fmt.Fprintf(w, "  %s\n", strings.Join(v.inside, ", "))
	}
	fmt.Fprintf(w, "Hits: %d  Misses: %d\n", st.Hits, st.Misses)
	fmt.Fprintf(w, "CEF Translated packets: %d, CEF Punted packets: %d\n", st.Hits, st.Misses)
	fmt.Fprintf(w, "Expired translations: %d\n", st.Expired)
	io.WriteString(w, "Dynamic mappings:\n")
	if len(st.Mappings) > 0 {
		io.WriteString(w, "-- Inside Source\n")
	}
	for _, m := range st.Mappings {
		if m.Pool == nil && m.Interface == "" {
			fmt.Fprintf(w, "[Id: %d] access-list %s pool %s refcount %d\n", m.ID, m.List, m.Mapping.Pool, m.Refcount)
			continue
		}
		if m.Interface != "" {
			fmt.Fprintf(w, "[Id: %d] access-list %s interface %s refcount %d\n", m.ID, m.List, m.Interface, m.Refcount)
			continue
		}
		p := m.Pool
		fmt.Fprintf(w, "[Id: %d] access-list %s pool %s refcount %d\n", m.ID, m.List, p.Name, m.Refcount)
		fmt.Fprintf(w, " pool %s: netmask %s\n", p.Name, maskAddr(p.PrefixLen))
		fmt.Fprintf(w, "\tstart %s end %s\n", p.Start, p.End)
		fmt.Fprintf(w, "\ttype generic, total addresses %d, allocated %d (%d%%), misses %d\n", p.Total, p.Allocated, p.Allocated*100/p.Total, p.Misses)
	}
	writeLimits(w, &st)
	// Doors are IOS's partial entries that an application-level gateway
	// opens for a connection still to come: here the FTP data mappings
	// that wait for their connection. No other kind exists (normal doors)
	// and no packet ever waits for a translation (queued packets).
	fmt.Fprintf(w, "\nTotal doors: %d\nAppl doors: %d\nNormal doors: 0\nQueued Packets: 0\n", v.doors, v.doors)
}

// applDoors counts the data mappings (MapData) that no connection has used
// yet and that are still held for one.
func (n *NAT) applDoors() int {
	now := n.nowNano()
	n.mu.Lock()
	defer n.mu.Unlock()
	doors := 0
	for _, b := range n.patByLocal {
		if b.refs == 0 && b.holdTill > now {
			doors++
		}
	}
	return doors
}

// sortIfs orders interface names as the chassis does.
func (n *NAT) sortIfs(names []string) []string {
	out := append([]string(nil), names...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := n.ifIndex(out[i]), n.ifIndex(out[j])
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}

// Selector chooses translations for `clear ip nat translation`. Zero
// fields match anything; Proto 0 with inside addresses names an address
// binding and every flow through it.
type Selector struct {
	Proto                               packet.Proto
	InsideGlobal, InsideLocal           netip.Addr
	InsideGlobalPort, InsideLocalPort   uint16
	OutsideLocal, OutsideGlobal         netip.Addr
	OutsideLocalPort, OutsideGlobalPort uint16
}

func matchEP(want netip.Addr, wport uint16, e endpoint, ports bool) bool {
	if !want.IsValid() {
		return true
	}
	if want.As4() != e.addr {
		return false
	}
	return !ports || wport == e.port
}

// Clear removes the dynamic translations sel selects and reports how many.
func (n *NAT) Clear(sel Selector) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	ports := sel.Proto != 0
	removed := n.removeSessionsWhere(func(s *Session) bool {
		return (!ports || s.proto == sel.Proto) &&
			matchEP(sel.InsideGlobal, sel.InsideGlobalPort, s.inGlobal, ports) &&
			matchEP(sel.InsideLocal, sel.InsideLocalPort, s.inLocal, ports) &&
			matchEP(sel.OutsideLocal, sel.OutsideLocalPort, s.outLocal, ports) &&
			matchEP(sel.OutsideGlobal, sel.OutsideGlobalPort, s.outGlobal, ports)
	})
	if !ports && sel.InsideLocal.IsValid() && !sel.OutsideLocal.IsValid() {
		if b := n.simpleByLocal[addr4(sel.InsideLocal)]; b != nil && b.global.addr == addr4(sel.InsideGlobal) && b.refs == 0 {
			n.removeBinding(b)
			removed++
		}
	}
	return removed
}

// Translations returns the extended entries (flows) in creation order, for
// tests and lab checks.
func (n *NAT) Translations() []Translation {
	sessions := n.sessionsInOrder()
	out := make([]Translation, len(sessions))
	for i, s := range sessions {
		out[i] = s.translation()
	}
	return out
}
