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
		if c.inspect && c.expires > now {
			out = append(out, c.session())
		}
	}
	seen := map[*dataFlow]bool{}
	for _, d := range in.exp.data {
		if !seen[d] && d.expires > now {
			seen[d] = true
			out = append(out, d.session())
		}
	}
	slices.SortFunc(out, func(a, b Session) int { return int(int64(a.ID) - int64(b.ID)) })
	return out
}

// session is the control connection as show and the audit trail list it.
func (c *conn) session() Session {
	return Session{ID: c.id, Initiator: c.key.SrcAddrPort(), Responder: c.key.DstAddrPort(),
		Protocol: "ftp", Established: c.h[dirClient].synced && c.h[dirServer].synced,
		Created: time.Unix(0, c.created), LastHeard: time.Unix(0, c.lastHeard),
		InitiatorBytes: c.h[dirClient].sent(), ResponderBytes: c.h[dirServer].sent()}
}

// session is the data connection as show and the audit trail list it.
func (d *dataFlow) session() Session {
	k := d.view()
	return Session{ID: d.id, Initiator: k.SrcAddrPort(), Responder: k.DstAddrPort(),
		Protocol: "ftp-data", Established: true, Created: time.Unix(0, d.created),
		LastHeard: time.Unix(0, d.lastHeard), InitiatorBytes: d.bytes[0], ResponderBytes: d.bytes[1]}
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
	s := c.session()
	s.Established = true
	in.cfg.Audit(SessionEvent{Start: start, Session: s, InitiatorBytes: s.InitiatorBytes, ResponderBytes: s.ResponderBytes})
}

func (in *Inspector) auditData(d *dataFlow, start bool) {
	if in.cfg.Audit == nil {
		return
	}
	s := d.session()
	in.cfg.Audit(SessionEvent{Start: start, Session: s, InitiatorBytes: s.InitiatorBytes, ResponderBytes: s.ResponderBytes})
}
