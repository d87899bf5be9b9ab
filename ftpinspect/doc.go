// Package ftpinspect is the router's FTP inspection engine (an application
// level gateway in RFC 2663 terms, "ip inspect name NAME ftp" in IOS terms).
//
// It reads the FTP control channel (RFC 959, RFC 2428), finds the data
// endpoints that the two sides announce (PORT, EPRT, 227 and 229), checks
// them (the address must be the sender's own, the port 1024 or above, a
// reply must answer the command it claims to answer), rewrites the address
// and port that NAT changed, and opens exactly one short-lived pinhole for
// each announced data connection.
//
// The package has four layers, each usable and tested on its own:
//
//   - parse.go, command.go: line parsers, pure functions over one line;
//   - seqadj.go, stream.go: per-direction byte stream state (line assembly
//     across segments, held partial lines, the list of edits and the
//     sequence, acknowledgment and SACK mapping they imply);
//   - conn.go, expect.go: per control connection state (command/reply
//     pairing, AUTH TLS) and the pinhole table;
//   - inspector.go: the packet entry point on raw IPv4 bytes.
//
// NAT is reached only through the Translator interface (nat.go), so the
// engine runs and is tested without it. README.md states the behaviour
// decisions and pins each to a test.
package ftpinspect
