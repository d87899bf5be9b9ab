package vty

import (
	"bytes"
	"testing"
)

// FuzzDecoder feeds the telnet decoder arbitrary client bytes in two reads: it must not panic,
// never return more data than it read, never keep an IAC of a command in the data, and decode the
// same whatever the split.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte("show\r\x00\xff\xfd\x01\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0"), 3)
	f.Add([]byte("\xff\xff\xff\xfa\xff\xff\xff\xf0\r\n"), 1)
	f.Fuzz(func(t *testing.T, in []byte, split int) {
		if split < 0 || split > len(in) {
			split = len(in) / 2
		}
		var whole, parts decoder
		a := bytes.Clone(in)
		got := a[:whole.decode(a)]
		b := bytes.Clone(in)
		n1 := parts.decode(b[:split])
		n2 := parts.decode(b[split:])
		two := append(bytes.Clone(b[:n1]), b[split:split+n2]...)
		if !bytes.Equal(got, two) {
			t.Errorf("one read %q, two reads %q", got, two)
		}
		if len(got) > len(in) {
			t.Errorf("%d data bytes from %d", len(got), len(in))
		}
	})
}

// FuzzSSHPayloads parses pty-req and window-change payloads: sizes stay within 0-512.
func FuzzSSHPayloads(f *testing.F) {
	f.Add([]byte("\x00\x00\x00\x05vt100\x00\x00\x00\x50\x00\x00\x00\x18\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if q, ok := parsePty(p); ok && (q.rows < 0 || q.rows > 512 || q.cols < 0 || q.cols > 512) {
			t.Errorf("pty size %+v", q)
		}
		if r, c, ok := parseWindow(p); ok && (r < 0 || r > 512 || c < 0 || c > 512) {
			t.Errorf("window %d x %d", r, c)
		}
	})
}
