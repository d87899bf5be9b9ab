// Package nat implements Cisco IOS style network address translation for the
// router: static NAT, dynamic pool NAT, PAT (overload) on a pool or an
// interface address, outside source static translation, per-protocol timers,
// ICMP error translation (RFC 5508), fragments and hairpinning, with the
// `ip nat` commands, show output and running-config lines.
//
// What nat owns:
//
//   - the rules (config.go, statics.go): what `ip nat ...` configures,
//     checked with the IOS error messages, kept in configuration order and
//     indexed, and compiled into a snapshot the packet path reads without
//     locks (snapshot.go); the fixed global addresses of static rules are
//     in a lock-free set (addrset.go), so a change costs the same with
//     thousands of rules;
//   - the translation table (table.go, bindings.go, alloc.go, create.go,
//     expire.go): sessions (IOS "extended" entries) keyed by packet.Tuple in
//     sharded maps, endpoint-independent bindings, global port allocation,
//     expiry; the limits on it (limits.go: max-entries, per host, per
//     list, all-host) and the early drop that makes room under them by
//     evicting unestablished translations (evict.go);
//   - the translations (translate.go, addronly.go, icmp.go, frag.go), run
//     from the router's hooks (hook.go);
//   - the CLI (cli.go, limits_cli.go, show.go, limits_show.go, render.go,
//     stats.go, debug.go), and the drop counters by cause (drops.go);
//   - the entry points an application-level gateway needs (alg.go), which
//     the composition root (natlab/device) gives to the FTP inspection.
//
// What it uses: the packet codec (natlab/packet) decodes and rewrites; the
// router decodes each packet once and NAT translates that decoded view
// (packet.Parsed) with its setters, which keep the checksums right
// incrementally (RFC 1624) and the view up to date. The router's Stage
// table (natlab/router) places NAT in the IOS order of operations. Source
// lists are evaluated through ListEvaluator, which the router's
// access-lists satisfy; nat does not import them.
//
// Locking: a packet of an established flow takes one shard read lock and
// neither the router's configuration lock nor NAT's own mutex (interface
// addresses come from the router's lock-free AddressOf); it allocates
// nothing. New translations, expiry, clearing and configuration run under
// NAT's mutex. Time comes from a replaceable clock so that timer tests are
// instant.
package nat
