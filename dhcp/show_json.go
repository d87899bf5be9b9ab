package dhcp

import "time"

// The JSON form of show ip dhcp binding [A.B.C.D] (`| json`), built from
// the rows the text is printed from. The schema is documented in the top
// README's "JSON output" section.

// BindingsJSON is show ip dhcp binding | json.
type BindingsJSON struct {
	Bindings []BindingJSON `json:"bindings"`
}

// BindingJSON is one binding.
type BindingJSON struct {
	IPAddress string `json:"ip_address"`
	ClientID  string `json:"client_id"` // as the text prints it (01 + MAC, dotted)
	// LeaseExpiration is the text's "Mar 02 2024 12:07 AM" or "Infinite";
	// Expires the same instant in RFC 3339, "" for an infinite lease.
	LeaseExpiration string `json:"lease_expiration"`
	Expires         string `json:"expires"`
	Type            string `json:"type"`  // Automatic
	State           string `json:"state"` // Active, Selecting
	Interface       string `json:"interface"`
	Pool            string `json:"pool"` // not in the text
}

func bindingsJSON(rows []Binding) BindingsJSON {
	out := BindingsJSON{Bindings: make([]BindingJSON, 0, len(rows))}
	for _, b := range rows {
		j := BindingJSON{IPAddress: b.Addr.String(), ClientID: b.ID, LeaseExpiration: leaseExpiration(b), Type: "Automatic",
			State: bindingState(b), Interface: b.Interface, Pool: b.Pool}
		if !b.Expires.IsZero() {
			j.Expires = b.Expires.Format(time.RFC3339)
		}
		out.Bindings = append(out.Bindings, j)
	}
	return out
}
