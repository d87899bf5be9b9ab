package acl

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"natlab/internal/golden"
	"natlab/ios"
)

// jsonACLSession is the entries transcript's lists with counted matches,
// OUTSIDE-IN bound in on Gi0/1, and a session in privileged EXEC.
func jsonACLSession(t *testing.T) (*ios.Session, *strings.Builder) {
	t.Helper()
	e, a := newTestCLI(t, nil)
	var out strings.Builder
	s := e.NewSession(&out)
	s.SetMode(ios.Exec)
	s.RunScript(strings.NewReader(`configure terminal
access-list 10 permit host 198.51.100.7
access-list 10 deny any log
access-list 101 permit tcp any host 203.0.113.5 eq www
access-list 101 permit icmp any any echo-reply
access-list 101 deny ip any any log
ip access-list extended OUTSIDE-IN
 permit udp 198.51.100.0 0.0.0.255 any range 1000 2000
 deny ip any any
interface gi0/1
 ip access-group OUTSIDE-IN in
end
`))
	if strings.Contains(out.String(), "% ") {
		t.Fatalf("configuration failed:\n%s", out.String())
	}
	a.Sync()
	for _, l := range []string{"10", "101", "OUTSIDE-IN"} {
		f := probe
		for range 3 {
			a.Evaluate(l, &f)
		}
	}
	return s, &out
}

func TestShowAccessListsJSON(t *testing.T) {
	s, out := jsonACLSession(t)
	run := func(line string) string {
		out.Reset()
		s.Execute(line)
		return out.String()
	}
	for _, tc := range []struct {
		cmd, name string
		lists     int
	}{
		{"show access-lists", "access_lists", 3},
		{"show access-lists 101", "access_lists_101", 1},
		{"show ip access-lists OUTSIDE-IN", "access_lists_named", 1},
		{"show ip access-lists interface gi0/1", "access_lists_interface", 1},
		{"show access-lists 55", "access_lists_none", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := run(tc.cmd)
			js := run(tc.cmd + " | json")
			golden.Compare(t, filepath.Join("testdata", "json", tc.name+".json"), js)
			var doc ListsJSON
			if err := json.Unmarshal([]byte(js), &doc); err != nil {
				t.Fatalf("%v\n%s", err, js)
			}
			if len(doc.AccessLists) != tc.lists || strings.Contains(js, "null") {
				t.Fatalf("%d lists:\n%s", len(doc.AccessLists), js)
			}
			// The text rebuilt from the document is the text.
			var b strings.Builder
			matched := false
			for _, l := range doc.AccessLists {
				suffix := ""
				if l.Direction != "" {
					suffix = " " + l.Direction
				}
				fmt.Fprintf(&b, "%s%s IP access list %s%s\n", strings.ToUpper(l.Type[:1]), l.Type[1:], l.Name, suffix)
				for _, e := range l.Entries {
					if !strings.HasPrefix(e.Text, e.Action) {
						t.Errorf("entry %d: text %q, action %q", e.Sequence, e.Text, e.Action)
					}
					fmt.Fprintf(&b, "    %d %s%s\n", e.Sequence, e.Text, matchesText(e.Matches))
					matched = matched || e.Matches > 0
				}
			}
			if b.String() != text {
				t.Errorf("JSON says:\n%s\ntext says:\n%s", b.String(), text)
			}
			if tc.lists > 0 && !matched {
				t.Error("no entry counted the probes")
			}
		})
	}
}
