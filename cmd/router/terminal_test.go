package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"natlab/device"
	"natlab/internal/tty"
)

// ptyScreen is the far side of a pseudo-terminal the router's terminal runs on: what it printed.
type ptyScreen struct {
	t   *testing.T
	ptm *os.File
	ch  chan []byte
	buf bytes.Buffer
}

// startLocalTerminal runs the router's own terminal on a new pty, for a router named R1.
func startLocalTerminal(t *testing.T) *ptyScreen {
	ptm, pts, err := tty.OpenPTY()
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	d := device.New(device.Options{Interfaces: 2})
	d.Engine.SetHostname("R1")
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		if err := runLocalTerminal(d, pts, pts); err != nil {
			t.Errorf("runLocalTerminal: %v", err)
		}
	}()
	p := &ptyScreen{t: t, ptm: ptm, ch: make(chan []byte, 256)}
	go func() {
		defer close(p.ch)
		for {
			b := make([]byte, 4096)
			n, err := ptm.Read(b)
			if n > 0 {
				p.ch <- b[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		p.send("\x1a\x03end\rexit\r") // leave whatever mode, then end the session
		select {
		case <-ended:
		case <-time.After(3 * time.Second):
			t.Errorf("the terminal did not end after exit")
		}
		pts.Close()
		ptm.Close()
		d.Close()
	})
	return p
}

func (p *ptyScreen) send(s string) { p.ptm.Write([]byte(s)) }

// expect reads until the screen holds want and returns what was read up to and including it.
func (p *ptyScreen) expect(want string) string {
	p.t.Helper()
	timeout := time.After(3 * time.Second)
	for !strings.Contains(p.buf.String(), want) {
		select {
		case b, ok := <-p.ch:
			if !ok {
				p.t.Fatalf("terminal closed; screen %q, want %q", p.buf.String(), want)
			}
			p.buf.Write(b)
		case <-timeout:
			p.t.Fatalf("screen %q, want %q", p.buf.String(), want)
		}
	}
	s := p.buf.String()
	i := strings.Index(s, want) + len(want)
	p.buf.Reset()
	p.buf.WriteString(s[i:])
	return s[:i]
}

// quiet reports what arrives within d (nothing, when the terminal is idle).
func (p *ptyScreen) quiet(d time.Duration) string {
	timeout := time.After(d)
	for {
		select {
		case b, ok := <-p.ch:
			if !ok {
				return p.buf.String()
			}
			p.buf.Write(b)
		case <-timeout:
			s := p.buf.String()
			p.buf.Reset()
			return s
		}
	}
}

// TestLocalTerminal: the router's own terminal echoes what is typed and nothing else (no completion
// box), Tab completes a unique word and leaves an ambiguous one, `?` answers without Return, Ctrl-C
// leaves configuration mode with ^C, and Ctrl-^ x stops a traceroute.
func TestLocalTerminal(t *testing.T) {
	p := startLocalTerminal(t)
	p.expect("R1>")
	p.send("enable\r")
	p.expect("R1#")
	p.send("show clock")
	if got := p.quiet(200 * time.Millisecond); got != "show clock" {
		t.Errorf("typing show clock echoed %q", got)
	}
	p.send("\r")
	out := p.expect("R1#")
	if !strings.HasPrefix(out, "\r\n") || !strings.Contains(out, ":") {
		t.Errorf("show clock printed %q", out)
	}
	// Tab: "sh" completes to "show "; "s" is ambiguous (show, ssh, ...) and stays.
	p.send("sh\t")
	if got := p.quiet(200 * time.Millisecond); !strings.HasSuffix(got, "R1#show ") {
		t.Errorf("Tab after sh: %q", got)
	}
	p.send("\x15s\t") // Ctrl-U clears the line
	if got := p.quiet(200 * time.Millisecond); !strings.HasSuffix(got, "R1#s") {
		t.Errorf("Tab after an ambiguous s: %q", got)
	}
	p.send("\x15show cl?")
	got := p.expect("?\r\n")
	got += p.expect("\r\nR1#show cl")
	if !strings.Contains(got, "clock") {
		t.Errorf("? after show cl: %q", got)
	}
	p.send("\x15configure terminal\r")
	p.expect("R1(config)#")
	p.send("interface gi0/0\r")
	p.expect("R1(config-if)#")
	p.send("desc\x03")
	if got := p.expect("R1#"); !strings.Contains(got, "desc^C\r\n") {
		t.Errorf("Ctrl-C in config mode: %q", got)
	}
	p.send("traceroute 198.18.0.1\r")
	p.expect("Tracing the route to 198.18.0.1")
	time.Sleep(100 * time.Millisecond)
	begin := time.Now()
	p.send("\x1ex")
	p.expect("R1#")
	if d := time.Since(begin); d > time.Second {
		t.Errorf("the traceroute stopped after %v", d)
	}
}
