package ios

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"natlab/internal/golden"
)

// TestShowLoggingJSON: after logging lines are configured and messages
// logged, the JSON carries the figures and the buffer the text shows; with
// buffer and console logging off, those are disabled and no message is
// listed.
func TestShowLoggingJSON(t *testing.T) {
	e, _ := newTestEngine()
	e.InstallLogging()
	s, out := sessionIn(e, Exec)
	run := func(line string) string {
		out.Reset()
		s.Execute(line)
		return out.String()
	}
	s.RunScript(strings.NewReader("configure terminal\nlogging buffered 8192 informational\nlogging trap warnings\nend\n"))
	e.Log("%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up")
	e.Log("%SYS-5-RESTART: System restarted <again> & again")
	for _, tc := range []struct{ name, config string }{
		{"logging", ""},
		{"logging_off", "configure terminal\nno logging buffered\nno logging console\nend\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.RunScript(strings.NewReader(tc.config))
			text := run("show logging")
			js := run("show logging | json")
			golden.Compare(t, filepath.Join("testdata", "json", tc.name+".json"), js)
			var j LoggingJSON
			if err := json.Unmarshal([]byte(js), &j); err != nil {
				t.Fatalf("%v\n%s", err, js)
			}
			want := []string{fmt.Sprintf("(%d messages dropped, %d messages rate-limited,", j.MessagesDropped, j.MessagesRateLimited),
				fmt.Sprintf("    Monitor logging: level %s, %d messages logged,", j.Monitor.Level, j.Monitor.MessagesLogged)}
			for _, d := range []struct {
				name string
				j    LogDestinationJSON
			}{{"Console logging: ", j.Console}, {"Buffer logging:  ", j.Buffer}} {
				if d.j.Enabled {
					want = append(want, fmt.Sprintf("    %slevel %s, %d messages logged,", d.name, d.j.Level, d.j.MessagesLogged))
				} else {
					want = append(want, "    "+d.name+"disabled")
				}
			}
			if j.Trap.Enabled {
				want = append(want, fmt.Sprintf("    Trap logging: level %s, %d message lines logged\n", j.Trap.Level, j.Trap.MessagesLogged))
			}
			if j.Buffer.Enabled {
				want = append(want, fmt.Sprintf("Log Buffer (%d bytes):\n\n%s\n", j.BufferSize, strings.Join(j.Messages, "\n")))
			} else if len(j.Messages) != 0 || strings.Contains(text, "Log Buffer") {
				t.Errorf("buffer off, yet messages: %q", j.Messages)
			}
			for _, w := range want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			if tc.name == "logging" && (len(j.Messages) < 2 || !strings.HasSuffix(text, j.Messages[len(j.Messages)-1]+"\n")) {
				t.Errorf("messages %q do not end the text", j.Messages)
			}
		})
	}
}
