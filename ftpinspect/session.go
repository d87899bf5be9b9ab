package ftpinspect

import (
	"net/netip"
	"slices"
	"strconv"
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
	Created, LastHeard   time.Time
	// Bytes each side sent.
	InitiatorBytes, ResponderBytes uint64
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
			Protocol: "ftp", Established: c.h[dirClient].synced && c.h[dirServer].synced,
			Created: time.Unix(0, c.created), LastHeard: time.Unix(0, c.lastHeard),
			InitiatorBytes: c.h[dirClient].sent(), ResponderBytes: c.h[dirServer].sent()})
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
			Protocol: "ftp-data", Established: true, Created: time.Unix(0, d.created),
			LastHeard: time.Unix(0, d.lastHeard), InitiatorBytes: d.bytes[0], ResponderBytes: d.bytes[1]})
	}
	slices.SortFunc(out, func(a, b Session) int { return int(int64(a.ID) - int64(b.ID)) })
	return out
}

// SessionEvent is the start or the end of an inspected session, for the
// audit trail (`%FW-6-SESS_AUDIT_TRAIL_START`, `%FW-6-SESS_AUDIT_TRAIL`).
type SessionEvent struct {
	Start   bool
	Session Session
	// Bytes each side sent (at the end).
	InitiatorBytes, ResponderBytes uint64
}

// AuditMessage renders the event as IOS 12.4T/15 prints it.
func (e SessionEvent) AuditMessage() string {
	s := e.Session
	if e.Start {
		return "%FW-6-SESS_AUDIT_TRAIL_START: Start " + s.Protocol + " session: initiator (" + s.Initiator.String() +
			") -- responder (" + s.Responder.String() + ")"
	}
	return "%FW-6-SESS_AUDIT_TRAIL: Stop " + s.Protocol + " session: initiator (" + s.Initiator.String() + ") sent " +
		strconv.FormatUint(e.InitiatorBytes, 10) + " bytes -- responder (" + s.Responder.String() + ") sent " +
		strconv.FormatUint(e.ResponderBytes, 10) + " bytes"
}

func (in *Inspector) auditConn(c *conn, start bool) {
	if in.cfg.Audit == nil || !c.inspect {
		return
	}
	in.cfg.Audit(SessionEvent{Start: start,
		Session:        Session{ID: c.id, Initiator: c.key.cli.addrPort(), Responder: c.key.srv.addrPort(), Protocol: "ftp", Established: true, Created: time.Unix(0, c.created)},
		InitiatorBytes: c.h[dirClient].sent(), ResponderBytes: c.h[dirServer].sent()})
}

func (in *Inspector) auditData(d *dataFlow, start bool) {
	if in.cfg.Audit == nil {
		return
	}
	k := d.keys[0]
	if d.nkeys > 1 {
		k = d.keys[1]
	}
	in.cfg.Audit(SessionEvent{Start: start,
		Session:        Session{ID: d.id, Initiator: k.src.addrPort(), Responder: k.dst.addrPort(), Protocol: "ftp-data", Established: true, Created: time.Unix(0, d.created)},
		InitiatorBytes: d.bytes[0], ResponderBytes: d.bytes[1]})
}
