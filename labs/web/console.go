package web

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"natlab/console"
)

// console bridges a WebSocket to a router's console socket in terminal mode: the browser's keys go
// to the router as they are typed, the router's screen comes back as binary messages.
func (s *Server) console(w http.ResponseWriter, r *http.Request) {
	node := r.URL.Query().Get("node")
	path, err := s.lab.ConsolePath(node)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	rows, cols := dim(r, "rows", 24), dim(r, "cols", 80)
	c, err := net.DialTimeout("unix", path, 2*time.Second)
	if err != nil {
		http.Error(w, node+": the router does not answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer c.Close()
	// Accept checks that the page asking is this server's (the Origin header): the console is the
	// router's enable prompt, no other site may open it from a browser.
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer ws.CloseNow()
	hello := console.Hello{Mode: console.ModeTerminal, Rows: rows, Cols: cols}
	if err := writeLine(c, hello); err != nil {
		ws.Close(websocket.StatusInternalError, "console: "+err.Error())
		return
	}
	Bridge(r.Context(), ws, c)
}

// Bridge copies bytes both ways between a WebSocket and a console connection until either ends.
func Bridge(ctx context.Context, ws *websocket.Conn, c net.Conn) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nc := websocket.NetConn(ctx, ws, websocket.MessageBinary)
	done := make(chan struct{}, 2)
	go func() { io.Copy(c, nc); done <- struct{}{} }()
	go func() { io.Copy(nc, c); done <- struct{}{} }()
	<-done
	ws.Close(websocket.StatusNormalClosure, "console closed")
	c.Close()
}

// dim reads a terminal dimension from the query, within what a terminal can be.
func dim(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n < 2 || n > 500 {
		return def
	}
	return n
}

func writeLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
