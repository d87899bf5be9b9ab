// Package platform keeps the lines of an IOSv running-config that describe
// the platform rather than anything this router does: `no aaa new-model`,
// the mmi lines, `no ipv6 cef`, `multilink bundle-name authenticated`,
// `redundancy`, `ip forward-protocol nd`, `ipv6 ioam timestamp`,
// `control-plane` and `no scheduler allocate`. They are accepted, kept and
// rendered at IOS's places in the running-config, with IOSv's defaults, so
// that a configuration saved from IOSv loads without an error and
// round-trips. A form that would ask for behaviour the emulator lacks (`aaa
// new-model`, `ipv6 cef`) is refused with a message saying so, never
// silently ignored.
package platform
