package pktevent

import (
	"encoding/json"
	"net/netip"
	"time"
)

// Kind is what produced an event.
type Kind uint8

const (
	// KindNAT: NAT translated a packet (Created: with a translation made for
	// it).
	KindNAT Kind = iota + 1
	// KindACL: an access-group matched a packet (List, Rule, Action).
	KindACL
	// KindFTP: FTP inspection rewrote a control line (Before, After,
	// Arith).
	KindFTP
	// KindStats is not a packet: the console's events mode sends one now
	// and then with the stream's counters (Stats).
	KindStats
)

var kindNames = [...]string{KindNAT: "nat", KindACL: "acl", KindFTP: "ftp", KindStats: "stats"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "unknown"
}

// MarshalText makes a Kind its name in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a Kind's name; an unknown name is an error.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n != "" && n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return &json.UnsupportedValueError{Str: string(b)}
}

// Event is one thing a router did to a packet. Its JSON form is the
// console's events mode schema (one object a line); fields that do not
// apply to the kind are left out.
type Event struct {
	Time time.Time `json:"time"`
	Kind Kind      `json:"kind"`
	// In and Out are the receiving and sending interfaces, when known.
	In  string `json:"in,omitempty"`
	Out string `json:"out,omitempty"`
	// Proto is "tcp", "udp", "icmp" or the protocol number.
	Proto string `json:"proto,omitempty"`
	// Src and Dst are the packet's endpoints as it arrived (port 0 when it
	// has no ports). For FTP they are the control connection's, sender
	// first.
	Src netip.AddrPort `json:"src,omitzero"`
	Dst netip.AddrPort `json:"dst,omitzero"`

	// NAT: the endpoints after the rewrite, and whether the translation
	// was created for this packet.
	NewSrc  netip.AddrPort `json:"new_src,omitzero"`
	NewDst  netip.AddrPort `json:"new_dst,omitzero"`
	Created bool           `json:"created,omitempty"`

	// ACL: the list, the direction it is applied in ("in" on In, "out"
	// on Out), the line that matched as `show access-lists` prints it
	// after the sequence number ("" for the implicit deny at the end), and
	// "permit" or "deny".
	List   string `json:"list,omitempty"`
	Dir    string `json:"dir,omitempty"`
	Rule   string `json:"rule,omitempty"`
	Action string `json:"action,omitempty"`

	// FTP: the control line before and after the rewrite, and the
	// arithmetic of the announced port ("port 11*256+185 = 3001").
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Arith  string `json:"arith,omitempty"`

	// Stats (KindStats only): the stream's counters.
	Stats *Stats `json:"stats,omitempty"`
}

// important events bypass the sampler.
func (e *Event) important() bool {
	return e.Kind == KindFTP || (e.Kind == KindNAT && e.Created)
}
