package system

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"natlab/internal/golden"
	"natlab/ios"
)

// bootTime is the test clock: IOS's calendar-less start, frozen.
var bootTime = time.Date(2002, time.March, 1, 0, 0, 5, 123e6, time.UTC)

// newTestSystem is a router named R1 with the system commands, a frozen
// clock, the salt of Cisco's documented example and two interfaces with
// addresses for show ip arp.
func newTestSystem() (*ios.Engine, *System) {
	e := ios.NewEngine()
	e.Clock = func() time.Time { return bootTime }
	e.SetHostname("R1")
	s := Register(e)
	s.SetSalt(func() string { return "mERr" })
	s.salt89 = func() string { return "ABCDEFGHIJKLMN" }
	s.genKey = fixtureKey
	s.SetARPSource(func() []ARPEntry {
		return []ARPEntry{
			{Addr: netip.MustParseAddr("203.0.113.1"), AgeMin: -1, MAC: "5254.0012.3402", Interface: "GigabitEthernet0/1"},
			{Addr: netip.MustParseAddr("192.168.1.1"), AgeMin: -1, MAC: "5254.0012.3401", Interface: "GigabitEthernet0/0"},
		}
	})
	return e, s
}

// TestTranscripts types each testdata/*.txt script into a fresh router
// (R1, starting at "R1>") and compares the transcript with its .golden.
// fixtureKey is a key of testdata/keys when one of that size is there
// (goldens show keys), else a new one.
func fixtureKey(bits int) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(fmt.Sprintf("testdata/keys/rsa%d.pem", bits))
	if err != nil {
		return generateKey(bits)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("testdata/keys/rsa%d.pem: no PEM", bits)
	}
	return x509.ParsePKCS1PrivateKey(blk.Bytes)
}

func TestTranscripts(t *testing.T) {
	golden.Transcripts(t, "testdata", func(t *testing.T, script []byte) string {
		e, _ := newTestSystem()
		var out strings.Builder
		e.NewSession(&out).RunScript(strings.NewReader(string(script)))
		return out.String()
	})
}

func TestCommandsReachable(t *testing.T) {
	e, _ := newTestSystem()
	for _, err := range e.CheckCommands() {
		t.Error(err)
	}
}
