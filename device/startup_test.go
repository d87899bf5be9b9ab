package device

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"natlab/ios"
)

// TestLoadStartupLongLine: a startup-config line over the line limit is
// reported with its number, and every line after it still loads.
func TestLoadStartupLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "startup-config")
	cfg := "hostname Before\ninterface GigabitEthernet0/2\n description " + strings.Repeat("d", ios.MaxLineLength+100) +
		"\n ip address 10.2.2.1 255.255.255.0\n no shutdown\nhostname After\n"
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Clock: fixedClock})
	defer d.Close()
	var errs strings.Builder
	if err := d.LoadStartup(path, &errs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs.String(), path+":3: ") || !strings.Contains(errs.String(), "% Line too long: 1048689 bytes") || errs.Len() > 1024 {
		t.Errorf("errors %.400q", errs.String())
	}
	if got := d.Engine.Hostname(); got != "After" {
		t.Errorf("hostname %q: loading stopped at the long line", got)
	}
	if rc := d.Engine.RunningConfig(); !strings.Contains(rc, " ip address 10.2.2.1 255.255.255.0\n") {
		t.Errorf("the address after the long line is missing:\n%s", rc)
	}
}

// TestLoadStartupErrorsPrintable: a startup-config line with escape
// sequences and NULs is reported without them reaching the terminal.
func TestLoadStartupErrorsPrintable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "startup-config")
	if err := os.WriteFile(path, []byte("hostname R1\n\x1b[2J\x1b]0;owned\x07bogus\x00\ninterface Gi0/9\x1b[31m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Clock: fixedClock})
	defer d.Close()
	var errs strings.Builder
	if err := d.LoadStartup(path, &errs); err != nil {
		t.Fatal(err)
	}
	out := errs.String()
	for _, b := range []byte{0x1b, 0x00, 0x07} {
		if strings.IndexByte(out, b) >= 0 {
			t.Errorf("error output holds byte %#x: %q", b, out)
		}
	}
	if !strings.Contains(out, ":2: ^[[2J^[]0;owned^Gbogus^@") || !strings.Contains(out, ":3: interface Gi0/9^[[31m") {
		t.Errorf("error output %q", out)
	}
}

// TestStartupPasswordsSurviveReload: passwords and descriptions whose text
// looks like a type or holds blanks keep their value through write memory
// and a restart of the whole router.
func TestStartupPasswordsSurviveReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "startup-config")
	d1 := New(Options{Clock: fixedClock})
	defer d1.Close()
	d1.Engine.SetStartupPath(path)
	s := d1.Engine.NewSession(nil)
	s.SetMode(ios.Config)
	for _, line := range []string{"enable password 0 7", "line vty 0 4", " password 0 0", "username u password 0 7 x",
		"interface GigabitEthernet0/1", " description 0  two  blanks !", "end", "write memory"} {
		if !s.Execute(line) {
			t.Fatalf("%q failed", line)
		}
	}
	d2 := New(Options{Clock: fixedClock})
	defer d2.Close()
	var errs strings.Builder
	if err := d2.LoadStartup(path, &errs); err != nil || errs.Len() != 0 {
		t.Fatalf("reload: %v %s", err, errs.String())
	}
	if !d2.System.CheckEnable("7") {
		t.Error("the enable password 7 is lost on reload")
	}
	if a, b := d1.Engine.RunningConfig(), d2.Engine.RunningConfig(); a != b {
		t.Errorf("running-config differs after reload:\n%s\n---\n%s", a, b)
	}
}
