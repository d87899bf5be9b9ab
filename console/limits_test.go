package console

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"natlab/ios"
)

// serveWith starts a server with test limits on a fresh socket.
func serveWith(t *testing.T, srv *server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r1.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.serve(ln) }()
	t.Cleanup(func() {
		ln.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return path
}

// readAll reads what the server sends until it closes, failing after d.
func readAll(t *testing.T, c net.Conn, d time.Duration) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	c.SetReadDeadline(start.Add(d))
	b, err := io.ReadAll(c)
	if errors.Is(err, syscall.ECONNRESET) && len(b) > 0 {
		err = nil // the server closed with the rest of a long hello unread
	}
	if err != nil {
		t.Fatalf("the server did not close the connection within %v (read %q): %v", d, b, err)
	}
	return string(b), time.Since(start)
}

// TestHelloTimeout: a client that never sends its hello is closed after the
// hello timeout.
func TestHelloTimeout(t *testing.T) {
	srv := newServer(ios.NewEngine(), nil)
	srv.helloTimeout = 200 * time.Millisecond
	path := serveWith(t, srv)
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got, took := readAll(t, c, 3*time.Second)
	if took < 150*time.Millisecond || !strings.Contains(got, "no hello") {
		t.Errorf("closed after %v with %q, want the hello-timeout error after 200ms", took, got)
	}
}

// TestHelloTooLong: an over-long hello is refused without being read
// whole: the server stops after its bound.
func TestHelloTooLong(t *testing.T) {
	path := serveWith(t, newServer(ios.NewEngine(), nil))
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var sent int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		chunk := []byte(`{"mode":"` + strings.Repeat("x", 64*1024))
		c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		for sent < 300<<20 {
			n, err := c.Write(chunk)
			sent += int64(n)
			if err != nil {
				return
			}
		}
	}()
	got, _ := readAll(t, c, 5*time.Second)
	c.Close()
	wg.Wait()
	if !strings.Contains(got, "hello line is longer than") {
		t.Errorf("reply %q, want the too-long refusal", got)
	}
	if sent > 16<<20 {
		t.Errorf("the server read %d bytes of the hello before refusing it", sent)
	}
}

// TestConnectionLimit: over the limit a connection is refused with a
// message; once one closes, a new one is served again.
func TestConnectionLimit(t *testing.T) {
	srv := newServer(ios.NewEngine(), nil)
	srv.maxConns = 2
	path := serveWith(t, srv)
	var held []*Client
	for i := 0; i < 2; i++ {
		cl, err := Dial(path, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, cl)
	}
	_, err := Dial(path, time.Second)
	if err == nil || !strings.Contains(err.Error(), "too many console connections (2)") {
		t.Fatalf("third connection: %v, want refused", err)
	}
	held[0].Close()
	deadline := time.Now().Add(3 * time.Second)
	for {
		cl, err := Dial(path, time.Second)
		if err == nil {
			cl.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after a close, still refused: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	held[1].Close()
}

// flakyListener fails its first Accept calls as a process out of file
// descriptors does.
type flakyListener struct {
	net.Listener
	mu    sync.Mutex
	fails int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.fails > 0 {
		l.fails--
		l.mu.Unlock()
		return nil, &net.OpError{Op: "accept", Net: "unix", Err: syscall.EMFILE}
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

// TestAcceptErrorKeepsServing: an accept error does not end serving.
func TestAcceptErrorKeepsServing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r1.sock")
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	fl := &flakyListener{Listener: ln, fails: 5}
	done := make(chan error, 1)
	go func() { done <- Serve(fl, ios.NewEngine()) }()
	cl, err := Dial(path, 3*time.Second)
	if err != nil {
		t.Fatalf("after accept errors: %v", err)
	}
	cl.Close()
	ln.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Error("Serve did not return after the listener closed")
	}
}

// TestRequestTooLong: a CLI request over the bound ends the connection
// with an error instead of filling memory.
func TestRequestTooLong(t *testing.T) {
	srv := newServer(ios.NewEngine(), nil)
	srv.maxRequest = 1024
	path := serveWith(t, srv)
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(`{"mode":"cli"}` + "\n"))
	r := bufio.NewReader(c)
	r.ReadString('\n') // the first prompt
	go c.Write([]byte(`{"line":"` + strings.Repeat("y", 4096) + "\"}\n"))
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	got, _ := io.ReadAll(r)
	if !strings.Contains(string(got), "request line is longer than 1024 bytes") {
		t.Errorf("reply %q", got)
	}
}

// silentRouter accepts connections and never answers.
func silentRouter(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "silent.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return path
}

// TestDialSilentRouter: Dial gives up on a router that accepts and never
// answers, with an error that says so.
func TestDialSilentRouter(t *testing.T) {
	path := silentRouter(t)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		cl, err := Dial(path, 300*time.Millisecond)
		if err == nil {
			cl.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "did not answer within 300ms") {
			t.Errorf("Dial: %v, want the no-answer error", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("Dial took %v", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Dial hangs on a router that never answers")
	}
}

// TestRunSilentRouter: a line sent to a router that stops answering fails
// after the client's reply timeout.
func TestRunSilentRouter(t *testing.T) {
	path := silentRouter(t)
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	cl := &Client{c: c, r: bufio.NewReader(c), replyTimeout: 200 * time.Millisecond}
	defer cl.Close()
	done := make(chan error, 1)
	go func() { _, err := cl.Run("show version", io.Discard); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "did not answer") {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run hangs on a router that never answers")
	}
}

// TestAttachRefused: a terminal client over the limit gets the router's
// reason as its error, not raw JSON on the screen.
func TestAttachRefused(t *testing.T) {
	srv := newServer(ios.NewEngine(), nil)
	srv.maxConns = 1
	path := serveWith(t, srv)
	held, err := Dial(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	in, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	defer w.Close()
	var out strings.Builder
	err = Attach(path, in, &out)
	if err == nil || !strings.Contains(err.Error(), "too many console connections") || out.Len() != 0 {
		t.Errorf("Attach: %v, screen %q", err, out.String())
	}
}
