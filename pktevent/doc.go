// Package pktevent is a router's stream of sampled packet events: what NAT,
// the access-lists and FTP inspection did to a packet, for a live view of a
// lab (`labs web`) to show as it happens.
//
// A Bus is owned by one router. The features publish to it from the packet
// path; the console socket's "events" mode subscribes to it (package
// console). The bus is built for the packet path:
//
//   - Free when nobody watches: Active is one atomic load, and producers
//     build an event only after it says yes.
//   - Sampled: at most Rate events a second are published (a fixed window
//     per second). FTP control-line rewrites and new NAT translations
//     bypass the sampler: they are the events a student watches for, and
//     their own tables bound how many there can be.
//   - Never blocking: each subscriber has a bounded queue; an event that
//     does not fit is dropped and counted (Subscription.Dropped), so a slow
//     web page costs the router nothing but the drop.
//   - Bounded: at most MaxSubscribers subscribers at once.
//
// Events are plain values (see Event for the JSON schema) so that a
// publish with a subscriber allocates nothing either: the strings in an
// event are the producer's constants or built only for rare events.
package pktevent
