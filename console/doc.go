// Package console serves a router's IOS command line on a unix socket and is the client side of it.
// It owns the protocol, the line editor of terminal sessions (terminal.go, with the keys in keys.go and
// the screen in screen.go), the console login dialogue, and the clients: Dial for programs and Attach
// for a terminal (whose raw mode is internal/tty's).
//
// A router started with `--console PATH` listens on PATH; `labs console` and `labs cli` connect to it.
// Up to MaxConnections clients may be connected at once; each gets its own IOS session on the same
// engine, as several vty lines share one configuration on a real router. One more is refused with an
// error reply. A client has HelloTimeout to send its hello, of at most MaxHello bytes; a CLI request is
// at most MaxRequest bytes. An accept error (out of file descriptors) pauses the accept loop, as in
// net/http, and never ends it. Clients bound their waits too: Dial's timeout covers the connection and
// the first answer, and each reply may be silent for at most ReplyTimeout.
//
// # Protocol
//
// The client opens with one JSON line naming the mode:
//
//	{"mode":"terminal","rows":24,"cols":80}
//	{"mode":"cli"}
//
// Terminal mode is a raw character stream both ways, as on a telnet console: the server echoes what is
// typed and does the line editing itself (history with the arrow keys or Ctrl-P/Ctrl-N, Tab completion,
// `?` help without Return, Ctrl-Z and Ctrl-C to leave configuration mode, --More-- paging, Ctrl-^ x
// to interrupt ping or traceroute, watched by a key pump while the command runs), so syslog
// messages from the router can be printed above the line being typed and the line redrawn after them,
// as IOS does. The client only puts its terminal in raw mode and copies bytes.
//
// The same line editor serves remote terminals and the router's own terminal (cmd/router): ServeTerminal runs it over any byte stream (a telnet
// connection or an SSH channel, see package vty) with the window size the client negotiated as the
// terminal length, the line's exec-timeout as Idle and `clear line` as Done.
//
// CLI mode is for programs (`labs cli`, lab checks). The session starts in privileged EXEC without
// syslog output and paging, like a vty without `terminal monitor`. The server first sends a Reply with
// the prompt; then each request is one JSON line {"line":"show ip route"} (or {"complete":"sh"} for Tab
// candidates) answered by zero or more {"out":"..."} lines carrying the output exactly as the CLI
// prints it, then one Reply line {"end":true,"ok":...,"prompt":"R1#"}. ok is false when the line
// printed a `%` error; closed is true when the line ended the session (exit, logout).
//
// Events mode ({"mode":"events"}) is the router's stream of sampled packet events (package pktevent),
// for `labs web`. The server answers {"end":true,"ok":true} (or an error reply when the router has no
// stream or pktevent.MaxSubscribers watch it already), then writes one event a line and the client
// sends nothing more:
//
//	{"time":"...","kind":"nat","in":"GigabitEthernet0/1","proto":"tcp","src":"203.0.113.10:45000","dst":"203.0.113.100:21","new_src":"203.0.113.10:45000","new_dst":"192.168.2.10:21","created":true}
//	{"time":"...","kind":"acl","in":"GigabitEthernet0/1","proto":"tcp","src":"203.0.113.10:45000","dst":"203.0.113.100:21","list":"OUTSIDE_IN","dir":"in","rule":"permit tcp any host 203.0.113.100 eq ftp","action":"permit"}
//	{"time":"...","kind":"ftp","proto":"tcp","src":"192.168.2.10:21","dst":"203.0.113.10:45000","before":"227 Entering Passive Mode (192,168,2,10,156,64)","after":"227 Entering Passive Mode (203,0,113,100,156,64)","arith":"port 156*256+64 = 40000"}
//	{"time":"...","kind":"stats","stats":{"published":12,"sampled_out":0,"dropped":0}}
//
// nat is a translated packet (src/dst as it arrived, new_src/new_dst after; created when the
// translation was made for it), acl an access-group match (dir is "in", or "out" with out the
// sending interface; rule is the line as show access-lists prints it, empty for the implicit deny), ftp a rewritten PORT/227/EPRT/229 control line (src is its
// sender). Events are sampled (pktevent.DefaultRate a second; new translations and FTP rewrites
// always pass) and a client that reads slowly misses events rather than slowing the router: the stats
// line, every few seconds, counts what this connection dropped. DialEvents is the client.
package console
