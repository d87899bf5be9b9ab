package labs

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
)

// MaxIfName is the longest Linux interface name (IFNAMSIZ minus the NUL). Namespace names are kept
// as short so that one naming rule serves both and `ip netns list` stays readable.
const MaxIfName = 15

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_-]*$`)

// validName reports whether s may be a lab or node name (it becomes part of file and device names).
func validName(s string) bool { return len(s) <= 32 && nameRE.MatchString(s) }

// shorten returns s when it fits in MaxIfName bytes, else its first bytes and a hash of all of it,
// so that distinct long names stay distinct.
func shorten(s string) string {
	if len(s) <= MaxIfName {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	sum := fmt.Sprintf("%04x", h.Sum32()&0xffff)
	return s[:MaxIfName-len(sum)] + sum
}

// NetnsName is the namespace of a node: <lab>-<node>, shortened when longer than 15 bytes.
func NetnsName(lab, node string) string { return shorten(lab + "-" + node) }

// TUNName is the kernel name of the TUN device that backs a router interface while it is created in
// the router's namespace (the router then moves it into the host's namespace and renames it there):
// <lab>-<node>-<n> for GigabitEthernet0/n, shortened when longer than 15 bytes.
func TUNName(lab, node, iface string) string {
	return shorten(lab + "-" + node + "-" + ifaceTag(iface))
}

// ifaceTag is a short device-safe form of an interface name: GigabitEthernet0/2 -> g2, Gi1/3 -> g1-3.
func ifaceTag(iface string) string {
	i := strings.IndexAny(iface, "0123456789")
	if i < 0 {
		return strings.ToLower(iface)
	}
	num := strings.TrimPrefix(iface[i:], "0/")
	return strings.ToLower(iface[:1]) + strings.ReplaceAll(num, "/", "-")
}

// VethName is the name of a router's end of a veth pair to another router, in the router's
// namespace: the short interface name with '-' for '/' (GigabitEthernet0/1 -> Gi0-1).
func VethName(iface string) string { return strings.ReplaceAll(ShortInterface(iface), "/", "-") }

// RouterMAC is the base MAC of the router at 1-based position pos among a lab's routers, in IOS's
// dotted form: aabb.cc00.NN00, so that routers on one switch never share a MAC. Past 255 routers the
// position goes on into the fourth byte.
func RouterMAC(pos int) string { return fmt.Sprintf("aabb.cc%02x.%02x00", pos>>8&0xff, pos&0xff) }
