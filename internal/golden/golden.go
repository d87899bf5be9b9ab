// Package golden compares test output with golden files under testdata,
// and rewrites them when the tests run with -update. It is the one copy of
// the golden-file logic that the packages' CLI transcript tests share.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// Compare checks got against the golden file at path (with -update it
// writes got there instead). A difference names the first lines that
// differ.
func Compare(t testing.TB, path string, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, Diff(string(want), got))
	}
}

// Transcripts runs every dir/*.txt script through run, one subtest each
// named after the file, and compares what run returns with the script's
// .golden file.
func Transcripts(t *testing.T, dir string, run func(t *testing.T, script []byte) string) {
	t.Helper()
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(scripts) == 0 {
		t.Fatalf("no %s/*.txt scripts", dir)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".txt")
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			Compare(t, strings.TrimSuffix(script, ".txt")+".golden", run(t, in))
		})
	}
}

// Diff shows the first lines (at most ten) where got differs from want.
func Diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + "\n  want: " + wl + "\n  got:  " + gl + "\n")
			if n++; n >= 10 {
				break
			}
		}
	}
	return b.String()
}
