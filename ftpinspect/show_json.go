package ftpinspect

import (
	"fmt"
	"time"
)

// The JSON form of show ip inspect sessions [detail] (`| json`), built
// from the sections the text is printed from. The schema is documented in
// the top README's "JSON output" section.

// SessionsJSON is show ip inspect sessions [detail] | json: established
// sessions first, then half-open ones, each oldest first, as the text.
type SessionsJSON struct {
	Sessions []SessionJSON `json:"sessions"`
}

// SessionJSON is one inspected connection.
type SessionJSON struct {
	ID            string `json:"id"` // the hex session "address" of the text
	Initiator     string `json:"initiator"`
	InitiatorPort uint16 `json:"initiator_port"`
	Responder     string `json:"responder"`
	ResponderPort uint16 `json:"responder_port"`
	Protocol      string `json:"protocol"` // ftp, ftp-data, tcp, udp, icmp
	State         string `json:"state"`    // SIS_OPEN, SIS_OPENING
	// Detail is present with the detail keyword.
	Detail *SessionDetailJSON `json:"detail,omitempty"`
}

// SessionDetailJSON is what detail adds.
type SessionDetailJSON struct {
	CreatedSeconds   int64  `json:"created_seconds"`
	LastHeardSeconds int64  `json:"last_heard_seconds"`
	InitiatorBytes   uint64 `json:"initiator_bytes"`
	ResponderBytes   uint64 `json:"responder_bytes"`
}

func ago(now, t time.Time) int64 { return int64(now.Sub(t) / time.Second) }

func sessionsJSON(secs [2]sessionSection, now time.Time, detail bool) SessionsJSON {
	out := SessionsJSON{Sessions: []SessionJSON{}}
	for _, sec := range secs {
		for _, s := range sec.list {
			j := SessionJSON{ID: fmt.Sprintf("%X", s.ID), Initiator: s.Initiator.Addr().String(), InitiatorPort: s.Initiator.Port(),
				Responder: s.Responder.Addr().String(), ResponderPort: s.Responder.Port(), Protocol: s.Protocol, State: sec.state}
			if detail {
				j.Detail = &SessionDetailJSON{ago(now, s.Created), ago(now, s.LastHeard), s.InitiatorBytes, s.ResponderBytes}
			}
			out.Sessions = append(out.Sessions, j)
		}
	}
	return out
}
