package main

import (
	"bufio"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"

	"natlab/console"
	"natlab/device"
	"natlab/internal/tty"
)

// `reload` replaces the running device.Device by a fresh one (device.Chassis). What this command holds
// across reloads lives here: the console socket, whose connections to the old router end as a real
// console shows the boot, and standard input, whose next keys or lines go to the new router.

// consoleSwitch serves the console socket for the running Device: one accept loop hands connections to
// the console server of the current generation; a reload ends that generation's connections.
type consoleSwitch struct {
	ln  net.Listener
	mu  sync.Mutex
	cur *consoleGen
}

// consoleGen is the console of one Device: a net.Listener for console.ServeWith.
type consoleGen struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	mu    sync.Mutex
	ended bool
	open  map[*genConn]struct{}
}

func newConsoleSwitch(ln net.Listener, d *device.Device) *consoleSwitch {
	s := &consoleSwitch{ln: ln}
	s.start(d)
	go s.accept()
	return s
}

// start serves d's engine on a new generation.
func (s *consoleSwitch) start(d *device.Device) {
	g := &consoleGen{addr: s.ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{}), open: map[*genConn]struct{}{}}
	s.mu.Lock()
	s.cur = g
	s.mu.Unlock()
	go console.ServeWith(g, d.Engine, console.Options{Login: d.ConsoleLogin, Events: d.Events})
}

// reloaded ends the old router's console connections and serves next.
func (s *consoleSwitch) reloaded(next *device.Device) {
	s.mu.Lock()
	old := s.cur
	s.mu.Unlock()
	s.start(next)
	old.end()
}

// accept hands each connection to the current generation until the socket closes.
func (s *consoleSwitch) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // closed: the router is exiting
		}
		for sent := false; !sent; {
			s.mu.Lock()
			g := s.cur
			s.mu.Unlock()
			select {
			case g.conns <- c:
				sent = true
			case <-g.done: // reloaded meanwhile: the next generation takes it
			}
		}
	}
}

// Accept implements net.Listener.
func (g *consoleGen) Accept() (net.Conn, error) {
	select {
	case c := <-g.conns:
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.ended {
			c.Close() // a connection that raced the reload sees it as the others do
			return nil, net.ErrClosed
		}
		gc := &genConn{Conn: c, g: g}
		g.open[gc] = struct{}{}
		return gc, nil
	case <-g.done:
		return nil, net.ErrClosed
	}
}

// end closes the generation and every connection it served.
func (g *consoleGen) end() {
	g.mu.Lock()
	g.ended = true
	close(g.done)
	conns := make([]*genConn, 0, len(g.open))
	for c := range g.open {
		conns = append(conns, c)
	}
	g.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (g *consoleGen) Close() error   { return nil } // the socket is the switch's
func (g *consoleGen) Addr() net.Addr { return g.addr }

// genConn is a console connection that leaves its generation's set when closed.
type genConn struct {
	net.Conn
	g    *consoleGen
	once sync.Once
}

func (c *genConn) Close() error {
	c.once.Do(func() {
		c.g.mu.Lock()
		delete(c.g.open, c)
		c.g.mu.Unlock()
	})
	return c.Conn.Close()
}

// keyHandoff shares the router's own terminal between the sessions of successive Devices. Reads are
// serialized: the key reader of a session that a reload ended may still wait for a key; the key it
// gets then goes to the new session.
type keyHandoff struct {
	r       io.Reader
	mu      sync.Mutex // held across r.Read
	pending []byte     // guarded by mu
	cur     atomic.Pointer[keyLease]
}

// keyLease is one session's use of the terminal; done ends that session (console.TerminalOptions.Done).
type keyLease struct {
	h       *keyHandoff
	retired atomic.Bool
	done    chan struct{}
}

// maxPendingKeys bounds the keys handed from a retired reader to the next.
const maxPendingKeys = 4096

func (h *keyHandoff) lease() *keyLease {
	l := &keyLease{h: h, done: make(chan struct{})}
	if old := h.cur.Swap(l); old != nil {
		old.retire()
	}
	return l
}

func (l *keyLease) retire() {
	if !l.retired.Swap(true) {
		close(l.done)
	}
}

func (l *keyLease) Read(p []byte) (int, error) {
	h := l.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if l.retired.Load() {
		return 0, io.EOF
	}
	if len(h.pending) > 0 {
		n := copy(p, h.pending)
		h.pending = h.pending[n:]
		return n, nil
	}
	n, err := h.r.Read(p)
	if l.retired.Load() {
		h.pending = append(h.pending, p[:min(n, maxPendingKeys-len(h.pending))]...)
		return 0, io.EOF
	}
	return n, err
}

// runLocalTerminals runs the router's own terminal (raw mode) on the running Device, and again on
// the next one after each reload, until a session ends without a reload (exit).
func runLocalTerminals(ch *device.Chassis, in, out *os.File, reloads *keyHandoff) error {
	restore, err := tty.Raw(in)
	if err != nil {
		return err
	}
	defer restore()
	for {
		d := ch.Device()
		l := reloads.lease()
		console.ServeTerminal(struct {
			io.Reader
			io.Writer
		}{l, out}, d.Engine, d.ConsoleLogin, console.TerminalOptions{Done: l.done})
		io.WriteString(out, "\r\n")
		if ch.Device() == d {
			return nil
		}
	}
}

// lineAtATime returns at most one line per Read, so that a session's script reader never holds lines
// that the next Device's session should run after a reload.
type lineAtATime struct{ r *bufio.Reader }

func (l lineAtATime) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
		if b == '\n' {
			break
		}
	}
	return n, nil
}

// runScript runs standard input's lines on the running Device, the rest on the next one after a
// reload, until the input ends or a session exits.
func runScript(ch *device.Chassis, in io.Reader, out io.Writer) {
	lines := lineAtATime{bufio.NewReader(in)}
	for {
		d := ch.Device()
		d.Engine.NewSession(out).RunScript(lines)
		if ch.Device() == d {
			return
		}
	}
}
