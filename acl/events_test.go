package acl

import (
	"testing"
	"time"

	"natlab/pktevent"
)

// TestEventsSayDirection: an access-group's match reaches the event stream
// with its list, line and the direction it filters in.
func TestEventsSayDirection(t *testing.T) {
	for _, tc := range []struct {
		dir, iface, wantIn, wantOut string
	}{
		{"in", "GigabitEthernet0/0", "GigabitEthernet0/0", ""},
		{"out", "GigabitEthernet0/1", "GigabitEthernet0/0", "GigabitEthernet0/1"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			l := newACLLab(t)
			bus := pktevent.New(pktevent.Options{})
			l.a.SetEvents(bus)
			sub, err := bus.Subscribe(8)
			if err != nil {
				t.Fatal(err)
			}
			l.config(t, "access-list 101 permit tcp any any eq www\ninterface "+tc.iface+"\n ip access-group 101 "+tc.dir)
			l.inside.Inject(tcpSyn(pc1Addr, ispAddr, 40000, 80, 0x02))
			recv(t, l.outside)
			select {
			case e := <-sub.C:
				if e.Kind != pktevent.KindACL || e.List != "101" || e.Dir != tc.dir || e.In != tc.wantIn || e.Out != tc.wantOut ||
					e.Action != "permit" || e.Rule != "permit tcp any any eq www" {
					t.Fatalf("event %+v", e)
				}
			case <-time.After(time.Second):
				t.Fatal("no event")
			}
		})
	}
}
