// Package acl is the router's IOS IP access-lists. It owns:
//
//   - the configuration model: numbered and named, standard and extended
//     lists with sequence numbers and remarks (List, Entry; the edits of
//     edit.go);
//   - their commands (cli.go, cli_entry.go): `access-list`, `ip
//     access-list` and its sub-modes, `ip access-list resequence`, the
//     interface's `ip access-group` and `ip unreachables`, `show [ip]
//     access-lists`, `clear access-list counters`. ios matches every word
//     against the entry grammar; the handlers read the values back by
//     their labels (readEntry) and refuse, with ios's caret error, the few
//     combinations IOS refuses that a grammar cannot say;
//   - their rendering in the running-config and in show access-lists
//     (render.go, show.go);
//   - the packet path: the classifier (classifier.go), how each edit
//     reaches it (publish.go), Evaluate for the features that select
//     traffic with a list (NAT, `ip nat service`), and the input and
//     output access-group stages of the router's order of operations
//     (register.go), which see the router's decoded packet.Parsed;
//   - per-entry match counters and the %SEC-6-IPACCESSLOG* messages with
//     the IOS five-minute summaries (log.go), and `logging buffered` /
//     `show logging` (logging.go), whose rate-limited count is this
//     logger's.
//
// The classifier is a tuple-space search: entries are grouped by the
// shape of what they compare (source and destination wildcard masks,
// protocol, single-port and ICMP type/code equality), each group is a
// hash table from masked header values to the entries in list order, and
// groups are probed in order of their first entry so the search stops as
// soon as no remaining group can hold an earlier match. Lookup cost grows
// with the number of distinct shapes, not with the number of entries.
// Anything a group cannot express exactly (port ranges, neq, lt, gt,
// established, fragments) is verified on the candidate with the same
// Entry.Match used by the slow reference matcher. Lists of up to 16
// entries are scanned in order instead: at that size a scan is cheaper
// than hashing.
//
// Every list is published on its own, so an edit touches no other list;
// an appended entry costs O(1) and the groups are rebuilt rarely, so that
// loading a configuration of thousands of entries is linear (publish.go).
package acl
