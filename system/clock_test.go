package system

import (
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

// TestClockSource: show clock's mark and time source follow clock set and
// an NTP step and synchronisation.
func TestClockSource(t *testing.T) {
	base := time.Date(2002, 3, 1, 0, 0, 5, 0, time.UTC)
	tests := []struct {
		name   string
		act    func(s *System, sess *ios.Session)
		show   string // show clock detail
		stamps bool   // log timestamps authoritative
	}{
		{"never set", func(*System, *ios.Session) {}, "*00:00:05.000 UTC Fri Mar 1 2002\nNo time source\n", false},
		{"ntp step and sync", func(s *System, _ *ios.Session) {
			s.StepClock(time.Hour)
			s.SetClockSynced(true)
		}, "01:00:05.000 UTC Fri Mar 1 2002\nTime source is NTP\n", true},
		{"ntp lost", func(s *System, _ *ios.Session) {
			s.SetClockSynced(true)
			s.SetClockSynced(false)
		}, "*00:00:05.000 UTC Fri Mar 1 2002\nNo time source\n", false},
		{"clock set", func(_ *System, sess *ios.Session) { sess.Execute("clock set 10:00:00 1 Jan 2030") },
			"10:00:00.000 UTC Tue Jan 1 2030\nTime source is user configuration\n", true},
		{"ntp after clock set", func(s *System, sess *ios.Session) {
			sess.Execute("clock set 10:00:00 1 Jan 2030")
			s.SetClockSynced(true)
		}, "10:00:00.000 UTC Tue Jan 1 2030\nTime source is NTP\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ios.NewEngine()
			e.Clock = func() time.Time { return base }
			s := Register(e)
			var out strings.Builder
			sess := e.NewSession(&out)
			sess.Execute("enable")
			tc.act(s, sess)
			out.Reset()
			sess.Execute("show clock detail")
			if got := strings.TrimPrefix(out.String(), "Router#show clock detail\n"); !strings.HasSuffix(got, tc.show) {
				t.Errorf("show clock detail:\n%s\nwant suffix\n%s", got, tc.show)
			}
			if e.ClockAuthoritative() != tc.stamps {
				t.Errorf("authoritative %v", e.ClockAuthoritative())
			}
		})
	}
}
