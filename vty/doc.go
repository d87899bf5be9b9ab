// Package vty serves the router's IOS command line to remote clients on its vty lines: telnet
// (RFC 854 with ECHO, SGA and NAWS; RFC 857, 858, 1073) and SSH version 2 (golang.org/x/crypto/ssh).
//
// Each connection takes a vty line from Lines (package system: the lowest free line whose
// `transport input` and `access-class` admit it) and frees it when it ends. A telnet client sees the
// line's login dialogue, then an IOS session in the console's line editor (console.ServeTerminal)
// whose terminal length is the window height the client negotiated. An SSH client authenticates in
// the protocol (password or keyboard-interactive, checked by the line) within `ip ssh time-out` and
// `ip ssh authentication-retries`, then opens one session channel: a shell, or one exec command as
// `ssh R1 'show version'` sends. Without an RSA key there is no SSH server, as on IOS.
//
// Sessions start at the line's privilege level, without syslog output until `terminal monitor`, and
// name "USER on vtyN (A.B.C.D)" in %SYS-5-CONFIG_I. The line's exec-timeout ends an idle session;
// `clear line` ends it at once.
package vty
