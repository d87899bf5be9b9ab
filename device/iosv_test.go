package device

import (
	"natlab/internal/golden"
	"os"
	"strings"
	"testing"
)

// TestIOSvConfigLoadsClean: a running-config saved from IOSv 15.9 loads with no error line.
func TestIOSvConfigLoadsClean(t *testing.T) {
	b, err := os.ReadFile("testdata/iosv.cfg")
	if err != nil {
		t.Fatal(err)
	}
	d := testDevice(t)
	for _, le := range d.ApplyStartup(strings.NewReader(string(b))) {
		t.Errorf("line %d: %s\n%s", le.Line, le.Text, le.Message)
	}
}

// TestIOSvRunningConfig: the loaded IOSv configuration renders back line for line where this router
// keeps IOS's text (golden), and loading that rendering again changes nothing.
func TestIOSvRunningConfig(t *testing.T) {
	b, err := os.ReadFile("testdata/iosv.cfg")
	if err != nil {
		t.Fatal(err)
	}
	d := testDevice(t)
	d.ApplyStartup(strings.NewReader(string(b)))
	first := d.Engine.RunningConfig()
	golden.Compare(t, "testdata/iosv.running.golden", first)
	again := testDevice(t)
	if errs := again.ApplyStartup(strings.NewReader(first)); len(errs) > 0 {
		t.Fatalf("the rendered config does not load back: %v", errs)
	}
	if second := again.Engine.RunningConfig(); second != first {
		t.Errorf("the running-config changed on a second load:\n%s", second)
	}
}
