// Package acceptloop is the accept loop of the router's servers (the console
// socket, SSH, telnet): an accept error (out of file descriptors, an aborted
// connection) pauses the loop with a growing delay, as net/http does, and
// never ends it; a closed listener ends it.
package acceptloop

import (
	"errors"
	"net"
	"time"
)

// MaxDelay caps the pause between accept retries.
const MaxDelay = time.Second

// Serve accepts connections on ln and hands each to handle, which runs on
// the loop's goroutine and must not block (start a goroutine). It returns
// nil once ln is closed.
func Serve(ln net.Listener, handle func(net.Conn)) error {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			// EMFILE, ENFILE, ECONNABORTED...: the listener still works once the cause passes.
			delay = min(max(2*delay, 5*time.Millisecond), MaxDelay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		handle(c)
	}
}
