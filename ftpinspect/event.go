package ftpinspect

import (
	"fmt"
	"net/netip"
	"strconv"
)

// EventKind classifies what the inspector logs.
type EventKind uint8

const (
	// EvMalformed: a PORT/EPRT/227/229 line that does not parse (Err says why).
	EvMalformed EventKind = iota + 1
	// EvAddressMismatch: the announced address is not the sender's own
	// (an FTP bounce from a client, a third-party address from a server).
	EvAddressMismatch
	// EvPrivilegedPort: the announced port is below 1024.
	EvPrivilegedPort
	// EvSpoofedReply: a client sent a line that looks like a 227/229 reply.
	EvSpoofedReply
	// EvSpoofedCommand: a server sent a PORT/EPRT command.
	EvSpoofedCommand
	// EvUnpairedReply: a 227 not answering PASV, or a 229 not answering
	// EPSV (CVE-2002-1978 style echoes land here).
	EvUnpairedReply
	// EvNotRewritable: a rewrite was needed but the line's numbers had
	// already been passed on, or the edit list was full.
	EvNotRewritable
	// EvReleased: a partial line was passed on unparsed because the sender
	// retransmitted it or closed the connection.
	EvReleased
	// EvTableFull: the global pinhole cap was reached.
	EvTableFull
	// EvEvicted: a connection's oldest pending pinhole made room for a new one.
	EvEvicted
	// EvNATFailure: NAT could not map the data endpoint.
	EvNATFailure
	// EvUnsupported: LPRT/LPSV, which the inspector leaves alone.
	EvUnsupported
	// EvTLS: AUTH answered 234; the control connection is no longer read.
	EvTLS
	// EvClear: the channel is clear again after CCC.
	EvClear
)

var eventNames = [...]string{
	EvMalformed: "malformed", EvAddressMismatch: "address-mismatch", EvPrivilegedPort: "privileged-port",
	EvSpoofedReply: "spoofed-reply", EvSpoofedCommand: "spoofed-command", EvUnpairedReply: "unpaired-reply",
	EvNotRewritable: "not-rewritable", EvReleased: "released", EvTableFull: "table-full",
	EvEvicted: "evicted", EvNATFailure: "nat-failure", EvUnsupported: "unsupported", EvTLS: "tls", EvClear: "clear",
}

func (k EventKind) String() string {
	if int(k) < len(eventNames) && eventNames[k] != "" {
		return eventNames[k]
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one thing worth logging about a control connection. Events are
// rare (attacks, broken servers), so building one may allocate.
type Event struct {
	Kind   EventKind
	Client netip.AddrPort // control connection client (local view)
	Server netip.AddrPort
	// What is the message concerned: "PORT", "EPRT", "227", "229", "AUTH"...
	What string
	// Addr and Port are the announced endpoint, when one was parsed.
	Addr netip.Addr
	Port uint16
	Err  error
}

// Message renders the event as an IOS syslog message (without the
// timestamp prefix). The FW-3 texts follow the IOS system message guide
// for CBAC's FTP checks; the others use the same facility.
func (e Event) Message() string {
	c, s := e.Client.Addr(), e.Server.Addr()
	switch e.Kind {
	case EvPrivilegedPort:
		return fmt.Sprintf("%%FW-3-FTP_PRIV_PORT: Privileged port %d used in %s -- FTP client %s FTP server %s", e.Port, e.What, c, s)
	case EvAddressMismatch:
		return fmt.Sprintf("%%FW-3-FTP_NON_MATCHING_IP_ADDR: Non-matching address %s used in %s -- FTP client %s FTP server %s", e.Addr, e.What, c, s)
	case EvMalformed:
		return fmt.Sprintf("%%FW-3-FTP_MALFORMED: Malformed %s (%v) -- FTP client %s FTP server %s", e.What, e.Err, c, s)
	case EvSpoofedReply:
		return fmt.Sprintf("%%FW-3-FTP_SPOOFED_REPLY: %s reply sent by the client -- FTP client %s FTP server %s", e.What, c, s)
	case EvSpoofedCommand:
		return fmt.Sprintf("%%FW-3-FTP_SPOOFED_CMD: %s command sent by the server -- FTP client %s FTP server %s", e.What, c, s)
	case EvUnpairedReply:
		return fmt.Sprintf("%%FW-3-FTP_UNPAIRED_REPLY: %s reply without a matching command -- FTP client %s FTP server %s", e.What, c, s)
	case EvNotRewritable:
		return fmt.Sprintf("%%FW-4-FTP_NOT_REWRITTEN: %s could not be rewritten -- FTP client %s FTP server %s", e.What, c, s)
	case EvReleased:
		return fmt.Sprintf("%%FW-4-FTP_PARTIAL_LINE: Partial control line passed unparsed -- FTP client %s FTP server %s", c, s)
	case EvTableFull:
		return fmt.Sprintf("%%FW-4-FTP_PINHOLE_TABLE_FULL: No pinhole for %s %s:%d -- FTP client %s FTP server %s", e.What, e.Addr, e.Port, c, s)
	case EvEvicted:
		return fmt.Sprintf("%%FW-6-FTP_PINHOLE_EVICTED: Oldest pending pinhole %s:%d removed -- FTP client %s FTP server %s", e.Addr, e.Port, c, s)
	case EvNATFailure:
		return fmt.Sprintf("%%FW-4-FTP_NAT_FAILED: No translation for %s %s:%d (%v) -- FTP client %s FTP server %s", e.What, e.Addr, e.Port, e.Err, c, s)
	case EvUnsupported:
		return fmt.Sprintf("%%FW-6-FTP_UNSUPPORTED: %s not inspected -- FTP client %s FTP server %s", e.What, c, s)
	case EvTLS:
		return fmt.Sprintf("%%FW-6-FTP_TLS: Control channel encrypted, inspection suspended -- FTP client %s FTP server %s", c, s)
	case EvClear:
		return fmt.Sprintf("%%FW-6-FTP_CLEAR: Control channel clear again, inspection resumed -- FTP client %s FTP server %s", c, s)
	}
	return "%FW-6-FTP: " + e.Kind.String()
}
