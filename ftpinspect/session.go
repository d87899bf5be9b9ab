package ftpinspect

import (
	"net/netip"
	"slices"
	"time"
)

// Session is one inspected connection as `show ip inspect sessions` lists
// it: an FTP control connection, or a data connection opened through a
// pinhole.
type Session struct {
	ID                   uint32 // printed as the session block "address"
	Initiator, Responder netip.AddrPort
	Protocol             string // "ftp" or "ftp-data"
	Established          bool   // SIS_OPEN; else SIS_OPENING
	Created              time.Time
}

// Sessions returns the inspected connections (control connections that
// open pinholes, and data connections that used one), oldest first.
func (in *Inspector) Sessions() []Session {
	in.mu.Lock()
	defer in.mu.Unlock()
	now := in.now()
	var out []Session
	for _, c := range in.conns {
		if !c.inspect || c.expires <= now {
			continue
		}
		out = append(out, Session{ID: c.id, Initiator: c.key.cli.addrPort(), Responder: c.key.srv.addrPort(),
			Protocol: "ftp", Established: c.h[dirClient].synced && c.h[dirServer].synced, Created: time.Unix(0, c.created)})
	}
	seen := map[*dataFlow]bool{}
	for _, d := range in.exp.data {
		if seen[d] || d.expires <= now {
			continue
		}
		seen[d] = true
		k := d.keys[0] // as the opening SYN was seen
		if d.nkeys > 1 {
			k = d.keys[1] // the inside view, as IOS lists it
		}
		out = append(out, Session{ID: d.id, Initiator: k.src.addrPort(), Responder: k.dst.addrPort(),
			Protocol: "ftp-data", Established: true, Created: time.Unix(0, d.created)})
	}
	slices.SortFunc(out, func(a, b Session) int { return int(int64(a.ID) - int64(b.ID)) })
	return out
}
