package labs

import (
	"bytes"
	"testing"

	"natlab/internal/golden"
)

func TestGraphs(t *testing.T) {
	top, err := LoadShipped(DefaultLab)
	if err != nil {
		t.Fatal(err)
	}
	var m, d bytes.Buffer
	top.Mermaid(&m)
	top.Dot(&d)
	golden.Compare(t, "testdata/ftp-nat.mermaid.golden", m.String())
	golden.Compare(t, "testdata/ftp-nat.dot.golden", d.String())
}

func TestSelectTasks(t *testing.T) {
	all := []*Task{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	if got, err := selectTasks(all, nil); err != nil || len(got) != 3 {
		t.Errorf("all: %v %v", got, err)
	}
	if got, err := selectTasks(all, []string{"c", "a"}); err != nil || got[0].Name != "c" || got[1].Name != "a" {
		t.Errorf("c a: %v %v", got, err)
	}
	if _, err := selectTasks(all, []string{"x"}); err == nil {
		t.Error("unknown task: no error")
	}
	if _, err := selectTasks(nil, nil); err != ErrNoTasks {
		t.Errorf("no tasks: %v", err)
	}
}

func TestStripConfigHeader(t *testing.T) {
	in := "Building configuration...\n\nCurrent configuration : 42 bytes\n!\nhostname R1\n!\nend\n"
	if got := stripConfigHeader(in); got != "!\nhostname R1\n!\nend\n" {
		t.Errorf("got %q", got)
	}
}
