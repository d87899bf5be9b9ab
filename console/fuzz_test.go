package console

import (
	"io"
	"net"
	"testing"
	"time"

	"natlab/ios"
)

// FuzzServe feeds arbitrary bytes to a console connection (the hello, CLI requests, terminal keys
// and escape sequences): the server must neither panic nor hang.
func FuzzServe(f *testing.F) {
	f.Add([]byte(`{"mode":"terminal"}` + "\nen\rconf t\rhostname X\r\x1a\x1b[A\x1b[D\x01\x05\x0b\x15\x17sh?\t\x7f\x08\x03exit\r"))
	f.Add([]byte(`{"mode":"cli"}` + "\n" + `{"line":"configure terminal"}` + "\n" + `{"complete":"ho"}` + "\n" + `{"line":"hostname ?"}` + "\n"))
	f.Add([]byte(`{"mode":"cli"}` + "\n{}\n"))
	f.Add([]byte("garbage\n"))
	f.Add([]byte(`{"mode":"terminal"}` + "\n\x1b[3~\x1b[1~\x1bO\x1b[99999999999"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e := ios.NewEngine()
		srv, cli := net.Pipe()
		done := make(chan struct{})
		go func() {
			newServer(e, nil).serveConn(srv)
			close(done)
		}()
		go io.Copy(io.Discard, cli)
		cli.Write(data)
		cli.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("the server did not finish on input %q", data)
		}
	})
}
