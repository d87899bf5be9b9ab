// Package web is `labs web`: an HTTP server that shows a running lab live in a browser.
//
// One page (assets/, embedded: it needs no internet) draws the topology as SVG from the lab's
// topology and state, with each router interface's address and line state; shows each router's
// `show ip nat translations`, `show ip inspect sessions` and `show access-lists` as the router prints
// them, refreshed every second; streams the routers' sampled packet events (the console socket's
// events mode, package pktevent) with what each router did to a packet; and opens a router's console
// in the page (xterm.js on a WebSocket the server bridges to the console socket in terminal mode).
//
// The server keeps one CLI session and one events subscription per router, whatever the number of
// browsers: a Poller per router runs the show commands, an event Hub keeps the last MaxEvents events
// and hands them to each browser over Server-Sent Events.
//
// HTTP API (all JSON unless said):
//
//	GET /                        the page
//	GET /assets/NAME             its scripts and styles (app.js, app.css, xterm.js, xterm.css)
//	GET /api/topology            nodes (kind, state, interfaces and addresses) and links
//	GET /api/state               per router: the show outputs, interfaces (address, status, protocol), when, error
//	GET /api/events              text/event-stream: one "data: {...}" per event (Item), the backlog first
//	GET /ws/console?node=R&rows=N&cols=M   WebSocket: the router's console, raw bytes both ways
//
// The WebSocket library is github.com/coder/websocket: context-aware, no dependencies, and its
// NetConn adapter turns the socket into a net.Conn, so the console bridge is two io.Copy calls.
package web
