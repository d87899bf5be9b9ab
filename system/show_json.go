package system

// The JSON form of show ip arp [A.B.C.D|IFNAME] (`| json`), built from the
// rows the text is printed from. The schema is documented in the top
// README's "JSON output" section.

// ARPJSON is show ip arp | json.
type ARPJSON struct {
	Entries []ARPEntryJSON `json:"entries"`
}

// ARPEntryJSON is one line of show ip arp.
type ARPEntryJSON struct {
	Protocol   string `json:"protocol"` // Internet
	Address    string `json:"address"`
	AgeMinutes int    `json:"age_minutes"` // -1 for the router's own address ("-")
	MACAddress string `json:"mac_address"` // aabb.cc00.0100, or Incomplete
	Type       string `json:"type"`        // ARPA
	Interface  string `json:"interface"`
}

func arpJSON(rows []ARPEntry) ARPJSON {
	out := ARPJSON{Entries: make([]ARPEntryJSON, 0, len(rows))}
	for _, r := range rows {
		out.Entries = append(out.Entries, ARPEntryJSON{"Internet", r.Addr.String(), r.AgeMin, r.MAC, "ARPA", r.Interface})
	}
	return out
}
