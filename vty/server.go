package vty

import (
	"net"
	"strings"
	"time"

	"natlab/console"
	"natlab/internal/acceptloop"
	"natlab/ios"
)

// writeTimeout bounds a write to a client that stopped reading (refusals, negotiation).
const writeTimeout = 5 * time.Second

// Server serves the IOS CLI of one engine to telnet and SSH clients on the router's vty lines.
type Server struct {
	e     *ios.Engine
	lines Lines
}

// NewLines returns a server of engine e whose connections take lines from l.
func NewLines(e *ios.Engine, l Lines) *Server { return &Server{e: e, lines: l} }

// ServeTelnet accepts telnet clients on ln until ln is closed (then it returns nil). Each takes a vty
// line (a refusal is written to the client and the connection closed), runs the line's login
// dialogue and then an IOS session with the console's line editor.
func (s *Server) ServeTelnet(ln net.Listener) error { return serve(ln, s.serveTelnet) }

// serve runs handle on each connection of ln in its own goroutine.
func serve(ln net.Listener, handle func(net.Conn)) error {
	return acceptloop.Serve(ln, func(c net.Conn) { go handle(c) })
}

func (s *Server) serveTelnet(c net.Conn) {
	defer c.Close()
	req := request("telnet", c)
	line, err := s.lines.OpenVTY(req)
	if err != nil {
		refuse(c, err.Error())
		return
	}
	defer line.Close()
	tc := newTelnet(c)
	if tc.negotiate() != nil {
		return
	}
	login := func(t console.Terminal) bool {
		u, ok := line.Terminal(t)
		if ok && u != "" {
			line.SetUser(u)
		}
		return ok
	}
	console.ServeTerminal(tc, s.e, login, console.TerminalOptions{
		Resize:  tc.resize,
		Idle:    line.ExecTimeout(),
		Done:    line.Killed(),
		Input:   line.Activity,
		Session: func(sess *ios.Session) { prepare(sess, line) },
	})
}

// refuse writes why a connection gets no line, and leaves the closing to the caller.
func refuse(c net.Conn, msg string) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	msg = strings.TrimRight(msg, "\n")
	c.Write([]byte(strings.ReplaceAll(msg, "\n", "\r\n") + "\r\n"))
}
