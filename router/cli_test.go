package router

import (
	"bytes"
	"strings"
	"testing"

	"natlab/internal/golden"
)

// spoofMarker is the line of a transcript script at which the test sends
// packets with spoofed sources into Gi0/1.
const spoofMarker = "! the test sends three packets with spoofed sources to Gi0/1 here\n"

// TestCLITranscripts types each testdata/cli/*.txt script into a router
// with the lab's interfaces and compares the transcript with its .golden
// file.
func TestCLITranscripts(t *testing.T) {
	golden.Transcripts(t, "testdata/cli", func(t *testing.T, script []byte) string {
		l := newCLILab(t)
		var out bytes.Buffer
		s := l.e.NewSession(&out)
		defer s.Close()
		s.SetTerminalLength(0)
		before, after, spoof := strings.Cut(string(script), spoofMarker)
		s.RunScript(strings.NewReader(before))
		if spoof {
			for k := 0; k < 3; k++ {
				l.outside.Inject(udpPkt(mustAddr("192.168.1.50"), pc1, 1, 2, 64, nil))
			}
			l.outside.Inject(udpPkt(isp, pc1, 1, 2, 64, nil))
			expect(t, l.inside)
			settle()
			s.RunScript(strings.NewReader(after))
		}
		return out.String()
	})
}

// TestVerifyRunningConfigRoundTrip: every form of ip verify unicast source
// renders in the running-config and loads back the same.
func TestVerifyRunningConfigRoundTrip(t *testing.T) {
	cfg := "interface GigabitEthernet0/0\n ip address 10.0.0.1 255.255.0.0\n ip verify unicast source reachable-via rx\n!\n" +
		"interface GigabitEthernet0/1\n ip address 10.1.0.1 255.255.255.0\n ip verify unicast source reachable-via any allow-default 1300\n!\n"
	_, c, e := loadingRouter(t)
	if errs := loadStartup(c, e, cfg); len(errs) > 0 {
		t.Fatal(errs)
	}
	text := e.RunningConfig()
	for _, want := range []string{" ip verify unicast source reachable-via rx\n", " ip verify unicast source reachable-via any allow-default 1300\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("running-config lacks %q:\n%s", want, text)
		}
	}
	_, c2, e2 := loadingRouter(t)
	if errs := loadStartup(c2, e2, text); len(errs) > 0 {
		t.Fatal(errs)
	}
	if again := e2.RunningConfig(); again != text {
		t.Errorf("round trip changed the config:\n%s", golden.Diff(text, again))
	}
}
