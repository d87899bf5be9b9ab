package acl

import "net/netip"

// The JSON form of show [ip] access-lists [N|NAME] and show ip
// access-lists interface IFNAME (`| json`), built from the views the text
// is printed from. The schema is documented in the top README's "JSON
// output" section.

// ListsJSON is show access-lists | json.
type ListsJSON struct {
	AccessLists []ListJSON `json:"access_lists"`
}

// ListJSON is one access-list.
type ListJSON struct {
	Name      string      `json:"name"`
	Type      string      `json:"type"`      // standard, extended
	Direction string      `json:"direction"` // in, out (show ip access-lists interface); "" otherwise
	Entries   []EntryJSON `json:"entries"`
}

// EntryJSON is one entry. Text is the entry as show prints it between the
// sequence number and the match count.
type EntryJSON struct {
	Sequence            int    `json:"sequence"`
	Action              string `json:"action"`   // permit, deny
	Protocol            string `json:"protocol"` // ip, tcp, udp, icmp, a number; "" in a standard list
	Source              string `json:"source"`
	SourceWildcard      string `json:"source_wildcard"`
	Destination         string `json:"destination"`          // "" in a standard list
	DestinationWildcard string `json:"destination_wildcard"` // "" in a standard list
	Text                string `json:"text"`
	Matches             uint64 `json:"matches"`
}

func addrText(v uint32) string {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}

func listsJSON(views []listView) ListsJSON {
	out := ListsJSON{AccessLists: make([]ListJSON, 0, len(views))}
	for _, v := range views {
		l := ListJSON{Name: v.name, Type: v.kind.String(), Entries: make([]EntryJSON, 0, len(v.rules))}
		if len(v.suffix) > 1 {
			l.Direction = v.suffix[1:]
		}
		for _, r := range v.rules {
			e := &r.entry
			j := EntryJSON{Sequence: r.seq, Action: e.Action.String(), Source: addrText(e.Src.Addr), SourceWildcard: addrText(e.Src.Wild),
				Text: e.ShowText(), Matches: r.matches}
			if e.Kind == Extended {
				j.Protocol = "ip"
				if !e.AnyProto {
					j.Protocol = e.Proto.String()
				}
				j.Destination, j.DestinationWildcard = addrText(e.Dst.Addr), addrText(e.Dst.Wild)
			}
			l.Entries = append(l.Entries, j)
		}
		out.AccessLists = append(out.AccessLists, l)
	}
	return out
}
