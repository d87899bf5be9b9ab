package console

import (
	"bufio"
	"bytes"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"natlab/ios"
)

func serve(t *testing.T) (string, *ios.Engine) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r1.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	e := ios.NewEngine()
	done := make(chan error, 1)
	go func() { done <- Serve(ln, e) }()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return path, e
}

func TestCLISession(t *testing.T) {
	path, _ := serve(t)
	cl, err := Dial(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if cl.Prompt() != "Router#" {
		t.Errorf("first prompt %q, want Router# (CLI sessions start in privileged EXEC)", cl.Prompt())
	}
	tests := []struct {
		line   string
		ok     bool
		prompt string
		out    string // substring of the output
	}{
		{"configure terminal", true, "Router(config)#", ""},
		{"hostname R9", true, "R9(config)#", ""},
		{"hostnam", false, "R9(config)#", "% Incomplete command."},
		{"end", true, "R9#", ""},
		{"show running-config", true, "R9#", "hostname R9"},
		{"bogus words here", false, "R9#", "% Invalid input detected at '^' marker."},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		ok, err := cl.Run(tt.line, &out)
		if err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		if ok != tt.ok || cl.Prompt() != tt.prompt || !strings.Contains(out.String(), tt.out) {
			t.Errorf("%q: ok=%v prompt=%q out=%q; want ok=%v prompt=%q out containing %q", tt.line, ok, cl.Prompt(), out.String(), tt.ok, tt.prompt, tt.out)
		}
	}
	if c, err := cl.Complete("conf"); err != nil || len(c) != 1 || c[0] != "configure" {
		t.Errorf("Complete(conf) = %q, %v; want [configure]", c, err)
	}
	if _, err := cl.Run("exit", &bytes.Buffer{}); err != nil || !cl.Closed() {
		t.Errorf("exit: err=%v closed=%v; want the session closed", err, cl.Closed())
	}
}

// term is a raw terminal client for tests.
type term struct {
	t   *testing.T
	c   net.Conn
	buf bytes.Buffer
	ch  chan byte
}

func dialTerm(t *testing.T, path string) *term {
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.Write([]byte(`{"mode":"terminal"}` + "\n"))
	tm := &term{t: t, c: c, ch: make(chan byte, 1<<16)}
	go func() {
		r := bufio.NewReader(c)
		for {
			b, err := r.ReadByte()
			if err != nil {
				close(tm.ch)
				return
			}
			tm.ch <- b
		}
	}()
	return tm
}

// expect reads until the screen output contains want, returning everything read so far.
func (tm *term) expect(want string) string {
	tm.t.Helper()
	timeout := time.After(3 * time.Second)
	for !strings.Contains(tm.buf.String(), want) {
		select {
		case b, ok := <-tm.ch:
			if !ok {
				tm.t.Fatalf("connection closed; screen %q, want %q", tm.buf.String(), want)
			}
			tm.buf.WriteByte(b)
		case <-timeout:
			tm.t.Fatalf("screen %q, want %q", tm.buf.String(), want)
		}
	}
	s := tm.buf.String()
	tm.buf.Reset()
	return s
}

func (tm *term) send(s string) { tm.c.Write([]byte(s)) }

func TestTerminalEditing(t *testing.T) {
	path, e := serve(t)
	a := dialTerm(t, path)
	a.expect("Router>")
	a.send("en\r")
	a.expect("Router#")
	a.send("conf\t")
	a.expect("configure ")
	a.send("t\r")
	a.expect("Router(config)#")
	a.send("hostname ?")
	help := a.expect("WORD")
	a.expect("Router(config)#hostname ")
	if !strings.Contains(help, "WORD") {
		t.Errorf("help after 'hostname ?': %q, want the WORD line", help)
	}
	a.send("R7\r")
	a.expect("R7(config)#")
	// A second console on the same router at the same time sees the new name and gets the log line
	// the first one causes, above its own half-typed line, which is redrawn.
	b := dialTerm(t, path)
	b.expect("R7>")
	b.send("sho")
	b.expect("sho")
	a.send("\x1a")
	a.expect("R7#")
	// An IOS question reads its answer from the same keyboard.
	a.send("copy running-config startup-config\r")
	a.expect("Destination filename [startup-config]?")
	a.send("\r")
	a.expect("[OK]")
	a.expect("R7#")
	got := b.expect("R7>sho")
	if !strings.Contains(got, "%SYS-5-CONFIG_I") {
		t.Errorf("second console: %q, want the CONFIG_I log line then the line redrawn", got)
	}
	// History: the up arrow recalls the last EXEC line.
	b.send("\x15en\r")
	b.expect("R7#")
	b.send("\x1b[A")
	b.expect("R7#en")
	b.send("\x15exit\r")
	select {
	case _, ok := <-b.ch:
		for ok {
			_, ok = <-b.ch
		}
	case <-time.After(3 * time.Second):
		t.Error("exit did not close the console")
	}
	if e.Hostname() != "R7" {
		t.Errorf("hostname %q", e.Hostname())
	}
}
