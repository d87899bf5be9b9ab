package stack

import (
	"io"
	"testing"
	"time"
)

// BenchmarkAcceptEcho measures a whole short session over mem ports, as an
// automation tool's login costs the stack: connect to the router, one
// 64-byte exchange echoed, close (the client's and the server's FIN).
func BenchmarkAcceptEcho(b *testing.B) {
	l := newLab(b)
	ln, err := l.s.Listen(22)
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go echo(ln, nil)
	msg := make([]byte, 64)
	got := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := l.host.dial(rInside.Addr(), 22, 5*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, got); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkEchoThroughput measures bulk data echoed over one connection
// (both directions through the router and the stack); SetBytes counts the
// bytes sent.
func BenchmarkEchoThroughput(b *testing.B) {
	l := newLab(b)
	ln, err := l.s.Listen(22)
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go echo(ln, nil)
	c, err := l.host.dial(rInside.Addr(), 22, 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	const chunk = 64 << 10
	msg := make([]byte, chunk)
	got := make([]byte, chunk)
	b.SetBytes(chunk)
	b.ReportAllocs()
	b.ResetTimer()
	errc := make(chan error, 1)
	go func() {
		for i := 0; i < b.N; i++ {
			if _, err := c.Write(msg); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	for i := 0; i < b.N; i++ {
		if _, err := io.ReadFull(c, got); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
}
