package ftpinspect

import (
	"net/netip"
	"time"

	"natlab/packet"
)

// The inspector sees a control connection in the inside (local) view:
// after destination NAT of packets from the outside and before source NAT
// of packets to the outside (where Linux runs its helpers too). A
// connection is a packet.Tuple whose Src is the side that sent the message
// being handled.

// DataMapping asks NAT for the translation of an announced data endpoint.
type DataMapping struct {
	// Ctrl is the control connection, Src being the side that announced
	// the endpoint (the client for PORT/EPRT, the server for 227/229).
	Ctrl packet.Tuple
	// Local is the announced endpoint with the sender's inside local
	// address (also when the sender announced its global address).
	Local netip.AddrPort
	// Peer is the address the data connection will come from: the control
	// connection's other side as NAT sees it.
	Peer netip.Addr
	// Hold is how long NAT keeps the mapping if no data connection uses it
	// (the pinhole timeout); UnmapData may end it earlier.
	Hold time.Duration
}

// Translator is what NAT does for the FTP inspector. The router's
// composition root adapts natlab/nat to it; the inspector works without
// one (a nil Translator: nothing is translated, nothing is rewritten,
// pinholes are still opened).
//
// The rules, after nf_nat_ftp and IOS:
//   - the data connection uses the same global address as the sender's
//     control connection;
//   - the global port is the announced port when it is free on that
//     address; if another inside host holds it, NAT allocates another and
//     the inspector rewrites the line with it (the length may change);
//   - a connection from Peer (any source port) to the returned global
//     endpoint is translated to Local for as long as the mapping is held,
//     and the session it creates follows NAT's usual timers.
type Translator interface {
	// Global returns the inside global address of ctrl's Src, the address
	// ctrl's Dst sees it as. ok is false when ctrl's Src is not translated.
	Global(ctrl packet.Tuple) (global netip.Addr, ok bool)
	// MapData reserves the translation for an announced data endpoint and
	// returns the global endpoint to announce instead. An error (no free
	// port) leaves the line unrewritten and opens no pinhole.
	MapData(m DataMapping) (global netip.AddrPort, err error)
	// UnmapData gives back a mapping whose pinhole was never used (it
	// expired, was evicted, the server refused the command, or the control
	// connection ended), so that its global port is free at once. A used
	// mapping is left to NAT's session timers.
	UnmapData(m DataMapping, global netip.AddrPort)
}
