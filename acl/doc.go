// Package acl implements IOS IP access-lists: the configuration model
// (numbered and named standard/extended lists with sequence numbers),
// the entry commands, IOS rendering for running-config and
// show access-lists, a compiled first-match classifier that the packet
// path reads through an atomic pointer, per-entry match counters, and
// %SEC-6-IPACCESSLOG* logging with the IOS five-minute summaries.
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
package acl
