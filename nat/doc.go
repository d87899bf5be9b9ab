// Package nat implements Cisco IOS style network address translation for the
// router: static NAT, dynamic pool NAT, PAT (overload) on a pool or an
// interface address, outside source static translation, per-protocol timers,
// ICMP error translation (RFC 5508) and hairpinning.
//
// The package has three layers:
//
//   - the rules (config.go): what `ip nat ...` configures, validated with the
//     IOS error messages and compiled into an immutable snapshot;
//   - the translation table (table.go, alloc.go): sessions (IOS "extended"
//     entries) indexed by fixed-size, pointer-free flow keys in sharded maps,
//     and endpoint-independent bindings with port allocation under one
//     slow-path lock;
//   - the packet path (translate.go, header.go, icmp.go, frag.go): header
//     rewriting with incremental checksums (RFC 1624), called from the router
//     hooks (hook.go) at the IOS order of operations.
//
// The CLI (cli.go, show.go, render.go) installs the IOS commands, show
// output and running-config lines on an ios.Engine.
//
// Existing-translation hits take one shard read lock and no allocation; new
// translations, expiry and clearing run under one mutex. Time comes from a
// replaceable clock so that timer tests are instant.
package nat
