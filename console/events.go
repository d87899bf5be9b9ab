package console

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"natlab/ios"
	"natlab/pktevent"
)

// The events mode: after {"mode":"events"} the server answers one Reply
// ({"end":true,"ok":true}, or an error when the router has no stream or
// too many watchers) and then writes one pktevent.Event a line as the
// router publishes them, with a {"kind":"stats",...} line every few
// seconds (the stream's counters; it also shows the connection is alive).
// The client sends nothing more; closing the connection unsubscribes.

// eventsStatsEvery is how often an events connection gets a stats line.
const eventsStatsEvery = 5 * time.Second

// eventsQueue is an events connection's queue: events beyond it, while the
// client is slow to read, are dropped and counted.
const eventsQueue = 512

// Options configure ServeWith.
type Options struct {
	// Login is the terminal connections' login dialogue; nil is none.
	Login Login
	// Events is the router's packet-event stream for the events mode; nil
	// refuses the mode.
	Events *pktevent.Bus
}

// ServeWith is Serve with a login dialogue and an events stream.
func ServeWith(ln net.Listener, e *ios.Engine, o Options) error {
	srv := newServer(e, o.Login)
	srv.events = o.Events
	return srv.serve(ln)
}

func serveEvents(c net.Conn, r *bufio.Reader, bus *pktevent.Bus, statsEvery time.Duration) {
	reply := func(v any) error {
		c.SetWriteDeadline(time.Now().Add(writeTimeout))
		return writeJSON(c, v)
	}
	if bus == nil {
		reply(Reply{End: true, Error: "console: this router has no event stream"})
		return
	}
	sub, err := bus.Subscribe(eventsQueue)
	if err != nil {
		reply(Reply{End: true, Error: "console: " + err.Error()})
		return
	}
	defer sub.Close()
	if reply(Reply{End: true, OK: true}) != nil {
		return
	}
	// The client sends nothing: a read returns when it closes.
	gone := make(chan struct{})
	go func() {
		io.Copy(io.Discard, r)
		close(gone)
	}()
	tick := time.NewTicker(statsEvery)
	defer tick.Stop()
	for {
		var v any
		select {
		case ev := <-sub.C:
			v = ev
		case <-tick.C:
			st := bus.Stats()
			st.Dropped = sub.Dropped()
			v = pktevent.Event{Time: time.Now(), Kind: pktevent.KindStats, Stats: &st}
		case <-gone:
			return
		}
		if reply(v) != nil {
			return
		}
	}
}

// maxEventLine bounds one line of the events stream on the client (an FTP
// event carries two control lines of at most 512 bytes, JSON-escaped).
const maxEventLine = 64 << 10

// Events is the client side of an events-mode connection.
type Events struct {
	c net.Conn
	s *bufio.Scanner
}

// DialEvents subscribes to the packet events of the router whose console
// socket is path. timeout bounds the connection and the router's answer.
func DialEvents(path string, timeout time.Duration) (*Events, error) {
	c, err := net.DialTimeout("unix", path, timeout)
	if err != nil {
		return nil, err
	}
	c.SetDeadline(time.Now().Add(timeout))
	if err := writeJSON(c, Hello{Mode: ModeEvents}); err != nil {
		c.Close()
		return nil, err
	}
	s := bufio.NewScanner(c)
	s.Buffer(make([]byte, 4096), maxEventLine)
	if !s.Scan() {
		c.Close()
		if s.Err() != nil {
			return nil, s.Err()
		}
		return nil, errors.New("console: the router closed the events connection")
	}
	var rep Reply
	if err := json.Unmarshal(s.Bytes(), &rep); err != nil {
		c.Close()
		return nil, fmt.Errorf("console: bad answer to the events hello: %v", err)
	}
	if rep.Error != "" {
		c.Close()
		return nil, errors.New(rep.Error)
	}
	c.SetDeadline(time.Time{})
	return &Events{c: c, s: s}, nil
}

// Next waits for the next event (stats lines included). It returns io.EOF
// when the router closes the stream.
func (e *Events) Next() (pktevent.Event, error) {
	var ev pktevent.Event
	if !e.s.Scan() {
		if err := e.s.Err(); err != nil {
			return ev, err
		}
		return ev, io.EOF
	}
	err := json.Unmarshal(e.s.Bytes(), &ev)
	return ev, err
}

// SetDeadline bounds the wait of Next.
func (e *Events) SetDeadline(t time.Time) error { return e.c.SetReadDeadline(t) }

// Close ends the subscription.
func (e *Events) Close() error { return e.c.Close() }
