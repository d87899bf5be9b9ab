package ios

import (
	"path/filepath"
	"strings"
	"testing"

	"natlab/internal/golden"
)

// TestTranscripts types each testdata/*.txt script into a fresh session of
// the toy router (named R1, starting at "R1>") and compares the transcript
// with testdata/*.golden.
func TestTranscripts(t *testing.T) {
	golden.Transcripts(t, "testdata", func(t *testing.T, script []byte) string {
		e, _ := newTestEngine()
		e.SetHostname("R1")
		e.SetStartupPath(filepath.Join(t.TempDir(), "startup-config"))
		var out strings.Builder
		e.NewSession(&out).RunScript(strings.NewReader(string(script)))
		return out.String()
	})
}
