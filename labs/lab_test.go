package labs

import "testing"

// TestNodeOfKind: a command for routers or for hosts names the node it wants, and on the other kind
// says which command to use instead.
func TestNodeOfKind(t *testing.T) {
	l := &Lab{State: &State{Lab: "ftp", Nodes: []NodeState{{Name: "r1", Kind: Router}, {Name: "pc1", Kind: Host}}}}
	tests := []struct {
		name    string
		get     func(string) (*NodeState, error)
		node    string
		wantErr string
	}{
		{"router", l.router, "r1", ""},
		{"host", l.host, "pc1", ""},
		{"router asked for a host", l.router, "pc1", "pc1 is a host: use labs exec pc1 -- COMMAND"},
		{"host asked for a router", l.host, "r1", "r1 is a router: use labs cli r1 COMMAND or labs console r1"},
		{"no such node", l.router, "r9", `lab ftp has no node "r9" (it has r1, pc1)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.get(tt.node)
			switch {
			case tt.wantErr == "" && (err != nil || n.Name != tt.node):
				t.Errorf("got %v, %v; want node %s", n, err, tt.node)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("error %v; want %q", err, tt.wantErr)
			}
		})
	}
}
