// Package ftpinspect is the router's stateful inspection: IOS's
// Context-Based Access Control (`ip inspect`) with its FTP application
// level gateway (RFC 2663), and NAT's FTP payload fixup.
//
// It owns:
//
//   - the FTP engine (Inspector): it reads the FTP control channel (RFC
//     959, RFC 2428), finds the data endpoints the two sides announce
//     (PORT, EPRT, 227 and 229), checks them (the address must be the
//     sender's own, the port 1024 or above, a reply must answer the command
//     it claims to answer), rewrites the address and port that NAT changed,
//     keeps sequence, acknowledgment and SACK numbers consistent, and opens
//     exactly one short-lived pinhole for each announced data connection;
//   - CBAC's session table: `ip inspect name NAME tcp|udp|icmp|ftp`
//     applied with `ip inspect NAME in|out` starts sessions whose return
//     traffic passes the interface access-lists, with the global `ip
//     inspect` timers, audit trail and alerts;
//   - `ip nat service list ACL ftp tcp port N`: which servers speak FTP on
//     which control ports (its words begin with `ip nat`, but it says what
//     the FTP engine inspects);
//   - their commands, running-config lines, `show ip inspect` and `debug ip
//     inspect` output.
//
// It does not own NAT or the access-lists. It reaches NAT through the
// Translator interface (translator.go) and the access-lists through
// ListEvaluator and InterfaceLists (register.go); the router's composition
// root (natlab/device) adapts natlab/nat and passes natlab/acl. With none
// of them the engine still runs: nothing is translated, pinholes still
// open.
//
// In the router's order of operations (natlab/router's Stage table) it
// runs at four stages: StageInspectReturn and StageFTPData mark return
// traffic and expected data connections with router.MarkPermit before the
// input access-list, StageFTPControl inspects control connections in the
// inside (local) view between the two NAT stages, and StageInspect starts
// sessions last (hook.go).
//
// The FTP engine has four layers, each usable and tested on its own:
//
//   - parse.go, command.go: line parsers, pure functions over one line;
//   - seqadj.go, stream.go: per-direction byte stream state (line assembly
//     across segments, held partial lines, the list of edits and the
//     sequence, acknowledgment and SACK mapping they imply);
//   - conn.go, expect.go, pinhole.go: per control connection state
//     (command/reply pairing, AUTH TLS) and the pinhole table;
//   - inspector.go, control.go: the packet entry point on raw IPv4 bytes.
//
// CBAC is cbac.go (sessions), cbac_limits.go (max-incomplete, one-minute,
// per-host limits, the table's bound), cbac_window.go (TCP state checks),
// cbac_stats.go, rules.go, globals.go and globals_limits.go (its
// configuration);
// the IOS feature around both is register.go, cli.go, service.go and
// show.go. README.md states the behaviour decisions and pins each to a
// test.
package ftpinspect
