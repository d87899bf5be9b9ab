package system

import (
	"fmt"
	"strings"
	"time"

	"natlab/ios"
)

// clockFormat is show clock's time: "10:15:42.318 UTC Mon Jan 2 2024".
const clockFormat = "15:04:05.000 MST Mon Jan 2 2006"

// local is t in the `clock timezone` zone, whose name the formats print.
func (s *System) local(t time.Time) time.Time {
	name, off := s.e.Timezone()
	return t.In(time.FixedZone(name, int(off/time.Second)))
}

// StepClock moves the router's clock by d, as `clock set` does: the NTP
// client's step.
func (s *System) StepClock(d time.Duration) {
	s.mu.Lock()
	s.clockOffset += d
	s.mu.Unlock()
}

// SetClockSynced says whether a time source (NTP) keeps the clock: while
// it does the clock is authoritative (no '*' in show clock and the log
// timestamps) and show clock detail names NTP; a manual `clock set` no
// longer is the source.
func (s *System) SetClockSynced(on bool) {
	s.mu.Lock()
	s.clockWasSet = false
	s.mu.Unlock()
	s.e.SetClockAuthoritative(on)
}

func (s *System) showClock(c *ios.Context, a ios.Args) error {
	now := s.local(s.e.Clock())
	s.mu.Lock()
	set := s.clockWasSet
	s.mu.Unlock()
	ntp := !set && s.e.ClockAuthoritative()
	mark := "*" // not authoritative until set or synchronised
	if set || ntp {
		mark = ""
	}
	c.Printf("%s%s\n", mark, now.Format(clockFormat))
	if a.Has("detail") {
		switch {
		case ntp:
			c.Printf("Time source is NTP\n")
		case set:
			c.Printf("Time source is user configuration\n")
		default:
			c.Printf("No time source\n")
		}
	}
	return nil
}

// clockSet is `clock set 21:47:00 30 Apr 2025` (or month before day), in
// the `clock timezone` zone as on IOS.
func (s *System) clockSet(c *ios.Context, a ios.Args) error {
	var hh, mm, ss int
	var extra string
	hms := a.Str("HH:MM:SS")
	if n, _ := fmt.Sscanf(hms+" x", "%d:%d:%d %s", &hh, &mm, &ss, &extra); n != 4 || hh > 23 || mm > 59 || ss > 59 ||
		hh < 0 || mm < 0 || ss < 0 || strings.Count(hms, ":") != 2 {
		return c.InvalidAt(a.Offset("HH:MM:SS"))
	}
	month := 0
	typed := strings.ToLower(a.Str("MONTH"))
	for i, m := range months {
		if strings.HasPrefix(strings.ToLower(m), typed) {
			if month != 0 {
				// IOS's months are keywords: "Ju" is ambiguous.
				return ios.Errorf("%% Ambiguous command:  \"%s\"", c.Line())
			}
			month = i + 1
		}
	}
	if month == 0 {
		return c.InvalidAt(a.Offset("MONTH"))
	}
	day, year := a.Int("day"), a.Int("year")
	old := s.local(s.e.Clock())
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, old.Location())
	if t.Day() != day {
		return c.InvalidAt(a.Offset("day")) // 31 February
	}
	const logFormat = "15:04:05 MST Mon Jan 2 2006"
	// IOS stamps the message with the time before the update.
	s.e.Log(fmt.Sprintf("%%SYS-6-CLOCKUPDATE: System clock has been updated from %s to %s, configured from console by console.",
		old.Format(logFormat), t.Format(logFormat)))
	s.mu.Lock()
	s.clockOffset += t.Sub(old)
	s.clockWasSet = true
	s.mu.Unlock()
	// The clock is authoritative now: later log timestamps lose their '*'.
	s.e.SetClockAuthoritative(true)
	return nil
}
